package i18n

// Keys of the doctor's checks when the OpenTelemetry Collector runs in
// place of the X-Ray daemon, and when no collector runs at all.
const (
	DxTitleOtelDaemonSet Key = "dx.otel.daemonset"
	DxTitleOtelRegion    Key = "dx.otel.region"
	DxTitleOtelPodsRole  Key = "dx.otel.pods-role"
	DxTitleOtelLog       Key = "dx.otel.log"
	DxTitleOtelService   Key = "dx.otel.service"
	DxTitleOtelRBAC      Key = "dx.otel.rbac"
	DxTitleOtelCreated   Key = "dx.otel.pods-created"
	DxOtelRBACOK         Key = "dx.otel.rbac_ok"
	DxOtelAppRestartOK   Key = "dx.otel.app_restart_ok"

	DxNoCollector        Key = "dx.no_collector"
	DxNoCollectorFix     Key = "dx.no_collector_fix"
	DxNeedsCollector     Key = "dx.needs_collector"
	DxOtelDaemonSetOK    Key = "dx.otel.daemonset_ok"
	DxOtelCrashing       Key = "dx.otel.crashing"
	DxOtelPodsReady      Key = "dx.otel.pods_ready"
	DxOtelPodsNotReady   Key = "dx.otel.pods_not_ready"
	DxOtelNoRegion       Key = "dx.otel.no_region"
	DxOtelNoRegionFix    Key = "dx.otel.no_region_fix"
	DxOtelNoConfigMap    Key = "dx.otel.no_configmap"
	DxOtelNoConfigMapFix Key = "dx.otel.no_configmap_fix"
	DxOtelRegionFromEnv  Key = "dx.otel.region_from_env"
	DxOtelOtherRegion    Key = "dx.otel.other_region"
	DxOtelOtherRegionFix Key = "dx.otel.other_region_fix"
	DxOtelRegionOK       Key = "dx.otel.region_ok"
	DxOtelNoPods         Key = "dx.otel.no_pods"
	DxOtelPodsWithout    Key = "dx.otel.pods_without_role"
	DxOtelRestartFix     Key = "dx.otel.restart_fix"
	DxOtelPodsRoleOK     Key = "dx.otel.pods_role_ok"
	DxOtelNotStarted     Key = "dx.otel.not_started"
	DxOtelWebIdentity    Key = "dx.otel.web_identity"
	DxOtelNoCredentials  Key = "dx.otel.no_credentials"
	DxOtelAccessDenied   Key = "dx.otel.access_denied"
	DxOtelExportFails    Key = "dx.otel.export_fails"
	DxOtelExportFix      Key = "dx.otel.export_fix"
	DxOtelExportOK       Key = "dx.otel.export_ok"
	DxOtelNoService      Key = "dx.otel.no_service"
	DxOtelNoUDP          Key = "dx.otel.no_udp"
	DxOtelUDPOnly        Key = "dx.otel.udp_only"
	DxOtelTCPLocal       Key = "dx.otel.tcp_local"
	DxOtelTCPLocalFix    Key = "dx.otel.tcp_local_fix"
	DxOtelTCPDefault     Key = "dx.otel.tcp_default"
	DxServiceSelects     Key = "dx.service_selects"
	DxServiceSelectsFix  Key = "dx.service_selects_fix"
	DxOtelSentButNone    Key = "dx.otel.sent_but_none"
	DxOtelSentButNoneFix Key = "dx.otel.sent_but_none_fix"
)

func init() {
	add(map[Key]entry{
		DxTitleOtelDaemonSet: {"Collector DaemonSet and pods", "Collector の DaemonSet と Pod"},
		DxTitleOtelRegion:    {"Collector's region (awsxray exporter)", "Collector のリージョン (awsxray エクスポーター)"},
		DxTitleOtelPodsRole:  {"Collector pods have the role", "Collector の Pod にロールが渡っているか"},
		DxTitleOtelLog:       {"Collector's exports (its log)", "Collector のエクスポート (ログ)"},
		DxTitleOtelService:   {"Collector Service: UDP and TCP 2000", "Collector の Service: UDP と TCP 2000"},
		DxTitleOtelRBAC:      {"Collector's RBAC (the lab's ClusterRoleBinding)", "Collector の RBAC (ラボの ClusterRoleBinding)"},
		DxTitleOtelCreated:   {"Collector pods can be created", "Collector の Pod を作成できるか"},
		DxOtelRBACOK:         {"the Collector with the wizard's configuration needs no Kubernetes permissions, and has none too many", "ウィザードの設定の Collector に Kubernetes の権限は不要で、余分な権限もありません"},
		DxOtelAppRestartOK:   {"app pods send to where the Collector is", "アプリ Pod は Collector のいる宛先に送っています"},

		DxNoCollector: {"no collector is deployed in %s: neither daemonset %s nor %s",
			"%s にコレクターがデプロイされていません: DaemonSet %s も %s もありません"},
		DxNoCollectorFix: {"Deploy one with the wizard: the X-Ray daemon (--collector daemon, as the lab) or the OpenTelemetry Collector (--collector otel). The lab's file stops on its v1beta1 ClusterRoleBinding on Kubernetes 1.22+.",
			"ウィザードでデプロイしてください: X-Ray daemon (--collector daemon、ラボと同じ) か OpenTelemetry Collector (--collector otel) です。ラボのファイルは Kubernetes 1.22 以降では v1beta1 の ClusterRoleBinding で止まります。"},
		DxNeedsCollector:   {"not checked: no collector runs (see the DaemonSet check)", "未確認: コレクターが動いていません (DaemonSet のチェックを参照)"},
		DxOtelDaemonSetOK:  {"the OpenTelemetry Collector is deployed, %d pods Ready", "OpenTelemetry Collector はデプロイ済み、Pod %d 個が Ready です"},
		DxOtelCrashing:     {"the Collector's pods are crashing", "Collector の Pod がクラッシュしています"},
		DxOtelPodsReady:    {"%d of %d Collector pods Ready", "Collector の Pod %d/%d が Ready"},
		DxOtelPodsNotReady: {"only %d of %d Collector pods are Ready", "Collector の Pod は %d/%d しか Ready ではありません"},
		DxOtelNoRegion: {"the Collector cannot find its region: its awsxray exporter asked the instance metadata (\"ec2imds: GetRegion\") and got no answer",
			"Collector がリージョンを見つけられません: awsxray エクスポーターがインスタンスメタデータに問い合わせ (\"ec2imds: GetRegion\")、応答がありません"},
		DxOtelNoRegionFix: {"Write the region into the awsxray exporter (region: %s), as the wizard's manifest does; pods often cannot reach the instance metadata (hop limit 1).",
			"ウィザードのマニフェストのように awsxray エクスポーターにリージョン (region: %s) を書いてください。Pod からはインスタンスメタデータに届かないことが多いためです (ホップ数制限 1)。"},
		DxOtelNoConfigMap: {"configmap %s/%s does not exist: the Collector has no config to read (its receiver, its exporter and its region)",
			"ConfigMap %s/%s がありません: Collector が読む設定 (レシーバー、エクスポーター、リージョン) がありません"},
		DxOtelNoConfigMapFix: {"Apply the Collector's ConfigMap again with the wizard's manifest; the crashing pods start again with it.",
			"ウィザードのマニフェストで Collector の ConfigMap を適用し直してください。クラッシュしている Pod はそれを読んで起動し直します。"},
		DxOtelRegionFromEnv: {"the awsxray exporter names no region: the Collector relies on AWS_REGION in its pods, else the instance metadata",
			"awsxray エクスポーターにリージョンがありません: Collector は Pod の AWS_REGION、なければインスタンスメタデータ頼みです"},
		DxOtelOtherRegion:    {"the Collector sends to %s, but you are looking at %s", "Collector の送信先は %s ですが、見ているのは %s です"},
		DxOtelOtherRegionFix: {"Look at the traces in %s (--region), or change the exporter's region.", "%s のトレースを見る (--region) か、エクスポーターのリージョンを変えてください。"},
		DxOtelRegionOK:       {"the awsxray exporter names %s", "awsxray エクスポーターは %s を指定しています"},
		DxOtelNoPods:         {"no Collector pods in %s", "%s に Collector の Pod がありません"},
		DxOtelPodsWithout: {"%d Collector pods started before the role annotation and run without it",
			"Collector の Pod %d 個がアノテーションより前に起動し、ロールなしで動いています"},
		DxOtelRestartFix: {"Restart the Collector's pods so they get the role.", "Collector の Pod を再起動してロールを渡してください。"},
		DxOtelPodsRoleOK: {"all %d Collector pods have AWS_ROLE_ARN", "Collector の Pod %d 個すべてに AWS_ROLE_ARN があります"},
		DxOtelNotStarted: {"not checked: the Collector has not started (see the DaemonSet check)", "未確認: Collector が起動していません (DaemonSet のチェックを参照)"},
		DxOtelWebIdentity: {"the Collector cannot assume its role: STS refuses its AssumeRoleWithWebIdentity (the trust's sub or aud, or the token)",
			"Collector がロールを引き受けられません: STS が AssumeRoleWithWebIdentity を拒否しています (信頼ポリシーの sub か aud、またはトークン)"},
		DxOtelNoCredentials: {"the Collector gets no AWS credentials for its exports", "Collector はエクスポートに使う AWS の認証情報を得られていません"},
		DxOtelAccessDenied: {"X-Ray refuses the Collector's exports (AccessDenied): its role is not in effect or lacks the policy",
			"X-Ray が Collector のエクスポートを拒否しています (AccessDenied): ロールが効いていないか、ポリシーがありません"},
		DxOtelExportFails: {"the Collector's exports to X-Ray fail", "Collector から X-Ray へのエクスポートが失敗しています"},
		DxOtelExportFix: {"Fix what the role and pods-role checks name, then restart the Collector's pods.",
			"role と pods-role の確認結果を直し、Collector の Pod を再起動してください。"},
		DxOtelExportOK: {"no failed export since the Collector started (it logs failures only, not the batches it sends)",
			"Collector の起動以降、失敗したエクスポートはありません (Collector が記録するのは失敗だけで、送信したバッチは記録しません)"},
		DxOtelNoService: {"service %s/%s is missing: apps cannot reach the Collector by name", "Service %s/%s がありません: アプリは名前で Collector に届きません"},
		DxOtelNoUDP:     {"service %s has no UDP 2000: segments cannot reach the Collector", "Service %s に UDP 2000 がありません: セグメントが Collector に届きません"},
		DxOtelUDPOnly: {"service %s is UDP only: the SDKs' sampling rules, fetched over TCP 2000 through the Collector, fail",
			"Service %s は UDP のみです: SDK が Collector 経由で TCP 2000 から取得するサンプリングルールが失敗します"},
		DxOtelTCPLocal: {"the Collector's sampling proxy listens on %s: other pods cannot reach it, so the SDKs cannot fetch their sampling rules",
			"Collector のサンプリングプロキシは %s で待ち受けています: 他の Pod から届かないため、SDK はサンプリングルールを取得できません"},
		DxOtelTCPLocalFix: {"Write proxy_server.endpoint: \"0.0.0.0:2000\" into the awsxray receiver, as the wizard's manifest does, and restart its pods.",
			"ウィザードのマニフェストのように awsxray レシーバーに proxy_server.endpoint: \"0.0.0.0:2000\" を書き、Pod を再起動してください。"},
		DxOtelTCPDefault: {"not set: the receiver's default", "未設定: レシーバーの既定値"},
		DxServiceSelects: {"service %s sends to pods with %s, but the collector's pods are %s: nothing receives the apps' segments",
			"Service %s の送り先は %s の Pod ですが、コレクターの Pod は %s です: アプリのセグメントを受け取るものがありません"},
		DxServiceSelectsFix: {"Apply the collector's manifest again with the wizard: its Service sends to its pods.",
			"ウィザードでコレクターのマニフェストを適用し直してください。その Service はコレクターの Pod に送ります。"},
		DxOtelSentButNone: {"the Collector exports to %s, but X-Ray in %s shows no traces", "Collector の送信先は %s ですが、%s の X-Ray にトレースがありません"},
		DxOtelSentButNoneFix: {"Look in the region the Collector exports to (%s) and further back (--since 1h); the console must be on that region too.",
			"Collector の送信先リージョン (%s) で、さかのぼって (--since 1h) 見てください。コンソールもそのリージョンにしてください。"},
	})
}
