package i18n

// Keys of the doctor's role and pods-role checks with EKS Pod Identity
// (--identity pod-identity).
const (
	DxPIAddonMissing Key = "dx.pi.addon_missing"
	DxPIAddonStatus  Key = "dx.pi.addon_status"
	DxPINoAssoc      Key = "dx.pi.no_assoc"
	DxPINoRole       Key = "dx.pi.no_role"
	DxPITrust        Key = "dx.pi.trust"
	DxPITrustFix     Key = "dx.pi.trust_fix"
	DxPINoPolicy     Key = "dx.pi.no_policy"
	DxPIFix          Key = "dx.pi.fix"
	DxPIRoleOK       Key = "dx.pi.role_ok"
	DxPIPodsWithout  Key = "dx.pi.pods_without"
	DxPIPodsOK       Key = "dx.pi.pods_ok"

	BreakPodIdentityPolicy Key = "break.pod_identity_policy"
)

func init() {
	add(map[Key]entry{
		DxPIAddonMissing: {"the eks-pod-identity-agent add-on is not installed: no agent on the nodes hands the pods their role's credentials",
			"eks-pod-identity-agent アドオンがありません: ノード上でロールの認証情報を Pod に渡すエージェントがいません"},
		DxPIAddonStatus: {"the eks-pod-identity-agent add-on is %s, not ACTIVE: the pods may get no credentials",
			"eks-pod-identity-agent アドオンは %s で、ACTIVE ではありません: Pod が認証情報を得られない場合があります"},
		DxPINoAssoc: {"no EKS Pod Identity association for service account %s/%s: the collector's pods get no role and upload as the node role",
			"サービスアカウント %s/%s の EKS Pod Identity の関連付けがありません: コレクターの Pod はロールを得られず、ノードのロールで送信します"},
		DxPINoRole: {"the associated role %s does not exist", "関連付けのロール %s が存在しません"},
		DxPITrust: {"role %s does not trust EKS Pod Identity: its trust needs principal pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession",
			"ロール %s の信頼ポリシーが EKS Pod Identity を信頼していません: プリンシパル pods.eks.amazonaws.com に sts:AssumeRole と sts:TagSession が必要です"},
		DxPITrustFix: {"Let the wizard write the trust (pods.eks.amazonaws.com: sts:AssumeRole, sts:TagSession), then restart the collector's pods.",
			"ウィザードに信頼ポリシー (pods.eks.amazonaws.com: sts:AssumeRole、sts:TagSession) を書かせ、コレクターの Pod を再起動してください。"},
		DxPINoPolicy: {"role %s has [%s], none of which allows PutTraceSegments: attach %s",
			"ロール %s のポリシー [%s] はどれも PutTraceSegments を許可しません。%s をアタッチしてください"},
		DxPIFix: {"Run the wizard's iamsa step with --identity pod-identity: it makes the role, its trust and policy, the association and the add-on. Pods that started before the association need a restart (the pods-role check names them).",
			"--identity pod-identity でウィザードの iamsa ステップを実行してください。ロール、信頼ポリシーとポリシー、関連付け、アドオンを作ります。関連付けより前に起動した Pod は再起動が必要です (pods-role のチェックが示します)。"},
		DxPIRoleOK: {"%s/%s is associated with role %s: trust, policy and the agent as EKS Pod Identity needs",
			"%s/%s はロール %s に関連付けられています: 信頼ポリシー、ポリシー、エージェントは EKS Pod Identity の条件どおりです"},
		DxPIPodsWithout: {"%s: %d pods started before the Pod Identity association and run without it",
			"%s: Pod %d 個が Pod Identity の関連付けより前に起動し、ロールなしで動いています"},
		BreakPodIdentityPolicy: {"EKS Pod Identity: AWSXRayDaemonWriteAccess detached from the associated role: AccessDenied",
			"EKS Pod Identity: 関連付けのロールから AWSXRayDaemonWriteAccess を外す: AccessDenied"},
		DxPIPodsOK: {"%s: all %d pods have the Pod Identity agent's address", "%s: Pod %d 個すべてに Pod Identity エージェントのアドレスがあります"},
	})
}
