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
	UsageTolerateForm   Key = "usage.tolerate_form"
	UsageTolerateEffect Key = "usage.tolerate_effect"
	UsageTolerateKey    Key = "usage.tolerate_key"
	UsageTolerateValue  Key = "usage.tolerate_value"
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
		UsageTolerateForm: {"--tolerate %q: write the taint as kubectl taint does, KEY[=VALUE]:EFFECT (e.g. nvidia.com/gpu=true:NoSchedule)",
			"--tolerate %q: taint は kubectl taint と同じく KEY[=VALUE]:EFFECT の形で書いてください (例: nvidia.com/gpu=true:NoSchedule)"},
		UsageTolerateEffect: {"--tolerate %q: the effect %q must be NoSchedule, PreferNoSchedule or NoExecute",
			"--tolerate %q: effect %q は NoSchedule、PreferNoSchedule、NoExecute のいずれかにしてください"},
		UsageTolerateKey: {"--tolerate %q: %q is not a taint key (an optional DNS prefix and /, then up to 63 letters, digits, '-', '_' or '.')",
			"--tolerate %q: %q は taint のキーになりません (任意の DNS プレフィックスと / のあとに、英数字・'-'・'_'・'.' を 63 文字まで)"},
		UsageTolerateValue: {"--tolerate %q: %q is not a taint value (up to 63 letters, digits, '-', '_' or '.')",
			"--tolerate %q: %q は taint の値になりません (英数字・'-'・'_'・'.' を 63 文字まで)"},
		UsageAcceptSandbox: {
			"--accept-context: the practice sandbox has no kube context to accept (leave it out, or leave out --sandbox)",
			"--accept-context: 練習用サンドボックスには受け入れる kube コンテキストがありません (--accept-context か --sandbox を外してください)"},
	})
}
