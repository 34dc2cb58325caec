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

	CLISandboxBusy          Key = "cli.sandbox_busy"
	CLISandboxBusyFix       Key = "cli.sandbox_busy_fix"
	CLISandboxUnreadable    Key = "cli.sandbox_unreadable"
	CLISandboxOtherWorld    Key = "cli.sandbox_other_world"
	CLISandboxOtherWorldFix Key = "cli.sandbox_other_world_fix"
	CLISandboxSaveFailed    Key = "cli.sandbox_save_failed"
	CLISandboxNoStateDir    Key = "cli.sandbox_no_state_dir"
	CLISandboxResetWhat     Key = "cli.sandbox_reset_what"
	CLISandboxResetAsk      Key = "cli.sandbox_reset_ask"
	CLISandboxResetNeedsYes Key = "cli.sandbox_reset_needs_yes"
	CLISandboxResetDone     Key = "cli.sandbox_reset_done"
	CLISandboxResetNothing  Key = "cli.sandbox_reset_nothing"
	CLISandboxResetKept     Key = "cli.sandbox_reset_kept"
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
		CLISandboxSeeded:      {"seeded %d traces: %d ok, %d 4xx, %d 429, %d 5xx, from %s to %s, by service: %s", "トレース %d 件を用意しました: 正常 %d、4xx %d、429 %d、5xx %d、%s から %s まで、サービス別: %s"},
		CLICleanupOK:          {"xray-wizard cleanup: done.", "xray-wizard cleanup: 完了しました。"},
		CLITracesOK:           {"xray-wizard traces: traces arrive.", "xray-wizard traces: トレースが届いています。"},
		CLIDoctorHealthy:      {"xray-wizard doctor: nothing is wrong.", "xray-wizard doctor: 問題は見つかりませんでした。"},
		CLIDoctorUnhealthy:    {"xray-wizard doctor: %d checks failed.", "xray-wizard doctor: %d 件の確認で問題が見つかりました。"},
		CLIServiceCalls:       {"Calls between services (service map):", "サービス間の呼び出し (サービスマップ):"},
		CLITracesConsole:      {"Traces", "トレース"},
		CLIUsageHint:          {"see xray-wizard --help", "xray-wizard --help を参照してください"},
		CLINoRegion:           {"no AWS region is set", "AWS リージョンが設定されていません"},
		CLINoRegionFix:        {"Pass --region us-west-2, or set AWS_REGION, or run aws configure set region us-west-2. To try the wizard first without AWS: xray-wizard --sandbox.", "--region us-west-2 を指定するか、AWS_REGION を設定するか、aws configure set region us-west-2 を実行してください。AWS なしでまず試すには xray-wizard --sandbox。"},
		CLISandboxBanner:      {"PRACTICE SANDBOX: simulated AWS, cluster and sample app on this machine; nothing leaves it.", "練習用サンドボックス: AWS、クラスター、サンプルアプリをこのマシン上でシミュレーションしています。外部には何も送信しません。"},
		CLISandboxServe:       {"Sandbox AWS endpoints on %s. Use them with:", "サンドボックスの AWS エンドポイント: %s。次のように使います:"},
		CLIPickRegion:         {"Pick the region of your EKS cluster (the workshop uses us-west-2). To skip this question, set AWS_REGION or pass --region.", "EKS クラスターのリージョンを選んでください (ワークショップは us-west-2)。AWS_REGION か --region を指定すると、この質問は省略されます。"},
		CLIPickCluster:        {"Which EKS cluster in %s?", "%s のどの EKS クラスターを使いますか?"},
		CLISummaryNotApplied:  {"xray-wizard: planned, nothing was changed.", "xray-wizard: 計画のみで、何も変更していません。"},
		CLINotAppliedHint:     {"Without a terminal the wizard changes nothing unless told to: run it again with -y (--yes) to apply the plan above, or run it in a terminal to be asked.", "端末がない場合、指示がなければ何も変更しません。上の計画を適用するには -y (--yes) を付けて再実行するか、端末で実行して確認に答えてください。"},
		CLISandboxBusy: {"the practice world is in use by another xray-wizard run: pid %d (%s), since %s",
			"練習用の環境は別の xray-wizard が使用中です: pid %d (%s)、%s から"},
		CLISandboxBusyFix: {"Wait for that run to end (or stop it), then run this again. The world is kept in %s.",
			"その実行が終わるのを待つか止めてから、もう一度実行してください。環境は %s に保存されています。"},
		CLISandboxUnreadable: {"The saved practice world could not be read (%v); starting a fresh one. The old file is kept as %s.",
			"保存された練習用の環境を読み込めませんでした (%v)。新しい環境で始めます。元のファイルは %s に残しています。"},
		CLISandboxOtherWorld: {"the saved practice world is cluster %s in %s, not %s in %s",
			"保存された練習用の環境はクラスター %s (リージョン %s) で、%s (%s) ではありません"},
		CLISandboxOtherWorldFix: {"Leave out --cluster and --region to use it, or start a new world with: xray-wizard sandbox reset",
			"この環境を使うには --cluster と --region を外してください。新しい環境で始めるには: xray-wizard sandbox reset"},
		CLISandboxSaveFailed: {"xray-wizard: the practice world could not be saved: %v", "xray-wizard: 練習用の環境を保存できませんでした: %v"},
		CLISandboxNoStateDir: {"no folder to keep the practice world in: %v", "練習用の環境を保存するフォルダーがありません: %v"},
		CLISandboxResetWhat: {"This removes the saved practice world in %s: the IAM roles, OIDC provider, EKS settings, Kubernetes objects and X-Ray traces that earlier --sandbox runs made. The next --sandbox run starts a fresh world.",
			"%s に保存された練習用の環境を削除します: これまでの --sandbox の実行で作った IAM ロール、OIDC プロバイダー、EKS の設定、Kubernetes のオブジェクト、X-Ray のトレースです。次の --sandbox の実行は新しい環境で始まります。"},
		CLISandboxResetAsk:      {"Remove the saved practice world?", "保存された練習用の環境を削除しますか?"},
		CLISandboxResetNeedsYes: {"sandbox reset removes the saved practice world; with no terminal to ask at, pass -y to confirm", "sandbox reset は保存された練習用の環境を削除します。確認できる端末がないため、-y を付けて実行してください"},
		CLISandboxResetDone:     {"Removed %s.", "%s を削除しました。"},
		CLISandboxResetNothing:  {"No saved practice world in %s: nothing to remove.", "%s に保存された練習用の環境はありません。削除するものはありません。"},
		CLISandboxResetKept:     {"Nothing removed.", "何も削除していません。"},
		CLIInterruptedHint:      {"Interrupted. Running the wizard again picks up where it stopped.", "中断しました。もう一度実行すると、途中から再開します。"},
	})
}
