package i18n

// Keys of the doctor: each check's title (named in the doctor's table of
// checks), what it found and the fix.
const (
	DxTitleCredentials Key = "dx.credentials"
	DxTitleCluster     Key = "dx.cluster"
	DxTitleRBAC        Key = "dx.rbac"
	DxTitleDaemonSet   Key = "dx.daemonset"
	DxTitleRegion      Key = "dx.region"
	DxTitleOIDC        Key = "dx.oidc"
	DxTitleRole        Key = "dx.role"
	DxTitlePodsRole    Key = "dx.pods-role"
	DxTitleDaemonLog   Key = "dx.daemon-log"
	DxTitleService     Key = "dx.service"
	DxTitleAppAddress  Key = "dx.app-address"
	DxTitleAppRestart  Key = "dx.app-restart"
	DxTitleTraces      Key = "dx.traces"

	DxSkipped           Key = "dx.skipped"
	DxNotFound          Key = "dx.not_found"
	DxCredsOK           Key = "dx.creds_ok"
	DxCloud9Creds       Key = "dx.cloud9_creds"
	DxIAMRefused        Key = "dx.iam_refused"
	DxClusterOK         Key = "dx.cluster_ok"
	DxServerVersion     Key = "dx.server_version"
	DxNoV1beta1         Key = "dx.no_v1beta1"
	DxClusterAdmin      Key = "dx.cluster_admin"
	DxClusterAdminFix   Key = "dx.cluster_admin_fix"
	DxRBACOK            Key = "dx.rbac_ok"
	DxNoDaemonSet       Key = "dx.no_daemonset"
	DxNoDaemonSetFix    Key = "dx.no_daemonset_fix"
	DxImageCommand      Key = "dx.image_command"
	DxImageCommandFix   Key = "dx.image_command_fix"
	DxCrashing          Key = "dx.crashing"
	DxPodsReady         Key = "dx.pods_ready"
	DxPodsNotReady      Key = "dx.pods_not_ready"
	DxDaemonSetOK       Key = "dx.daemonset_ok"
	DxNoRegion          Key = "dx.no_region"
	DxNoRegionFix       Key = "dx.no_region_fix"
	DxRegionFromIMDS    Key = "dx.region_from_imds"
	DxRegionOK          Key = "dx.region_ok"
	DxPodIdentityNoOIDC Key = "dx.pod_identity_no_oidc"
	DxPodIdentityRole   Key = "dx.pod_identity_role"
	DxNoOIDC            Key = "dx.no_oidc"
	DxNoOIDCFix         Key = "dx.no_oidc_fix"
	DxOIDCOK            Key = "dx.oidc_ok"
	DxNoSA              Key = "dx.no_sa"
	DxSANotAnnotated    Key = "dx.sa_not_annotated"
	DxNoRole            Key = "dx.no_role"
	DxTrustMismatch     Key = "dx.trust_mismatch"
	DxTrustFix          Key = "dx.trust_fix"
	DxNoPolicy          Key = "dx.no_policy"
	DxRoleFix           Key = "dx.role_fix"
	DxRoleOK            Key = "dx.role_ok"
	DxNoPods            Key = "dx.no_pods"
	DxPodsWithoutRole   Key = "dx.pods_without_role"
	DxRestartDaemonFix  Key = "dx.restart_daemon_fix"
	DxPodsRoleOK        Key = "dx.pods_role_ok"
	DxWebIdentity       Key = "dx.web_identity"
	DxAccessDenied      Key = "dx.access_denied"
	DxAccessDeniedFix   Key = "dx.access_denied_fix"
	DxUploads           Key = "dx.uploads"
	DxNoUploads         Key = "dx.no_uploads"
	DxNoUploadsFix      Key = "dx.no_uploads_fix"
	DxNoService         Key = "dx.no_service"
	DxNoUDP             Key = "dx.no_udp"
	DxUDPOnly           Key = "dx.udp_only"
	DxServiceFix        Key = "dx.service_fix"
	DxServiceOK         Key = "dx.service_ok"
	DxNoApp             Key = "dx.no_app"
	DxAppAddress        Key = "dx.app_address"
	DxAppAddressFix     Key = "dx.app_address_fix"
	DxAppAddressOK      Key = "dx.app_address_ok"
	DxAppRestart        Key = "dx.app_restart"
	DxAppRestartFix     Key = "dx.app_restart_fix"
	DxAppRestartOK      Key = "dx.app_restart_ok"
	DxTracesOK          Key = "dx.traces_ok"
	DxSentButNone       Key = "dx.sent_but_none"
	DxSentButNoneFix    Key = "dx.sent_but_none_fix"
	DxNoTraces          Key = "dx.no_traces"
	DxNoTracesFix       Key = "dx.no_traces_fix"
)

func init() {
	add(map[Key]entry{
		DxTitleCredentials: {"AWS credentials", "AWS の認証情報"},
		DxTitleCluster:     {"Kubernetes API", "Kubernetes API"},
		DxTitleRBAC:        {"Daemon's RBAC (the lab's ClusterRoleBinding)", "daemon の RBAC (ラボの ClusterRoleBinding)"},
		DxTitleDaemonSet:   {"Daemon DaemonSet, image and command", "daemon の DaemonSet・イメージ・コマンド"},
		DxTitleRegion:      {"Daemon's region", "daemon のリージョン"},
		DxTitleOIDC:        {"IAM OIDC provider (IRSA)", "IAM OIDC プロバイダー (IRSA)"},
		DxTitleRole:        {"Service account's IAM role and trust", "サービスアカウントの IAM ロールと信頼ポリシー"},
		DxTitlePodsRole:    {"Daemon pods have the role", "daemon Pod にロールが渡っているか"},
		DxTitleDaemonLog:   {"Daemon's uploads (its log)", "daemon のアップロード (ログ)"},
		DxTitleService:     {"Daemon Service: UDP and TCP 2000", "daemon の Service: UDP と TCP 2000"},
		DxTitleAppAddress:  {"Apps' AWS_XRAY_DAEMON_ADDRESS", "アプリの AWS_XRAY_DAEMON_ADDRESS"},
		DxTitleAppRestart:  {"App pods up to date", "アプリ Pod が最新の設定か"},
		DxTitleTraces:      {"Traces in X-Ray", "X-Ray のトレース"},

		DxSkipped:           {"not checked: what it needs could not be read", "確認できませんでした (必要な情報を読めません)"},
		DxNotFound:          {"%s not found", "%s が見つかりません"},
		DxCredsOK:           {"working as %s; IAM answers", "%s として動作中。IAM も応答します"},
		DxCloud9Creds:       {"IAM refuses Cloud9's AWS managed temporary credentials (InvalidClientTokenId)", "IAM が Cloud9 の AWS マネージド一時認証情報を拒否しています (InvalidClientTokenId)"},
		DxIAMRefused:        {"IAM refuses these credentials", "IAM がこの認証情報を拒否しています"},
		DxClusterOK:         {"Kubernetes %s answers (context %s)", "Kubernetes %s が応答します (コンテキスト %s)"},
		DxServerVersion:     {"API server %s", "API サーバー %s"},
		DxNoV1beta1:         {"rbac.authorization.k8s.io/v1beta1 is not served (removed in 1.22): the lab's ClusterRoleBinding cannot be applied", "rbac.authorization.k8s.io/v1beta1 は提供されていません (1.22 で削除): ラボの ClusterRoleBinding は適用できません"},
		DxClusterAdmin:      {"ClusterRoleBinding %s gives the daemon cluster-admin, which it never uses", "ClusterRoleBinding %s が daemon に cluster-admin を与えていますが、daemon は使いません"},
		DxClusterAdminFix:   {"Delete the binding: the daemon never calls the Kubernetes API.", "バインディングを削除してください。daemon は Kubernetes API を呼びません。"},
		DxRBACOK:            {"the daemon needs no Kubernetes permissions, and has none too many", "daemon に Kubernetes の権限は不要で、余分な権限もありません"},
		DxNoDaemonSet:       {"the daemon is not deployed: daemonset %s/%s is missing", "daemon がデプロイされていません: DaemonSet %s/%s がありません"},
		DxNoDaemonSetFix:    {"Deploy it with the wizard (the lab's file stops on its v1beta1 ClusterRoleBinding on Kubernetes 1.22+).", "ウィザードでデプロイしてください (ラボのファイルは Kubernetes 1.22 以降では v1beta1 の ClusterRoleBinding で失敗します)。"},
		DxImageCommand:      {"image %s has no %s (its daemon is %s): the pods crash with \"no such file\"", "イメージ %s に %s はありません (daemon は %s): Pod は \"no such file\" でクラッシュします"},
		DxImageCommandFix:   {"Run the image's own binary, %s: apply the wizard's manifest.", "イメージ内のバイナリ %s を実行してください。ウィザードのマニフェストを適用します。"},
		DxCrashing:          {"daemon pods are crashing", "daemon Pod がクラッシュしています"},
		DxPodsReady:         {"%d of %d daemon pods Ready", "daemon Pod %d/%d が Ready"},
		DxPodsNotReady:      {"only %d of %d daemon pods are Ready", "daemon Pod は %d/%d しか Ready ではありません"},
		DxDaemonSetOK:       {"deployed, %d pods Ready, the image's command exists", "デプロイ済み、Pod %d 個が Ready、コマンドもイメージ内にあります"},
		DxNoRegion:          {"the daemon cannot find its region (\"Cannot fetch region variable\")", "daemon がリージョンを見つけられません (\"Cannot fetch region variable\")"},
		DxNoRegionFix:       {"Write the region into the daemon's config (Region: %s), as the wizard's manifest does; pods often cannot reach the instance metadata (hop limit 1).", "daemon の設定にリージョンを書いてください (Region: %s)。ウィザードのマニフェストはそうしています。Pod からはインスタンスメタデータに届かないことがよくあります (ホップ制限 1)。"},
		DxRegionFromIMDS:    {"the config names no region: the daemon relies on the instance metadata", "設定にリージョンがありません: daemon はインスタンスメタデータ頼みです"},
		DxRegionOK:          {"the daemon's config names %s", "daemon の設定は %s を指定しています"},
		DxPodIdentityNoOIDC: {"EKS Pod Identity needs no OIDC provider", "EKS Pod Identity に OIDC プロバイダーは不要です"},
		DxPodIdentityRole:   {"EKS Pod Identity gives the role (not checked here)", "ロールは EKS Pod Identity が渡します (ここでは確認しません)"},
		DxNoOIDC:            {"the cluster's OIDC issuer is not an IAM identity provider: IRSA cannot work", "クラスターの OIDC 発行者が IAM ID プロバイダーにありません: IRSA は動きません"},
		DxNoOIDCFix:         {"Associate the OIDC provider (the wizard's oidc step), then restart the daemon pods.", "OIDC プロバイダーを関連付けて (ウィザードの oidc ステップ)、daemon Pod を再起動してください。"},
		DxOIDCOK:            {"the issuer is an IAM identity provider", "発行者は IAM ID プロバイダーに登録済みです"},
		DxNoSA:              {"service account %s/%s is missing", "サービスアカウント %s/%s がありません"},
		DxSANotAnnotated:    {"service account %s/%s has no IAM role annotation: the daemon runs as the node role", "サービスアカウント %s/%s に IAM ロールの注釈がありません: daemon はノードのロールで動きます"},
		DxNoRole:            {"the annotated role %s does not exist", "注釈のロール %s が存在しません"},
		DxTrustMismatch:     {"role %s does not trust this service account as IRSA needs (sub or aud differ)", "ロール %s の信頼ポリシーが IRSA の条件と合いません (sub か aud が違います)"},
		DxTrustFix:          {"Let the wizard write the trust (sub system:serviceaccount:NS:xray-daemon, aud sts.amazonaws.com), then restart the daemon pods.", "ウィザードに信頼ポリシーを書かせて (sub system:serviceaccount:NS:xray-daemon、aud sts.amazonaws.com)、daemon Pod を再起動してください。"},
		DxNoPolicy:          {"role %s lacks %s", "ロール %s に %s がありません"},
		DxRoleFix:           {"Run the wizard's iamsa step: it makes the role, its trust and policy, and annotates the service account.", "ウィザードの iamsa ステップを実行してください。ロール・信頼ポリシー・ポリシーを作り、サービスアカウントに注釈を付けます。"},
		DxRoleOK:            {"role %s: trust and policy as IRSA needs", "ロール %s: 信頼ポリシーとポリシーは IRSA の条件どおりです"},
		DxNoPods:            {"no daemon pods in %s", "%s に daemon Pod がありません"},
		DxPodsWithoutRole:   {"%d daemon pods started before the role annotation and run without it", "daemon Pod %d 個が注釈より前に起動し、ロールなしで動いています"},
		DxRestartDaemonFix:  {"Restart the daemon's pods so they get the role.", "daemon の Pod を再起動してロールを渡してください。"},
		DxPodsRoleOK:        {"all %d daemon pods have AWS_ROLE_ARN", "daemon Pod %d 個すべてに AWS_ROLE_ARN があります"},
		DxWebIdentity:       {"the daemon cannot assume its role (WebIdentityErr / InvalidIdentityToken)", "daemon がロールを引き受けられません (WebIdentityErr / InvalidIdentityToken)"},
		DxAccessDenied:      {"X-Ray refuses the daemon's uploads (AccessDenied): IRSA is not in effect", "X-Ray が daemon のアップロードを拒否しています (AccessDenied): IRSA が効いていません"},
		DxAccessDeniedFix:   {"Fix what the OIDC, role and pods checks name, then restart the daemon pods.", "oidc・role・pods-role の確認結果を直し、daemon Pod を再起動してください。"},
		DxUploads:           {"the daemon uploads segments", "daemon はセグメントを送信しています"},
		DxNoUploads:         {"the daemon has sent nothing yet: the apps' SDKs send it nothing", "daemon はまだ何も送っていません: アプリの SDK から届いていません"},
		DxNoUploadsFix:      {"Send the app some requests, and check the apps' daemon address.", "アプリにリクエストを送り、アプリの daemon アドレスを確認してください。"},
		DxNoService:         {"service %s/%s is missing: apps cannot reach the daemon by name", "Service %s/%s がありません: アプリは名前で daemon に届きません"},
		DxNoUDP:             {"service %s has no UDP 2000: segments cannot reach the daemon", "Service %s に UDP 2000 がありません: セグメントが daemon に届きません"},
		DxUDPOnly:           {"service %s is UDP only: the SDKs' sampling rules, fetched over TCP 2000, fail", "Service %s は UDP のみです: SDK が TCP 2000 で取得するサンプリングルールが失敗します"},
		DxServiceFix:        {"Give the Service both UDP and TCP 2000, as the wizard's manifest does.", "ウィザードのマニフェストのように、Service に UDP と TCP の 2000 を両方付けてください。"},
		DxServiceOK:         {"UDP and TCP 2000", "UDP と TCP の 2000"},
		DxNoApp:             {"no app deployments in %s", "%s にアプリの Deployment がありません"},
		DxAppAddress:        {"apps that do not send to the daemon: %s (want %s)", "daemon に送っていないアプリ: %s (正しくは %s)"},
		DxAppAddressFix:     {"Set AWS_XRAY_DAEMON_ADDRESS=%s in those deployments: without it the SDK sends to 127.0.0.1:2000, where no daemon listens.", "それらの Deployment に AWS_XRAY_DAEMON_ADDRESS=%s を設定してください。未設定だと SDK は 127.0.0.1:2000 に送りますが、そこに daemon はいません。"},
		DxAppAddressOK:      {"every app sends to %s", "すべてのアプリが %s に送っています"},
		DxAppRestart:        {"%d app pods send where the daemon no longer is", "アプリ Pod %d 個が、もう daemon のいない宛先に送っています"},
		DxAppRestartFix:     {"Restart the app's deployments: pods keep the address they started with.", "アプリの Deployment を再起動してください。Pod は起動時のアドレスを使い続けます。"},
		DxAppRestartOK:      {"app pods send to where the daemon is", "アプリ Pod は daemon のいる宛先に送っています"},
		DxTracesOK:          {"%d traces in the window (fewer than requests is normal: by default the X-Ray SDKs record the first request each second and 5%% of the rest)", "期間内にトレースが %d 件あります (リクエスト数より少ないのは正常です: X-Ray SDK は既定で毎秒最初の 1 件と残りの 5%% を記録します)"},
		DxSentButNone:       {"the daemon reports uploads, but X-Ray in %s shows no traces", "daemon は送信済みと言っていますが、%s の X-Ray にトレースがありません"},
		DxSentButNoneFix:    {"Look in the region the daemon sends to (%s) and further back (--since 1h); the console must be on that region too.", "daemon の送信先リージョン (%s) で、さかのぼって (--since 1h) 見てください。コンソールもそのリージョンにしてください。"},
		DxNoTraces:          {"X-Ray in %s has no traces in the window", "%s の X-Ray には期間内のトレースがありません"},
		DxNoTracesFix:       {"Fix what the checks above name, send the app some requests, and count again (xray-wizard traces).", "上の確認結果を直し、アプリにリクエストを送ってから数え直してください (xray-wizard traces)。"},
	})
}
