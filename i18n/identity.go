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
			"See why: %s — then repair it: %s (or keep to IRSA: --identity irsa).",
			"原因を確認してください: %s — その後、修復してください: %s (または IRSA を使ってください: --identity irsa)。"},
		FixAgentRecreate: {
			"See why: %s — then remove it, and run the wizard again to install it afresh: %s (or keep to IRSA: --identity irsa).",
			"原因を確認してください: %s — その後、削除してからウィザードを再実行すると新しくインストールされます: %s (または IRSA を使ってください: --identity irsa)。"},
		FixAgentDeleting: {
			"It is being removed: wait until it is gone (%s), then run the wizard again to install it afresh (or keep to IRSA: --identity irsa).",
			"削除中です: 削除が終わるのを待ってから (%s)、ウィザードを再実行すると新しくインストールされます (または IRSA を使ってください: --identity irsa)。"},
		ErrAgentSlow: {"the EKS add-on %s is still %s after %s", "EKS アドオン %s は %s のまま、%s 経ちました"},
		FixAgentSlow: {
			"Look at it (%s) and run the wizard again once it is ACTIVE.",
			"状態を確認し (%s)、ACTIVE になったらウィザードを再実行してください。"},

		CLIPickIdentity: {"How should the X-Ray daemon get its IAM role?", "X-Ray daemon が IAM ロールを得る方法を選んでください"},
		CLIPickIdentityWhy: {
			"IRSA is the lab's way. EKS Pod Identity is the newer one: no OIDC provider, but its agent must run on the cluster.",
			"IRSA はラボの方法です。EKS Pod Identity は新しい方法で、OIDC プロバイダーは不要ですが、クラスターでエージェントが動いている必要があります。"},
		CLIIdentityIRSA: {
			"irsa: IAM Roles for Service Accounts, as the lab (the cluster's OIDC provider)",
			"irsa: IAM Roles for Service Accounts、ラボと同じ (クラスターの OIDC プロバイダー)"},
		CLIIdentityPod: {"pod-identity: EKS Pod Identity · agent %s", "pod-identity: EKS Pod Identity · エージェント %s"},
		CLIIdentityPodAgent: {
			"not installed: the iamsa step installs the add-on, asking first",
			"未インストール: iamsa ステップが確認のうえアドオンをインストールします"},
	})
}
