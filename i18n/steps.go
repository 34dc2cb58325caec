package i18n

// Keys of the steps' text: titles, why, progress lines, results, and the
// causes and fixes of failures.
const (
	PreflightTitle Key = "step.preflight.title"
	PreflightWhy   Key = "step.preflight.why"
	OIDCTitle      Key = "step.oidc.title"
	OIDCWhy        Key = "step.oidc.why"
	IAMSATitle     Key = "step.iamsa.title"
	IAMSAWhy       Key = "step.iamsa.why"
	DaemonSetTitle Key = "step.daemonset.title"
	DaemonSetWhy   Key = "step.daemonset.why"
	PodsTitle      Key = "step.pods.title"
	PodsWhy        Key = "step.pods.why"
	AppTitle       Key = "step.app.title"
	AppWhy         Key = "step.app.why"
	TracesTitle    Key = "step.traces.title"
	TracesWhy      Key = "step.traces.why"

	None         Key = "word.none"
	YourIdentity Key = "word.your_identity"

	MsgIdentity               Key = "msg.identity"
	MsgRegion                 Key = "msg.region"
	MsgCluster                Key = "msg.cluster"
	MsgKubeContext            Key = "msg.kube_context"
	MsgPreflightDone          Key = "msg.preflight_done"
	MsgOIDCMissing            Key = "msg.oidc_missing"
	MsgOIDCNoAudience         Key = "msg.oidc_no_audience"
	MsgOIDCAlready            Key = "msg.oidc_already"
	MsgOIDCCreated            Key = "msg.oidc_created"
	MsgOIDCAudienceAdded      Key = "msg.oidc_audience_added"
	MsgThumbprint             Key = "msg.thumbprint"
	MsgNoThumbprint           Key = "msg.no_thumbprint"
	MsgIRSAAlready            Key = "msg.irsa_already"
	MsgIRSADone               Key = "msg.irsa_done"
	MsgIRSANeedsOIDC          Key = "msg.irsa_needs_oidc"
	MsgSAForeign              Key = "msg.sa_foreign"
	MsgCreatingRole           Key = "msg.creating_role"
	MsgFixingTrust            Key = "msg.fixing_trust"
	MsgAttaching              Key = "msg.attaching"
	MsgAnnotatingSA           Key = "msg.annotating_sa"
	MsgDaemonAlready          Key = "msg.daemon_already"
	MsgDaemonApplied          Key = "msg.daemon_applied"
	MsgNoClusterAdmin         Key = "msg.no_cluster_admin"
	MsgSAMissingMade          Key = "msg.sa_missing_made"
	MsgApplying               Key = "msg.applying"
	MsgPodsReady              Key = "msg.pods_ready"
	MsgPodsWithoutRole        Key = "msg.pods_without_role"
	MsgPodsWithoutAssociation Key = "msg.pods_without_association"
	MsgAppPlan                Key = "msg.app_plan"
	MsgWaitingLB              Key = "msg.waiting_lb"
	MsgDaemonAddress          Key = "msg.daemon_address"
	MsgTrafficDone            Key = "msg.traffic_done"
	MsgWaitingTraces          Key = "msg.waiting_traces"
	MsgTracesCounted          Key = "msg.traces_counted"
	MsgNotRunAfterFailure     Key = "msg.not_run_after_failure"
	MsgPlanned                Key = "msg.planned"
	MsgDeclined               Key = "msg.declined"
	MsgInterrupted            Key = "msg.interrupted"
	MsgStoppedByYou           Key = "msg.stopped_by_you"
	MsgThrottled              Key = "msg.throttled"
	MsgTransactionSearch      Key = "msg.transaction_search"
	MsgIndexedNone            Key = "msg.indexed_none"
	MsgIndexedShare           Key = "msg.indexed_share"
	DxIndexedNone             Key = "dx.indexed_none"
	MsgNotRun                 Key = "msg.not_run"
	MsgNeedsYes               Key = "msg.needs_yes"
	MsgTimedOut               Key = "msg.timed_out"

	ErrAWSCall                Key = "err.aws_call"
	ErrAccessDenied           Key = "err.access_denied"
	FixAccessDenied           Key = "fix.access_denied"
	ErrCredentials            Key = "err.credentials"
	FixCredentials            Key = "fix.credentials"
	ErrUnreachable            Key = "err.unreachable"
	FixUnreachable            Key = "fix.unreachable"
	ErrNoClusters             Key = "err.no_clusters"
	FixNoClusters             Key = "fix.no_clusters"
	ErrManyClusters           Key = "err.many_clusters"
	FixManyClusters           Key = "fix.many_clusters"
	ErrClusterNotFound        Key = "err.cluster_not_found"
	FixClusterNotFound        Key = "fix.cluster_not_found"
	ErrClusterNotActive       Key = "err.cluster_not_active"
	FixClusterNotActive       Key = "fix.cluster_not_active"
	ErrNoIssuer               Key = "err.no_issuer"
	FixNoIssuer               Key = "fix.no_issuer"
	ErrNoKube                 Key = "err.no_kube"
	FixNoKube                 Key = "fix.no_kube"
	ErrKubeOtherCluster       Key = "err.kube_other_cluster"
	ErrKubeCall               Key = "err.kube_call"
	ErrKubeForbidden          Key = "err.kube_forbidden"
	FixKubeForbidden          Key = "fix.kube_forbidden"
	ErrKubeUnauthorized       Key = "err.kube_unauthorized"
	FixKubeUnauthorized       Key = "fix.kube_unauthorized"
	ErrKubeUnreachable        Key = "err.kube_unreachable"
	FixKubeUnreachable        Key = "fix.kube_unreachable"
	ErrNoOIDCProvider         Key = "err.no_oidc_provider"
	FixNoOIDCProvider         Key = "fix.no_oidc_provider"
	ErrSAForeign              Key = "err.sa_foreign"
	FixSAForeign              Key = "fix.sa_foreign"
	ErrWatchFailed            Key = "err.watch_failed"
	ErrTrustDiffers           Key = "err.trust_differs"
	MsgPodCrashing            Key = "msg.pod_crashing"
	MsgPodImage               Key = "msg.pod_image"
	MsgPodPending             Key = "msg.pod_pending"
	MsgPodsMoreStuck          Key = "msg.pods_more_stuck"
	MsgAndMore                Key = "msg.and_more"
	MsgNoServiceMap           Key = "msg.no_service_map"
	ErrNoRoleInjected         Key = "err.no_role_injected"
	FixNoRoleInjected         Key = "fix.no_role_injected"
	CleanupTitle              Key = "cleanup.title"
	CleanupWhy                Key = "cleanup.why"
	MsgCleanupRoleNotOurs     Key = "msg.cleanup_role_not_ours"
	MsgCleanupProviderNotOurs Key = "msg.cleanup_provider_not_ours"
	MsgCleanupNothing         Key = "msg.cleanup_nothing"
	MsgCleanupDetach          Key = "msg.cleanup_detach"
	MsgCleanupKeepsOIDC       Key = "msg.cleanup_keeps_oidc"
	MsgCleanupDeleting        Key = "msg.cleanup_deleting"
	MsgCleanupDetaching       Key = "msg.cleanup_detaching"
	MsgCleanupDone            Key = "msg.cleanup_done"
	MsgCleanupMadeByWizard    Key = "msg.cleanup_made_by_wizard"
	MsgCleanupTouched         Key = "msg.cleanup_touched"
	MsgCleanupReleasing       Key = "msg.cleanup_releasing"
	MsgCleanupKeepsTakenOver  Key = "msg.cleanup_keeps_taken_over"
	MsgCleanupOtherNamespace  Key = "msg.cleanup_other_namespace"
	MsgRestarting             Key = "msg.restarting"
	ErrApplyConflict          Key = "err.apply_conflict"
	FixApplyConflict          Key = "fix.apply_conflict"
	MsgCreatingAddon          Key = "msg.creating_addon"
	MsgAssociating            Key = "msg.associating"
	MsgPodIdentityDone        Key = "msg.pod_identity_done"
	MsgPodIdentityAlready     Key = "msg.pod_identity_already"
	MsgOIDCNotNeeded          Key = "msg.oidc_not_needed"
	FixTrustDiffers           Key = "fix.trust_differs"
	MsgTrustNeedsYou          Key = "msg.trust_needs_you"
	ErrNoDaemonSet            Key = "err.no_daemonset"
	FixNoDaemonSet            Key = "fix.no_daemonset"
	ErrPodsNotReady           Key = "err.pods_not_ready"
	FixPodsNotReady           Key = "fix.pods_not_ready"
	FixCrashLoop              Key = "fix.crash_loop"
	FixImagePull              Key = "fix.image_pull"
	ErrNoApp                  Key = "err.no_app"
	FixNoApp                  Key = "fix.no_app"
	ErrNoLB                   Key = "err.no_lb"
	FixNoLB                   Key = "fix.no_lb"
	ErrAppUnreachable         Key = "err.app_unreachable"
	FixAppUnreachable         Key = "fix.app_unreachable"
	ErrNoTraces               Key = "err.no_traces"
	ErrNoTracesInWindow       Key = "err.no_traces_in_window"
	ErrBadFilter              Key = "err.bad_filter"
	FixBadFilter              Key = "fix.bad_filter"
	FixNoTracesInWindow       Key = "fix.no_traces_in_window"
)

func init() {
	add(map[Key]entry{
		PreflightTitle: {"Preflight", "事前確認"},
		PreflightWhy: {
			"Checks who you are in AWS, the region, the EKS cluster and the kube context, so that every later step acts on the right cluster.",
			"AWS の認証情報、リージョン、EKS クラスター、kubectl のコンテキストを確認します。以降のステップが正しいクラスターに対して実行されるようにするためです。"},
		OIDCTitle: {"OIDC provider", "OIDC プロバイダー"},
		OIDCWhy: {
			"IAM Roles for Service Accounts (IRSA) lets a pod take an IAM role. For that, IAM must first trust the cluster's OIDC issuer as an identity provider.",
			"IAM Roles for Service Accounts (IRSA) を使うと Pod が IAM ロールを利用できます。そのためには、まず IAM がクラスターの OIDC 発行者を ID プロバイダーとして信頼する必要があります。"},
		IAMSATitle: {"IAM role for the daemon", "daemon 用の IAM ロール"},
		IAMSAWhy: {
			"The X-Ray daemon needs permission to send traces to X-Ray. An IAM role with AWSXRayDaemonWriteAccess, usable only by its service account, gives it exactly that.",
			"X-Ray daemon が X-Ray にトレースを送信するには権限が必要です。daemon の ServiceAccount だけが使える、AWSXRayDaemonWriteAccess を付けた IAM ロールでその権限を付与します。"},
		DaemonSetTitle: {"Deploy the X-Ray daemon", "X-Ray daemon のデプロイ"},
		DaemonSetWhy: {
			"Apps send trace segments over UDP to a local agent, the X-Ray daemon, which uploads them to X-Ray. It runs as a DaemonSet, with its ConfigMap and Service.",
			"アプリは UDP でトレースのセグメントをローカルのエージェント (X-Ray daemon) に送り、daemon がそれを X-Ray にアップロードします。daemon は ConfigMap、Service とともに DaemonSet として実行します。"},
		PodsTitle: {"Daemon pods", "daemon Pod の確認"},
		PodsWhy: {
			"A DaemonSet places one pod on every node. Waiting until each one is Ready proves the daemon runs before any traffic is sent.",
			"DaemonSet はノードごとに Pod を 1 つ配置します。すべての Pod が Ready になるのを待つことで、トラフィックを送る前に daemon が動いていることを確認します。"},
		AppTitle: {"Send traffic to the app", "サンプルアプリへのアクセス"},
		AppWhy: {
			"The sample app already uses the X-Ray SDK. Requests to it through its load balancer make the traces X-Ray will show.",
			"サンプルアプリはすでに X-Ray SDK を利用しています。ロードバランサー経由でリクエストを送ると、X-Ray に表示されるトレースが生成されます。"},
		TracesTitle: {"Traces in X-Ray", "X-Ray のトレース"},
		TracesWhy: {
			"Counting the traces X-Ray received proves the whole path works: app → daemon → X-Ray.",
			"X-Ray が受け取ったトレースを数えることで、アプリ → daemon → X-Ray の経路全体が動いていることを確認します。"},

		None:         {"none", "なし"},
		YourIdentity: {"your identity", "現在の認証情報"},

		MsgIdentity:               {"AWS identity: %s (account %s)", "AWS の認証情報: %s (アカウント %s)"},
		MsgRegion:                 {"Region: %s", "リージョン: %s"},
		MsgCluster:                {"EKS cluster: %s (Kubernetes %s, %s)", "EKS クラスター: %s (Kubernetes %s, %s)"},
		MsgKubeContext:            {"kube context: %s (server %s)", "kubectl のコンテキスト: %s (サーバー %s)"},
		MsgPreflightDone:          {"cluster %s in %s, account %s", "クラスター %s (%s)、アカウント %s"},
		MsgOIDCMissing:            {"cluster %s has no IAM OIDC provider yet", "クラスター %s の IAM OIDC プロバイダーはまだありません"},
		MsgOIDCNoAudience:         {"provider %s exists but does not accept client ID %s", "プロバイダー %s はありますが、クライアント ID %s を受け付けていません"},
		MsgOIDCAlready:            {"IAM OIDC provider for cluster %s is already associated", "クラスター %s の IAM OIDC プロバイダーはすでに関連付けられています"},
		MsgOIDCCreated:            {"created IAM Open ID Connect provider for cluster %s in %s", "クラスター %s (%s) の IAM OIDC プロバイダーを作成しました"},
		MsgOIDCAudienceAdded:      {"added client ID %s to the provider", "プロバイダーにクライアント ID %s を追加しました"},
		MsgThumbprint:             {"fetching the TLS thumbprint of %s", "%s の TLS サムプリントを取得しています"},
		MsgNoThumbprint:           {"could not fetch the issuer's thumbprint (%v); creating the provider without one, as IAM allows for EKS issuers", "発行者のサムプリントを取得できませんでした (%v)。EKS の発行者では不要なため、サムプリントなしでプロバイダーを作成します"},
		MsgIRSAAlready:            {"service account %s/%s already uses role %s", "ServiceAccount %s/%s はすでにロール %s を使っています"},
		MsgIRSADone:               {"service account %s/%s now uses role %s", "ServiceAccount %s/%s にロール %s を設定しました"},
		MsgIRSANeedsOIDC:          {"This step needs the cluster's IAM OIDC provider (the oidc step).", "このステップにはクラスターの IAM OIDC プロバイダー (oidc ステップ) が必要です。"},
		MsgSAForeign:              {"Service account %s/%s was made by someone else: it is changed only with --override-existing-serviceaccounts.", "ServiceAccount %s/%s は別の方法で作成されています。--override-existing-serviceaccounts を指定した場合のみ変更します。"},
		MsgCreatingRole:           {"creating IAM role %s", "IAM ロール %s を作成しています"},
		MsgFixingTrust:            {"correcting the trust policy of %s: %s", "%s の信頼ポリシーを修正しています: %s"},
		MsgAttaching:              {"attaching %s", "%s をアタッチしています"},
		MsgAnnotatingSA:           {"annotating service account %s/%s", "ServiceAccount %s/%s にアノテーションを付けています"},
		MsgDaemonAlready:          {"the X-Ray daemon in %s is already as the manifest says", "%s の X-Ray daemon はすでにマニフェストどおりです"},
		MsgDaemonApplied:          {"applied the X-Ray daemon's ConfigMap, Service and DaemonSet in %s", "%s に X-Ray daemon の ConfigMap、Service、DaemonSet を適用しました"},
		MsgNoClusterAdmin:         {"Unlike the lab's manifest, no ClusterRoleBinding to cluster-admin: the daemon never calls the Kubernetes API.", "ラボのマニフェストと異なり、cluster-admin への ClusterRoleBinding は作成しません。daemon は Kubernetes API を呼び出さないためです。"},
		MsgSAMissingMade:          {"service account %s/%s did not exist: made it without an IAM role (run the iamsa step to give it one)", "ServiceAccount %s/%s がなかったため、IAM ロールなしで作成しました (iamsa ステップでロールを設定してください)"},
		MsgApplying:               {"applying %s %s", "%s %s を適用しています"},
		MsgPodsReady:              {"%d/%d daemon pods Ready", "daemon Pod %d/%d 個が Ready"},
		MsgPodsWithoutRole:        {"%d daemon pods started before the IAM role annotation and run without it: restart them with kubectl rollout restart -n %s daemonset/%s", "daemon Pod %d 個はロールのアノテーションより前に起動したため、ロールなしで動いています。kubectl rollout restart -n %s daemonset/%s で再起動してください"},
		MsgPodsWithoutAssociation: {"%d daemon pods started before the EKS Pod Identity association and run without the role: restart them with kubectl rollout restart -n %s daemonset/%s", "daemon Pod %d 個は EKS Pod Identity の関連付けより前に起動したため、ロールなしで動いています。kubectl rollout restart -n %s daemonset/%s で再起動してください"},
		MsgAppPlan:                {"Sends %d requests to the app; changes nothing in the cluster or the account.", "アプリに %d 件のリクエストを送ります。クラスターやアカウントは変更しません。"},
		MsgWaitingLB:              {"waiting for the load balancer of %s/%s", "%s/%s のロードバランサーを待っています"},
		MsgDaemonAddress:          {"deployment %s/%s sends traces to %s, not to the daemon's Service %s", "Deployment %s/%s はトレースを %s に送っており、daemon の Service %s ではありません"},
		MsgTrafficDone:            {"sent %d requests to %s (%d without answer)", "%d 件のリクエストを %s に送りました (応答なし %d 件)"},
		MsgWaitingTraces:          {"asking X-Ray for the traces (they appear some seconds after the requests)", "X-Ray にトレースを問い合わせています (リクエストから数秒後に表示されます)"},
		MsgTracesCounted:          {"%d traces: %d ok, %d 4xx, %d 5xx, %d 429", "トレース %d 件: 正常 %d、4xx %d、5xx %d、429 %d"},
		MsgNotRunAfterFailure:     {"not run: an earlier step failed", "前のステップが失敗したため実行していません"},
		MsgPlanned:                {"planned (dry run)", "計画のみ (ドライラン)"},
		MsgDeclined:               {"skipped at your request", "指示によりスキップしました"},
		MsgInterrupted:            {"interrupted", "中断されました"},
		MsgTransactionSearch:      {"CloudWatch Transaction Search is on: the spans go to CloudWatch Logs and X-Ray indexes only %s %% of the traces, so the count is that share of them. To index every trace: %s", "CloudWatch Transaction Search が有効です: スパンは CloudWatch Logs に送られ、X-Ray がインデックスするのはトレースの %s %% だけなので、件数はその割合の分です。すべてのトレースをインデックスするには: %s"},
		MsgIndexedShare:           {"(the indexed %g %% of about %d: Transaction Search)", "(インデックスされた %g %%、全体で約 %d 件: Transaction Search)"},
		DxIndexedNone:             {"no trace is indexed in the window: X-Ray indexes %s %% of the traces (Transaction Search); the spans are in CloudWatch Logs (aws/spans)", "この期間にインデックスされたトレースはありません: X-Ray がインデックスするのはトレースの %s %% です (Transaction Search)。スパンは CloudWatch Logs (aws/spans) にあります"},
		MsgIndexedNone:            {"no trace was indexed: X-Ray indexes %s %% of the traces (Transaction Search), so %d requests may leave none; they are in CloudWatch Logs (aws/spans)", "インデックスされたトレースはありません: X-Ray がインデックスするのはトレースの %s %% (Transaction Search) なので、%d 件のリクエストでは 0 件のこともあります。スパンは CloudWatch Logs (aws/spans) にあります"},
		MsgThrottled:              {"X-Ray is throttling the reads (429): the count slows down and asks again; no page is lost", "X-Ray が読み取りを制限しています (429): 間隔を空けて再試行します。取りこぼしはありません"},
		MsgStoppedByYou:           {"stopped by you", "停止しました"},
		MsgNotRun:                 {"not run", "実行していません"},
		MsgNeedsYes:               {"planned, not changed: no terminal to ask at (add -y to apply)", "計画のみで変更していません: 確認できる端末がありません (適用するには -y を付けてください)"},
		MsgTimedOut:               {"timed out", "タイムアウトしました"},

		ErrAWSCall:      {"%s failed: %s: %s", "%s に失敗しました: %s: %s"},
		ErrAccessDenied: {"AWS denied %s to %s", "AWS が %s を拒否しました (%s)"},
		FixAccessDenied: {"Allow %s for this identity (see %s), or run as a role that has it.", "この認証情報に %s を許可してください (%s を参照)。または権限のあるロールで実行してください。"},
		ErrCredentials:  {"AWS did not accept the credentials for %s (%s)", "%s で AWS が認証情報を受け付けませんでした (%s)"},
		FixCredentials: {
			"Refresh your credentials (aws sts get-caller-identity must work). In Cloud9, turn off \"AWS managed temporary credentials\" in Preferences → AWS Settings and use the instance role.",
			"認証情報を更新してください (aws sts get-caller-identity が成功する必要があります)。Cloud9 では Preferences → AWS Settings で「AWS managed temporary credentials」をオフにし、インスタンスロールを使ってください。"},
		ErrUnreachable:      {"cannot reach AWS for %s at %s", "%s のために AWS (%s) に接続できません"},
		FixUnreachable:      {"Check the network, a proxy, and AWS_ENDPOINT_URL if set.", "ネットワーク、プロキシ、設定していれば AWS_ENDPOINT_URL を確認してください。"},
		ErrNoClusters:       {"no EKS cluster in %s", "%s に EKS クラスターがありません"},
		FixNoClusters:       {"Create the workshop cluster first, or pick the region with --region.", "先にワークショップのクラスターを作成するか、--region でリージョンを指定してください。"},
		ErrManyClusters:     {"several EKS clusters in %s: %s", "%s に複数の EKS クラスターがあります: %s"},
		FixManyClusters:     {"Name one with --cluster.", "--cluster でクラスターを指定してください。"},
		ErrClusterNotFound:  {"EKS cluster %s not found in %s", "EKS クラスター %s が %s に見つかりません"},
		FixClusterNotFound:  {"Clusters there: %s. Check --cluster and --region.", "存在するクラスター: %s。--cluster と --region を確認してください。"},
		ErrClusterNotActive: {"EKS cluster %s is %s", "EKS クラスター %s の状態は %s です"},
		FixClusterNotActive: {"Wait until it is ACTIVE (aws eks describe-cluster), then run again.", "ACTIVE になるまで待ってから (aws eks describe-cluster) 再実行してください。"},
		ErrNoIssuer:         {"EKS cluster %s has no OIDC issuer", "EKS クラスター %s に OIDC 発行者がありません"},
		FixNoIssuer:         {"Use EKS Pod Identity instead: --identity pod-identity.", "代わりに EKS Pod Identity を使ってください: --identity pod-identity"},
		ErrNoKube:           {"no Kubernetes access", "Kubernetes に接続できません"},
		FixNoKube:           {"Run aws eks update-kubeconfig --name <cluster>, or pass --kubeconfig / --context.", "aws eks update-kubeconfig --name <cluster> を実行するか、--kubeconfig / --context を指定してください。"},
		ErrKubeOtherCluster: {
			"kube context %s points at %s, not at cluster %s (%s), and does not trust its certificate authority",
			"kubectl のコンテキスト %s は %s を指しており、クラスター %s (%s) ではなく、その認証局も信頼していません"},
		ErrKubeCall:               {"kubectl %s %s failed: %s", "kubectl %s %s に失敗しました: %s"},
		ErrKubeForbidden:          {"Kubernetes RBAC forbids you to %s %s", "Kubernetes の RBAC により %s (%s) が禁止されています"},
		FixKubeForbidden:          {"Use a kube context with admin rights on the cluster (for EKS: an access entry or aws-auth mapping for your IAM identity).", "クラスターの管理者権限を持つコンテキストを使ってください (EKS では IAM の認証情報に対するアクセスエントリまたは aws-auth のマッピング)。"},
		ErrKubeUnauthorized:       {"the cluster did not accept your kube credentials", "クラスターが kubectl の認証情報を受け付けませんでした"},
		FixKubeUnauthorized:       {"Refresh them: aws eks update-kubeconfig --name <cluster>, and check your AWS identity.", "aws eks update-kubeconfig --name <cluster> で更新し、AWS の認証情報を確認してください。"},
		ErrKubeUnreachable:        {"cannot reach the Kubernetes API at %s", "Kubernetes API (%s) に接続できません"},
		FixKubeUnreachable:        {"Check the kube context (kubectl cluster-info) and the network.", "kubectl のコンテキスト (kubectl cluster-info) とネットワークを確認してください。"},
		ErrNoOIDCProvider:         {"cluster %s has no IAM OIDC provider", "クラスター %s に IAM OIDC プロバイダーがありません"},
		FixNoOIDCProvider:         {"Run the oidc step first (eksctl utils associate-iam-oidc-provider --cluster %s --region %s --approve).", "先に oidc ステップを実行してください (eksctl utils associate-iam-oidc-provider --cluster %s --region %s --approve)。"},
		ErrSAForeign:              {"service account %s/%s exists and was not made by xray-wizard or eksctl", "ServiceAccount %s/%s は xray-wizard や eksctl 以外で作成されています"},
		FixSAForeign:              {"Pass --override-existing-serviceaccounts to annotate it anyway.", "それでもアノテーションを付ける場合は --override-existing-serviceaccounts を指定してください。"},
		MsgCreatingAddon:          {"installing the EKS add-on %s", "EKS アドオン %s をインストールしています"},
		MsgAssociating:            {"associating service account %s/%s with the role", "ServiceAccount %s/%s をロールに関連付けています"},
		MsgPodIdentityDone:        {"service account %s/%s gets role %s through EKS Pod Identity", "ServiceAccount %s/%s は EKS Pod Identity でロール %s を使います"},
		MsgPodIdentityAlready:     {"service account %s/%s already gets role %s through EKS Pod Identity", "ServiceAccount %s/%s はすでに EKS Pod Identity でロール %s を使っています"},
		MsgOIDCNotNeeded:          {"not needed: EKS Pod Identity does not use the OIDC provider", "不要です: EKS Pod Identity は OIDC プロバイダーを使いません"},
		MsgPodCrashing:            {"pod %s is %s; its last log lines: %s", "Pod %s は %s です。ログの最終行: %s"},
		MsgPodImage:               {"pod %s cannot get its image (%s): %s", "Pod %s がイメージを取得できません (%s): %s"},
		MsgPodPending:             {"pod %s has been Pending for over a minute: %s", "Pod %s が 1 分以上 Pending のままです: %s"},
		MsgPodsMoreStuck:          {"more pods are %s too; the table shows them all", "ほかにも %s の Pod があります (表にすべて表示しています)"},
		MsgAndMore:                {"and %d more", "ほか %d 個"},
		CleanupTitle:              {"Remove what the wizard made", "ウィザードが作ったものを削除"},
		CleanupWhy:                {"Only what carries the wizard's label or tag goes: objects and roles of the same name made by others stay.", "ウィザードのラベルかタグが付いたものだけを削除します。同じ名前でも他の人が作ったオブジェクトやロールは残します。"},
		MsgCleanupRoleNotOurs:     {"Role %s stays: the wizard did not make it.", "ロール %s は残します (ウィザードが作ったものではありません)。"},
		MsgCleanupProviderNotOurs: {"OIDC provider %s stays: the wizard did not make it.", "OIDC プロバイダー %s は残します (ウィザードが作ったものではありません)。"},
		MsgCleanupNothing:         {"nothing the wizard made is left", "ウィザードが作ったものは残っていません"},
		MsgCleanupDetach:          {"detaching first: %s", "先にデタッチ: %s"},
		MsgCleanupKeepsOIDC:       {"The OIDC provider stays (other service accounts may use it); --include-oidc-provider removes it if the wizard made it.", "OIDC プロバイダーは残します (他のサービスアカウントが使っているかもしれません)。ウィザードが作ったものなら --include-oidc-provider で削除します。"},
		MsgCleanupDeleting:        {"deleting %s %s", "%s %s を削除しています"},
		MsgCleanupDetaching:       {"detaching %s from %s", "%s を %s からデタッチしています"},
		MsgCleanupMadeByWizard:    {"made by the wizard", "ウィザードが作成"},
		MsgCleanupTouched:         {"made by another tool: it stays; only what the wizard set goes (%s)", "他のツールが作成したため残します。ウィザードが設定したものだけを外します (%s)"},
		MsgCleanupReleasing:       {"taking the wizard's labels and annotations off %s %s", "%s %s からウィザードのラベルとアノテーションを外しています"},
		MsgCleanupKeepsTakenOver:  {"%s %s stays as it is: another tool made it, and the fields the wizard took over with --force (%s) stay; apply your own manifest again to undo them.", "%s %s はそのまま残します: 他のツールが作成したもので、ウィザードが --force で引き継いだフィールド (%s) も残ります。元に戻すには、元のマニフェストを再適用してください。"},
		MsgCleanupOtherNamespace:  {"for the daemon in namespace %s;", "namespace %s の daemon 用。"},
		MsgCleanupDone:            {"removed %d things the wizard made", "ウィザードが作ったもの %d 個を削除しました"},
		ErrNoRoleInjected:         {"%d daemon pods started after the restart still have no AWS_ROLE_ARN, though service account %s carries the role: nothing puts it into the pods", "再起動後に起動した daemon Pod %d 個にも AWS_ROLE_ARN がありません (サービスアカウント %s にはロールがあります): Pod に設定する仕組みが動いていません"},
		FixNoRoleInjected:         {"On EKS the pod identity webhook does this; check that this is an EKS cluster and the pod's service account (kubectl get pod -n %s %s -o yaml).", "EKS では pod identity webhook がこれを行います。EKS クラスターであることと Pod のサービスアカウントを確認してください (kubectl get pod -n %s %s -o yaml)。"},
		MsgNoServiceMap:           {"the service map could not be read (the counts stand): %s", "サービスマップを取得できませんでした (件数は有効です): %s"},
		MsgRestarting:             {"restarting the pods of %s/%s so they get the IAM role", "IAM ロールを反映するため %s/%s の Pod を再起動しています"},
		ErrApplyConflict:          {"%s %s has fields another tool manages: %s", "%s %s には別のツールが管理するフィールドがあります: %s"},
		FixApplyConflict:          {"Check who manages them (kubectl get -o yaml --show-managed-fields); to take them over, run again with --force.", "管理者を確認してください (kubectl get -o yaml --show-managed-fields)。引き継ぐ場合は --force を付けて再実行してください。"},
		ErrTrustDiffers:           {"role %s exists with another trust policy: %s", "ロール %s は別の信頼ポリシーで存在します: %s"},
		FixTrustDiffers:           {"Run the wizard without -y and confirm the change, or correct the trust policy yourself.", "-y を付けずに実行して変更を確認するか、信頼ポリシーをご自身で修正してください。"},
		MsgTrustNeedsYou:          {"The role's trust policy differs from what IRSA needs: it is rewritten only after you confirm here.", "ロールの信頼ポリシーが IRSA に必要な内容と異なります。ここで確認した場合のみ書き換えます。"},
		ErrWatchFailed:            {"could not list and watch %s", "%s を一覧・監視できませんでした"},
		ErrNoDaemonSet:            {"no DaemonSet %s/%s", "DaemonSet %s/%s がありません"},
		FixNoDaemonSet:            {"Run the daemonset step first.", "先に daemonset ステップを実行してください。"},
		ErrPodsNotReady:           {"%d/%d daemon pods Ready after %s: %s", "%d/%d 個の daemon Pod しか Ready になりませんでした (%s 経過): %s"},
		FixPodsNotReady:           {"Look at the events: kubectl describe pods -n %s -l app=xray-daemon", "イベントを確認してください: kubectl describe pods -n %s -l app=xray-daemon"},
		FixCrashLoop:              {"Read its log: kubectl logs -n %s %s --previous (\"no such file\" means the image and command do not match)", "ログを確認してください: kubectl logs -n %s %s --previous (\"no such file\" はイメージとコマンドの不一致です)"},
		FixImagePull:              {"Check the image name and the nodes' access to the registry: kubectl describe daemonset -n %s %s", "イメージ名とノードからレジストリへのアクセスを確認してください: kubectl describe daemonset -n %s %s"},
		ErrNoApp:                  {"no sample app: service %s/%s not found", "サンプルアプリがありません: Service %s/%s が見つかりません"},
		FixNoApp:                  {"Deploy the sample app first (the workshop's earlier lab), then check: kubectl get svc -n %s", "先にサンプルアプリをデプロイしてから (ワークショップの前のラボ)、kubectl get svc -n %s で確認してください。"},
		ErrNoLB:                   {"service %s/%s has no load balancer address after %s", "Service %s/%s に %s 経ってもロードバランサーのアドレスがありません"},
		FixNoLB:                   {"Check its events: kubectl describe svc -n %s %s (the AWS Load Balancer Controller or the cloud provider makes it).", "イベントを確認してください: kubectl describe svc -n %s %s (ロードバランサーは AWS Load Balancer Controller またはクラウドプロバイダーが作成します)。"},
		ErrAppUnreachable:         {"no answer from %s to any of %d requests", "%s から応答がありません (%d 件すべて)"},
		FixAppUnreachable:         {"Check the app's pods (kubectl get pods -n %s) and that the load balancer is in service; a new one takes a few minutes.", "アプリの Pod (kubectl get pods -n %s) とロードバランサーの状態を確認してください。新しいロードバランサーは数分かかります。"},
		ErrBadFilter:              {"X-Ray refused the filter expression %q: %s", "X-Ray がフィルター式 %q を受け付けませんでした: %s"},
		FixBadFilter:              {"Check its syntax in the X-Ray guide (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html), or leave --filter out.", "X-Ray のガイド (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-filters.html) で構文を確認するか、--filter を外してください。"},
		ErrNoTracesInWindow:       {"X-Ray in %s has no traces from %s to %s", "%s の X-Ray には %s から %s までのトレースがありません"},
		FixNoTracesInWindow:       {"Send the app some requests, or look further back (--since 1h) or in another region (--region).", "アプリにリクエストを送るか、さかのぼる時間 (--since 1h) やリージョン (--region) を変えてください。"},
		ErrNoTraces:               {"X-Ray in %s has no traces of the app after %s", "%s の X-Ray に、%s 経ってもアプリのトレースがありません"},
	})
}
