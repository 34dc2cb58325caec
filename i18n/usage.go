package i18n

// Keys of the usage errors the command line finds in its flags.
const (
	UsageOutput         Key = "usage.output"
	UsageLang           Key = "usage.lang"
	UsageNamespaceEmpty Key = "usage.namespace_empty"
	UsageCluster        Key = "usage.cluster"
	UsageSince          Key = "usage.since"
	UsageIdentity       Key = "usage.identity"
	UsageSteps          Key = "usage.steps"
	UsageRequests       Key = "usage.requests"
	UsageNoSteps        Key = "usage.no_steps"
	UsageAcceptSandbox  Key = "usage.accept_sandbox"
)

func init() {
	add(map[Key]entry{
		UsageOutput:         {"--output %q: must be text or json", "--output %q: text か json を指定してください"},
		UsageLang:           {"--lang %q: must be ja or en", "--lang %q: ja か en を指定してください"},
		UsageNamespaceEmpty: {"--namespace must not be empty", "--namespace を空にはできません"},
		UsageCluster: {
			"--cluster %q is not a valid EKS cluster name (letters, digits, - and _, up to 100, starting with a letter or digit)",
			"--cluster %q は EKS のクラスター名として使えません (英数字、- と _ で 100 文字まで、英数字で始まる名前)",
		},
		UsageSince: {
			"--since %s: must be more than 0 and at most 720h (X-Ray keeps traces 30 days)",
			"--since %s: 0 より大きく 720h 以下にしてください (X-Ray がトレースを保持するのは 30 日です)",
		},
		UsageIdentity: {"--identity %q: must be irsa or pod-identity", "--identity %q: irsa か pod-identity を指定してください"},
		UsageSteps:    {"--steps: unknown step %q (steps: %s)", "--steps: %q というステップはありません (ステップ: %s)"},
		UsageNoSteps:  {"--steps: no steps selected (steps: %s)", "--steps: ステップが選ばれていません (ステップ: %s)"},
		UsageRequests: {"--requests %d: must be between 1 and 100000", "--requests %d: 1 から 100000 の間にしてください"},
		UsageAcceptSandbox: {
			"--accept-context: the practice sandbox has no kube context to accept (leave it out, or leave out --sandbox)",
			"--accept-context: 練習用サンドボックスには受け入れる kube コンテキストがありません (--accept-context か --sandbox を外してください)"},
	})
}
