package i18n

// Keys of `xray-wizard sandbox break` and `sandbox kubectl`: each failure
// mode's one line, and what the commands say.
const (
	BreakLabManifest     Key = "break.lab_manifest"
	BreakECRCommand      Key = "break.ecr_command"
	BreakNoRegion        Key = "break.no_region"
	BreakNoConfigMap     Key = "break.no_configmap"
	BreakNoOIDC          Key = "break.no_oidc"
	BreakSANotAnnotated  Key = "break.sa_not_annotated"
	BreakPodsBeforeRole  Key = "break.pods_before_role"
	BreakPolicyDetached  Key = "break.policy_detached"
	BreakTrustOtherSA    Key = "break.trust_other_sa"
	BreakTrustAud        Key = "break.trust_aud"
	BreakAppNoAddress    Key = "break.app_no_address"
	BreakAppShortAddress Key = "break.app_short_address"
	BreakUDPOnly         Key = "break.udp_only"
	BreakNoTCPAddress    Key = "break.no_tcp_address"
	BreakAppPinnedIP     Key = "break.app_pinned_ip"

	BreakListHead    Key = "break.list_head"
	BreakListStuck   Key = "break.list_stuck"
	BreakListNotes   Key = "break.list_notes"
	BreakUnknown     Key = "break.unknown"
	BreakNeedsName   Key = "break.needs_name"
	BreakSettingUp   Key = "break.setting_up"
	BreakDone        Key = "break.done"
	BreakNext        Key = "break.next"
	KubectlUnknown   Key = "break.kubectl_unknown"
	KubectlNoCommand Key = "break.kubectl_no_command"

	// The doctor's findings the failure modes brought.
	DxNoConfigMap        Key = "dx.no_configmap"
	DxNoConfigMapFix     Key = "dx.no_configmap_fix"
	DxTCPLocal           Key = "dx.tcp_local"
	DxTCPLocalFix        Key = "dx.tcp_local_fix"
	DxTCPDefault         Key = "dx.tcp_default"
	DxNoTracesSandboxFix Key = "dx.no_traces_sandbox_fix"
)

func init() {
	add(map[Key]entry{
		BreakLabManifest:     {"the lab's own manifest instead of the wizard's: UDP-only headless Service, cluster-admin binding, no region", "ウィザードではなくラボのマニフェスト: UDP のみのヘッドレス Service、cluster-admin のバインディング、リージョンなし"},
		BreakECRCommand:      {"ECR image run with the Docker Hub command /usr/bin/xray: CrashLoopBackOff", "ECR のイメージを Docker Hub のコマンド /usr/bin/xray で実行: CrashLoopBackOff"},
		BreakNoRegion:        {"no Region in the daemon's config and no AWS_REGION: \"Cannot fetch region variable\"", "daemon の設定に Region がなく AWS_REGION もない: \"Cannot fetch region variable\""},
		BreakNoConfigMap:     {"the daemon's ConfigMap deleted: its config file is missing", "daemon の ConfigMap を削除: 設定ファイルがない"},
		BreakNoOIDC:          {"the cluster's IAM OIDC provider deleted: IRSA cannot work", "クラスターの IAM OIDC プロバイダーを削除: IRSA が働かない"},
		BreakSANotAnnotated:  {"service account without its role annotation: the daemon runs as the node role", "サービスアカウントにロールのアノテーションがない: daemon はノードのロールで動く"},
		BreakPodsBeforeRole:  {"daemon pods started before the role annotation: they run without the role", "ロールのアノテーション前に起動した daemon Pod: ロールなしで動いている"},
		BreakPolicyDetached:  {"AWSXRayDaemonWriteAccess detached from the role: AccessDenied", "ロールから AWSXRayDaemonWriteAccess を外す: AccessDenied"},
		BreakTrustOtherSA:    {"the role trusts another service account (sub mismatch): InvalidIdentityToken", "ロールが別のサービスアカウントを信頼 (sub 不一致): InvalidIdentityToken"},
		BreakTrustAud:        {"the role's trust has the wrong audience (aud mismatch): InvalidIdentityToken", "ロールの信頼ポリシーの audience が違う (aud 不一致): InvalidIdentityToken"},
		BreakAppNoAddress:    {"app without AWS_XRAY_DAEMON_ADDRESS: its SDK sends to 127.0.0.1:2000", "アプリに AWS_XRAY_DAEMON_ADDRESS がない: SDK は 127.0.0.1:2000 に送る"},
		BreakAppShortAddress: {"app's AWS_XRAY_DAEMON_ADDRESS without the daemon's namespace", "アプリの AWS_XRAY_DAEMON_ADDRESS に daemon の名前空間がない"},
		BreakUDPOnly:         {"the daemon's Service is UDP only: no TCP 2000 for the SDKs' sampling rules", "daemon の Service が UDP のみ: SDK のサンプリングルール用の TCP 2000 がない"},
		BreakNoTCPAddress:    {"the daemon's config has no TCPAddress: its TCP 2000 proxy listens on 127.0.0.1 only", "daemon の設定に TCPAddress がない: TCP 2000 のプロキシは 127.0.0.1 だけで待ち受ける"},
		BreakAppPinnedIP:     {"app pinned to a daemon pod's IP that is gone after a redeploy", "アプリが daemon Pod の IP に固定され、再デプロイでその Pod はもうない"},

		BreakListHead:  {"Failure modes of the practice world (xray-wizard sandbox break NAME):", "練習用の環境の故障モード (xray-wizard sandbox break NAME):"},
		BreakListStuck: {"lab %d", "ラボ %d"},
		BreakListNotes: {"Not here: lab point 9's console time range (every break's setup sends fresh traces and X-Ray keeps them, so no world holds only older ones; the doctor's traces check names traces older than its window).", "ここにないもの: ラボのつまずき 9 のうちコンソールの時間範囲 (どの break もセットアップで新しいトレースを送り X-Ray がそれを保持するので、古いトレースだけの環境は作れません。期間より古いトレースは doctor の traces の確認が指摘します)。"},
		BreakUnknown:   {"no failure mode %q (see xray-wizard sandbox break --list)", "故障モード %q はありません (xray-wizard sandbox break --list を参照)"},
		BreakNeedsName: {"name a failure mode, or --list to see them", "故障モードの名前を指定するか、--list で一覧を見てください"},
		BreakSettingUp: {"Setting the practice world right first (the wizard's setup, as xray-wizard --sandbox -y)…", "まず練習用の環境を正しい状態にします (ウィザードのセットアップ、xray-wizard --sandbox -y と同じ)…"},
		BreakDone:      {"Broke the practice world: %s", "練習用の環境を壊しました: %s"},
		BreakNext:      {"Now find it: %s", "では見つけてください: %s"},
		DxNoConfigMap: {"configmap %s/%s does not exist: the daemon has no config file to read (its region, its sockets)",
			"ConfigMap %s/%s がありません: daemon が読む設定ファイル (リージョン、ソケット) がありません"},
		DxNoConfigMapFix: {"Apply the daemon's ConfigMap again with the wizard's manifest; the crashing pods start again with it.",
			"ウィザードのマニフェストで daemon の ConfigMap を適用し直してください。クラッシュしている Pod はそれを読んで起動し直します。"},
		DxTCPLocal: {"the daemon's TCP proxy listens on %s: other pods cannot reach it, so the SDKs cannot fetch their sampling rules",
			"daemon の TCP プロキシは %s で待ち受けています: 他の Pod から届かないため、SDK はサンプリングルールを取得できません"},
		DxTCPLocalFix: {"Write Socket.TCPAddress: \"0.0.0.0:2000\" into the daemon's config, as the wizard's manifest does, and restart its pods.",
			"ウィザードのマニフェストのように daemon の設定に Socket.TCPAddress: \"0.0.0.0:2000\" を書き、Pod を再起動してください。"},
		DxTCPDefault: {"not set: the daemon's default", "未設定: daemon の既定値"},
		DxNoTracesSandboxFix: {"Fix what the checks above name, then send the app requests and count the traces with the wizard.",
			"上の確認結果を直してから、ウィザードでアプリにリクエストを送りトレースを数えてください。"},
		KubectlUnknown: {"sandbox kubectl knows only the commands the doctor prints as fixes: %s", "sandbox kubectl が扱えるのは doctor が修正として示すコマンドだけです: %s"},
		KubectlNoCommand: {"give a kubectl command, e.g. xray-wizard sandbox kubectl rollout restart -n workshop deployment",
			"kubectl のコマンドを指定してください (例: xray-wizard sandbox kubectl rollout restart -n workshop deployment)"},
	})
}
