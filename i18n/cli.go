package i18n

// Keys of the command line's own text: the line reporter, the summary, usage
// errors and the sandbox.
const (
	CLIPlan               Key = "cli.plan"
	CLIPodsReady          Key = "cli.pods_ready"
	CLIAppURL             Key = "cli.app_url"
	CLIRequests           Key = "cli.requests"
	CLIFix                Key = "cli.fix"
	CLISummaryOK          Key = "cli.summary_ok"
	CLISummaryFailed      Key = "cli.summary_failed"
	CLISummaryInterrupted Key = "cli.summary_interrupted"
	CLISummaryDryRun      Key = "cli.summary_dry_run"
	CLISandboxTag         Key = "cli.sandbox_tag"
	CLICluster            Key = "cli.cluster"
	CLIWindow             Key = "cli.window"
	CLIServiceMap         Key = "cli.service_map"
	CLIServiceCalls       Key = "cli.service_calls"
	CLIDoctorHealthy      Key = "cli.doctor_healthy"
	CLICleanupOK          Key = "cli.cleanup_ok"
	CLISandboxSeeded      Key = "cli.sandbox_seeded"
	CLITracesOK           Key = "cli.traces_ok"
	CLIDoctorUnhealthy    Key = "cli.doctor_unhealthy"
	CLITracesConsole      Key = "cli.traces_console"
	CLIUsageHint          Key = "cli.usage_hint"
	CLINoRegion           Key = "cli.no_region"
	CLINoRegionFix        Key = "cli.no_region_fix"
	CLISandboxBanner      Key = "cli.sandbox_banner"
	CLISandboxServe       Key = "cli.sandbox_serve"
	CLIInterruptedHint    Key = "cli.interrupted_hint"
	CLIPickRegion         Key = "cli.pick_region"
	CLIPickCluster        Key = "cli.pick_cluster"
	CLISummaryNotApplied  Key = "cli.summary_not_applied"
	CLINotAppliedHint     Key = "cli.not_applied_hint"
)

func init() {
	add(map[Key]entry{
		CLIPlan:               {"plan", "計画"},
		CLIPodsReady:          {"pods Ready", "Ready の Pod"},
		CLIAppURL:             {"App URL", "アプリの URL"},
		CLIRequests:           {"requests", "リクエスト"},
		CLIFix:                {"fix", "対処"},
		CLISummaryOK:          {"xray-wizard: X-Ray is set up and traces arrive.", "xray-wizard: X-Ray のセットアップが完了し、トレースが届いています。"},
		CLISummaryFailed:      {"xray-wizard: a step failed.", "xray-wizard: 失敗したステップがあります。"},
		CLISummaryInterrupted: {"xray-wizard: interrupted.", "xray-wizard: 中断しました。"},
		CLISummaryDryRun:      {"xray-wizard: dry run, nothing was changed.", "xray-wizard: ドライランのため何も変更していません。"},
		CLISandboxTag:         {"[practice sandbox: simulated AWS and cluster]", "[練習用サンドボックス: AWS とクラスターはシミュレーション]"},
		CLICluster:            {"cluster", "クラスター"},
		CLIWindow:             {"window", "期間"},
		CLIServiceMap:         {"Service map", "サービスマップ"},
		CLISandboxSeeded:      {"seeded %d traces: %d ok, %d 4xx, %d 429, %d 5xx, from %s to %s, by service %v", "トレース %d 件を用意しました: 正常 %d、4xx %d、429 %d、5xx %d、%s から %s まで、サービス別 %v"},
		CLICleanupOK:          {"xray-wizard cleanup: done.", "xray-wizard cleanup: 完了しました。"},
		CLITracesOK:           {"xray-wizard traces: traces arrive.", "xray-wizard traces: トレースが届いています。"},
		CLIDoctorHealthy:      {"xray-wizard doctor: nothing is wrong.", "xray-wizard doctor: 問題は見つかりませんでした。"},
		CLIDoctorUnhealthy:    {"xray-wizard doctor: %d checks failed.", "xray-wizard doctor: %d 件の確認で問題が見つかりました。"},
		CLIServiceCalls:       {"Calls between services (service map):", "サービス間の呼び出し (サービスマップ):"},
		CLITracesConsole:      {"Traces", "トレース"},
		CLIUsageHint:          {"see xray-wizard --help", "xray-wizard --help を参照してください"},
		CLINoRegion:           {"no AWS region is set", "AWS リージョンが設定されていません"},
		CLINoRegionFix:        {"Pass --region us-west-2, or set AWS_REGION, or run aws configure set region us-west-2.", "--region us-west-2 を指定するか、AWS_REGION を設定するか、aws configure set region us-west-2 を実行してください。"},
		CLISandboxBanner:      {"PRACTICE SANDBOX: simulated AWS, cluster and sample app on this machine; nothing leaves it.", "練習用サンドボックス: AWS、クラスター、サンプルアプリをこのマシン上でシミュレーションしています。外部には何も送信しません。"},
		CLISandboxServe:       {"Sandbox AWS endpoints on %s. Use them with:", "サンドボックスの AWS エンドポイント: %s。次のように使います:"},
		CLIPickRegion:         {"Pick the region of your EKS cluster (the workshop uses us-west-2). To skip this question, set AWS_REGION or pass --region.", "EKS クラスターのリージョンを選んでください (ワークショップは us-west-2)。AWS_REGION か --region を指定すると、この質問は省略されます。"},
		CLIPickCluster:        {"Which EKS cluster in %s?", "%s のどの EKS クラスターを使いますか?"},
		CLISummaryNotApplied:  {"xray-wizard: planned, nothing was changed.", "xray-wizard: 計画のみで、何も変更していません。"},
		CLINotAppliedHint:     {"Without a terminal the wizard changes nothing unless told to: run it again with -y (--yes) to apply the plan above, or run it in a terminal to be asked.", "端末がない場合、指示がなければ何も変更しません。上の計画を適用するには -y (--yes) を付けて再実行するか、端末で実行して確認に答えてください。"},
		CLIInterruptedHint:    {"Interrupted. Running the wizard again picks up where it stopped.", "中断しました。もう一度実行すると、途中から再開します。"},
	})
}
