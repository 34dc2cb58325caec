package i18n

// The prefixes of the actions' and the kinds' keys.
const (
	planAction = "plan.action."
	planKind   = "plan.kind."
	kubeVerb   = "kube.verb."
)

// Keys of a plan's words: what a change does and to what kind of thing,
// the details steps add, placeholders in commands, and units. The plan
// values keep their English words (the JSON's); the faces show them
// through ActionWord and KindWord.
const (
	PlanClientID       Key = "plan.detail.client_id"
	PlanAddClientID    Key = "plan.detail.add_client_id"
	PlanTrust          Key = "plan.detail.trust"
	PlaceThumbprint    Key = "plan.placeholder.thumbprint"
	ReportGraphLine    Key = "report.graph_line"
	planActionCreate   Key = planAction + "create"
	planActionUpdate   Key = planAction + "update"
	planActionAttach   Key = planAction + "attach"
	planActionDelete   Key = planAction + "delete"
	planActionRestart  Key = planAction + "restart"
	planActionConflict Key = planAction + "conflict"
	planActionNone     Key = planAction + "none"
)

func init() {
	add(map[Key]entry{
		PlanClientID:       {"client ID %s", "クライアント ID %s"},
		PlanAddClientID:    {"add client ID %s", "クライアント ID %s を追加"},
		PlanTrust:          {"trust %s", "%s を信頼"},
		PlaceThumbprint:    {"<SHA-1 of the issuer root CA>", "<発行者のルート CA の SHA-1>"},
		ReportGraphLine:    {"  %-*s %6d req  4xx %4.1f%%  5xx %4.1f%%  %.1f ms", "  %-*s %6d 件  4xx %4.1f%%  5xx %4.1f%%  %.1f ms"},
		planActionCreate:   {"create", "作成"},
		planActionUpdate:   {"update", "更新"},
		planActionAttach:   {"attach", "アタッチ"},
		planActionDelete:   {"delete", "削除"},
		planActionRestart:  {"restart", "再起動"},
		planActionConflict: {"conflict", "競合"},
		planActionNone:     {"none", "変更なし"},
		// Kinds that are more than an AWS or Kubernetes name; the others
		// (IAM role, ServiceAccount, DaemonSet, …) read the same in both.
		Key(planKind + "IAM role trust policy"):        {"IAM role trust policy", "IAM ロールの信頼ポリシー"},
		Key(planKind + "EKS Pod Identity association"): {"EKS Pod Identity association", "EKS Pod Identity の関連付け"},
		Key(planKind + "EKS pod identity association"): {"EKS Pod Identity association", "EKS Pod Identity の関連付け"},
		Key(planKind + "EKS add-on"):                   {"EKS add-on", "EKS アドオン"},
		// What the wizard asks of the Kubernetes API, in a refusal.
		Key(kubeVerb + "get"):    {"get", "取得"},
		Key(kubeVerb + "list"):   {"list", "一覧"},
		Key(kubeVerb + "watch"):  {"watch", "監視"},
		Key(kubeVerb + "apply"):  {"apply", "適用"},
		Key(kubeVerb + "patch"):  {"patch", "変更"},
		Key(kubeVerb + "delete"): {"delete", "削除"},
	})
}

// ActionWord is a plan's action ("create", "update", …) in l.
func (l Lang) ActionWord(action string) string { return l.word(planAction, action) }

// KindWord is the kind of thing a plan changes ("IAM OIDC provider", …) in
// l: AWS and Kubernetes names stay as they are.
func (l Lang) KindWord(kind string) string { return l.word(planKind, kind) }

func (l Lang) word(prefix, s string) string {
	if k := Key(prefix + s); catalog[k] != (entry{}) {
		return l.T(k)
	}
	return s
}

// KubeVerb is what was asked of the Kubernetes API ("get", "apply", …) in
// l, for a sentence; the verb itself when the catalog has no word for it.
func (l Lang) KubeVerb(verb string) string { return l.word(kubeVerb, verb) }
