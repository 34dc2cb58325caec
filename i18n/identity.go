package i18n

// Keys of who the daemon and the wizard are on the cluster: the EKS Pod
// Identity agent, the identity question, the kube identity's access
// (EKS access entries, aws-auth), and the kube context that reaches the
// cluster.
const (
	AgentAutoMode   Key = "agent.auto_mode"
	AgentMissing    Key = "agent.missing"
	AgentActive     Key = "agent.active"
	AgentStarting   Key = "agent.starting"
	AgentBroken     Key = "agent.broken"
	AgentMoreIssues Key = "agent.more_issues"
	MsgAgent        Key = "msg.agent"
	MsgWaitingAgent Key = "msg.waiting_agent"
	PlanAgentDetail Key = "plan.agent_detail"
	PlanAgentWait   Key = "plan.agent_wait"

	ErrAgentBroken   Key = "err.agent_broken"
	FixAgentRepair   Key = "fix.agent_repair"
	FixAgentRecreate Key = "fix.agent_recreate"
	FixAgentDeleting Key = "fix.agent_deleting"
	ErrAgentSlow     Key = "err.agent_slow"
	FixAgentSlow     Key = "fix.agent_slow"

	CLIPickIdentity     Key = "cli.pick_identity"
	CLIPickIdentityWhy  Key = "cli.pick_identity_why"
	CLIIdentityIRSA     Key = "cli.identity_irsa"
	CLIIdentityPod      Key = "cli.identity_pod"
	CLIIdentityPodAgent Key = "cli.identity_pod_agent"

	AccessPrincipalUnknown  Key = "access.principal_unknown"
	AccessPrincipalHolder   Key = "access.principal_holder"
	ErrKubeUnknownPrincipal Key = "err.kube_unknown_principal"
	ErrKubeForbiddenAs      Key = "err.kube_forbidden_as"
	FixAccessEntry          Key = "fix.access_entry"
	FixAccessPolicy         Key = "fix.access_policy"
	FixAccessClusterView    Key = "fix.access_cluster_view"
	FixAccessSSOPath        Key = "fix.access_sso_path"
	FixAWSAuth              Key = "fix.aws_auth"
	FixAWSAuthForbidden     Key = "fix.aws_auth_forbidden"

	MsgContextByCA       Key = "msg.context_by_ca"
	MsgContextAccepted   Key = "msg.context_accepted"
	FixKubeOtherContexts Key = "fix.kube_other_contexts"
	FixKubeNoContext     Key = "fix.kube_no_context"
	CLIAskContext        Key = "cli.ask_context"
	CLIAskContextWhy     Key = "cli.ask_context_why"
	CLIAskContextYes     Key = "cli.ask_context_yes"
	CLIAskContextNo      Key = "cli.ask_context_no"
)

func init() {
	add(map[Key]entry{
		AgentAutoMode:   {"built into EKS Auto Mode", "EKS Auto Mode に組み込み済み"},
		AgentMissing:    {"not installed", "未インストール"},
		AgentActive:     {"installed, ACTIVE (%s)", "インストール済み、ACTIVE (%s)"},
		AgentStarting:   {"%s: starting", "%s: 起動中"},
		AgentBroken:     {"%s: not working", "%s: 動作していません"},
		AgentMoreIssues: {" (and %d more)", " (ほか %d 件)"},
		MsgAgent:        {"EKS Pod Identity agent (%s): %s", "EKS Pod Identity エージェント (%s): %s"},
		MsgWaitingAgent: {"waiting for the add-on %s to become ACTIVE", "アドオン %s が ACTIVE になるのを待っています"},
		PlanAgentDetail: {
			"the EKS Pod Identity agent, a DaemonSet on every node that hands pods their role",
			"EKS Pod Identity エージェント: 各ノードで Pod にロールの認証情報を渡す DaemonSet"},
		PlanAgentWait: {
			"The add-on %s is %s: the step waits until it is ACTIVE.",
			"アドオン %s は %s です: このステップは ACTIVE になるまで待ちます。"},

		ErrAgentBroken: {"the EKS add-on %s of cluster %s is %s", "EKS アドオン %s (クラスター %s) は %s です"},
		FixAgentRepair: {
			"See why with the first command, then repair it with the second (or keep to IRSA: --identity irsa).",
			"1 つ目のコマンドで原因を確認し、2 つ目のコマンドで修復してください (または IRSA を使ってください: --identity irsa)。"},
		FixAgentRecreate: {
			"See why with the first command, remove it with the second, then run the wizard again: it installs the add-on afresh (or keep to IRSA: --identity irsa).",
			"1 つ目のコマンドで原因を確認し、2 つ目のコマンドで削除してからウィザードを再実行すると、アドオンが新しくインストールされます (または IRSA を使ってください: --identity irsa)。"},
		FixAgentDeleting: {
			"It is being removed: wait until it is gone, then run the wizard again to install it afresh (or keep to IRSA: --identity irsa).",
			"削除中です: 削除が終わるのを待ってからウィザードを再実行すると、新しくインストールされます (または IRSA を使ってください: --identity irsa)。"},
		ErrAgentSlow: {"the EKS add-on %s is still %s after %s", "EKS アドオン %s は %s のまま、%s 経ちました"},
		FixAgentSlow: {
			"Look at it, and run the wizard again once it is ACTIVE.",
			"状態を確認し、ACTIVE になったらウィザードを再実行してください。"},

		CLIPickIdentity: {"How should the X-Ray daemon get its IAM role?", "X-Ray daemon が IAM ロールを得る方法を選んでください"},
		CLIPickIdentityWhy: {
			"IRSA is the lab's way. EKS Pod Identity is the newer one: no OIDC provider, but its agent must run on the cluster. On %s the agent is %s.",
			"IRSA はラボの方法です。EKS Pod Identity は新しい方法で、OIDC プロバイダーは不要ですが、クラスターでエージェントが動いている必要があります。%s のエージェント: %s。"},
		CLIIdentityIRSA: {"irsa: IAM Roles for Service Accounts, as the lab", "irsa: IAM Roles for Service Accounts (ラボと同じ)"},
		CLIIdentityPod:  {"pod-identity: EKS Pod Identity (agent %s)", "pod-identity: EKS Pod Identity (エージェント: %s)"},
		CLIIdentityPodAgent: {
			"not installed: the iamsa step installs it, asking first",
			"未インストール: iamsa ステップが確認のうえインストールします"},

		AccessPrincipalUnknown: {"your IAM principal", "あなたの IAM プリンシパル"},
		AccessPrincipalHolder:  {"your IAM role or user ARN", "あなたの IAM ロールまたはユーザーの ARN"},
		ErrKubeUnknownPrincipal: {
			"cluster %s did not accept your kube credentials: it has no access entry for %s (or the credentials expired)",
			"クラスター %s は kubectl の認証情報を受け付けませんでした: %s のアクセスエントリがありません (または認証情報の期限切れです)"},
		ErrKubeForbiddenAs: {
			"%s may not %s %s on cluster %s (Kubernetes RBAC)",
			"%s には %s (%s) の権限がありません (クラスター %s の Kubernetes RBAC)"},
		FixAccessEntry: {
			"Someone allowed to manage the cluster's access gives it an access entry with %s in the namespaces %s: the wizard creates and changes objects only in those namespaces (the daemon's and the app's), so it needs no rights elsewhere.",
			"クラスターのアクセスを管理できる人が、アクセスエントリを作成して %s を名前空間 %s に付与してください: ウィザードが作成・変更するのはこれらの名前空間 (daemon とアプリ) のオブジェクトだけなので、ほかの権限は不要です。"},
		FixAccessPolicy: {
			"Someone allowed to manage the cluster's access gives its access entry %s in the namespaces the wizard works in, %s (the first command is needed only if it has no access entry yet, as when aws-auth let it in; EKS answers ResourceInUseException when it has one).",
			"クラスターのアクセスを管理できる人が、そのアクセスエントリに %s をウィザードが使う名前空間 %s で付与してください (1 つ目のコマンドはアクセスエントリがまだない場合 (aws-auth で入っている場合など) だけ必要です。すでにあれば EKS は ResourceInUseException を返します)。"},
		FixAccessClusterView: {
			"%s is cluster-wide: reading it needs a cluster-wide policy. %s reads and changes nothing; someone allowed to manage the cluster's access associates it (the first command only if there is no access entry yet).",
			"%s はクラスター全体のリソースなので、読むにはクラスター全体のポリシーが必要です。%s は読み取り専用で何も変更しません。クラスターのアクセスを管理できる人が関連付けてください (1 つ目のコマンドはアクセスエントリがまだない場合だけ必要です)。"},
		FixAccessSSOPath: {
			"An IAM Identity Center role's ARN has a path its session does not show: use the ARN that %s prints.",
			"IAM Identity Center のロールの ARN にはセッションに表れないパスがあります: %s が表示する ARN を使ってください。"},
		FixAWSAuth: {
			"Cluster %s knows IAM principals only through the aws-auth ConfigMap: someone with access maps you there (system:masters is cluster admin). Or switch it to access entries (%s) and run the wizard again for their commands.",
			"クラスター %s は aws-auth ConfigMap でしか IAM プリンシパルを認識しません: アクセスできる人が aws-auth にマッピングを追加してください (system:masters はクラスター管理者です)。またはアクセスエントリに切り替えて (%s)、ウィザードを再実行するとそのコマンドが表示されます。"},
		FixAWSAuthForbidden: {
			"aws-auth maps %s to groups without these rights: someone with access binds them a role with them in the namespaces the wizard works in, or maps it to system:masters (cluster admin).",
			"aws-auth は %s を権限のないグループにマッピングしています: アクセスできる人が、ウィザードが使う名前空間でその権限を持つロールをバインドするか、system:masters (クラスター管理者) にマッピングしてください。"},

		MsgContextByCA: {
			"kube context %s reaches cluster %s through %s, with the cluster's certificate authority (its endpoint is %s)",
			"kubectl のコンテキスト %s はクラスター %s に %s 経由で、クラスターの認証局を使って接続します (エンドポイントは %s)"},
		MsgContextAccepted: {
			"kube context %s points at %s, not at cluster %s (%s), nor trusts its certificate authority: used as you said it reaches the cluster",
			"kubectl のコンテキスト %s は %s を指しており、クラスター %s (%s) でもその認証局でもありませんが、クラスターに接続できるとの指定どおり使います"},
		FixKubeOtherContexts: {
			"Contexts that reach cluster %s: %s — pass %s. If %s reaches it another way (a tunnel, a proxy), pass --accept-context.",
			"クラスター %s に接続するコンテキスト: %s — %s を指定してください。%s が別の経路 (トンネル、プロキシ) で接続する場合は --accept-context を指定してください。"},
		FixKubeNoContext: {
			"No context of the kubeconfig reaches cluster %s: make one with the command below. If %s reaches it another way (a tunnel, a proxy), pass --accept-context.",
			"kubeconfig にクラスター %s に接続するコンテキストがありません: 次のコマンドで作成してください。%s が別の経路 (トンネル、プロキシ) で接続する場合は --accept-context を指定してください。"},
		CLIAskContext: {"Does kube context %s reach cluster %s?", "kubectl のコンテキスト %s はクラスター %s に接続しますか?"},
		CLIAskContextWhy: {
			"It points at %s, not at the cluster's endpoint %s, and does not trust the cluster's certificate authority. Through a tunnel or a proxy it can still reach the cluster.",
			"%s を指しており、クラスターのエンドポイント %s ではなく、クラスターの認証局も信頼していません。トンネルやプロキシ経由なら接続できる場合があります。"},
		CLIAskContextYes: {"Yes, use it", "はい、使います"},
		CLIAskContextNo:  {"No, stop", "いいえ、中止します"},
	})
}
