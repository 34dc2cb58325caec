package i18n

// Keys of the terminal UI's own text.
const (
	UISandbox         Key = "ui.sandbox"
	UISandboxLong     Key = "ui.sandbox_long"
	UIDryRun          Key = "ui.dry_run"
	UIDryRunLong      Key = "ui.dry_run_long"
	UIStepOf          Key = "ui.step_of"
	UIReplaces        Key = "ui.replaces"
	UIWillChange      Key = "ui.will_change"
	UIMoreChanges     Key = "ui.more_changes"
	UIConfirm         Key = "ui.confirm"
	UIButtonApply     Key = "ui.button_apply"
	UIButtonSkip      Key = "ui.button_skip"
	UIStarting        Key = "ui.starting"
	UIWorking         Key = "ui.working"
	UIPodsReady       Key = "ui.pods_ready"
	UIColPod          Key = "ui.col_pod"
	UIColNode         Key = "ui.col_node"
	UIColStatus       Key = "ui.col_status"
	UIColReady        Key = "ui.col_ready"
	UIColRestarts     Key = "ui.col_restarts"
	UIColAge          Key = "ui.col_age"
	UIColArch         Key = "ui.col_arch"
	UIWaitingPods     Key = "ui.waiting_pods"
	UIMorePods        Key = "ui.more_pods"
	UIAppURL          Key = "ui.app_url"
	UIRequests        Key = "ui.requests"
	UINoAnswer        Key = "ui.no_answer"
	UIFailed          Key = "ui.failed"
	UIFix             Key = "ui.fix"
	UIWarning         Key = "ui.warning"
	UIDoneOK          Key = "ui.done_ok"
	UIDoneNoTraces    Key = "ui.done_no_traces"
	UIDoneSkipped     Key = "ui.done_skipped"
	UIDoneFailed      Key = "ui.done_failed"
	UIDoneDryRun      Key = "ui.done_dry_run"
	UITraces          Key = "ui.traces"
	UITotal           Key = "ui.total"
	UIWindow          Key = "ui.window"
	UIServiceMapTitle Key = "ui.service_map_title"
	UIMapSize         Key = "ui.map_size"
	UIMapEmpty        Key = "ui.map_empty"
	UIMapStats        Key = "ui.map_stats"
	UIMapClient       Key = "ui.map_client"
	UIMapInferred     Key = "ui.map_inferred"
	UIMapBoxStats     Key = "ui.map_box_stats"
	UIMapOtherCalls   Key = "ui.map_other_calls"
	UIMapMore         Key = "ui.map_more"
	UIChartTitle      Key = "ui.chart_title"
	UIChartPeak       Key = "ui.chart_peak"
	UIRefreshed       Key = "ui.refreshed"
	UIRefreshFailed   Key = "ui.refresh_failed"
	UIOK              Key = "ui.ok"
	UIError4xx        Key = "ui.error_4xx"
	UIFault5xx        Key = "ui.fault_5xx"
	UIThrottle429     Key = "ui.throttle_429"
	UIByService       Key = "ui.by_service"
	UIConsole         Key = "ui.console"
	UIServiceMap      Key = "ui.service_map"
	UITraceList       Key = "ui.trace_list"
	UISandboxLinks    Key = "ui.sandbox_links"
	UISteps           Key = "ui.steps"
	UINoChanges       Key = "ui.no_changes"
	UIKeyApply        Key = "ui.key_apply"
	UIKeySkip         Key = "ui.key_skip"
	UIKeyChoose       Key = "ui.key_choose"
	UIKeyQuit         Key = "ui.key_quit"
	UIKeyHelp         Key = "ui.key_help"
	UIKeyScroll       Key = "ui.key_scroll"
	UIKeyPage         Key = "ui.key_page"
	UIKeyExit         Key = "ui.key_exit"
	UICancelling      Key = "ui.cancelling"
	UITooSmall        Key = "ui.too_small"
	UIHelpConfirm     Key = "ui.help_confirm"
	UIHelpRunning     Key = "ui.help_running"
	UIHelpFinal       Key = "ui.help_final"
	UIInternalError   Key = "ui.internal_error"
)

func init() {
	add(map[Key]entry{
		UISandbox:     {"PRACTICE SANDBOX", "練習用サンドボックス"},
		UISandboxLong: {"PRACTICE SANDBOX — simulated AWS and cluster", "練習用サンドボックス — AWS とクラスターはシミュレーション"},
		UIDryRun:      {"DRY RUN", "ドライラン"},
		UIDryRunLong:  {"DRY RUN — nothing is changed", "ドライラン — 変更なし"},
		UIStepOf:      {"Step %d/%d", "ステップ %d/%d"},
		UIReplaces:    {"Replaces the lab's command:", "置き換えるラボのコマンド:"},
		UIWillChange:  {"This step will change:", "このステップで次の変更を行います:"},
		UIMoreChanges: {"… %d more", "… ほか %d 件"},
		UIConfirm:     {"Go ahead?", "実行しますか?"},
		UIButtonApply: {"Apply", "実行"},
		UIButtonSkip:  {"Skip", "スキップ"},
		UIStarting:    {"Starting…", "開始しています…"},
		UIWorking:     {"Working…", "実行しています…"},
		UIPodsReady:   {"Ready %d/%d", "Ready %d/%d"},
		// kubectl's column names: the same in both languages, as kubectl prints them.
		UIColPod:          {"POD", "POD"},
		UIColNode:         {"NODE", "NODE"},
		UIColStatus:       {"STATUS", "STATUS"},
		UIColReady:        {"READY", "READY"},
		UIColRestarts:     {"RESTARTS", "RESTARTS"},
		UIColAge:          {"AGE", "AGE"},
		UIColArch:         {"ARCH", "ARCH"},
		UIWaitingPods:     {"Waiting for the DaemonSet's pods…", "DaemonSet の Pod を待っています…"},
		UIMorePods:        {"… more pods not shown: %d (Ready: %d)", "… ほか %d 個の Pod (うち Ready %d 個)"},
		UIAppURL:          {"App URL", "アプリの URL"},
		UIRequests:        {"requests %d/%d", "リクエスト %d/%d"},
		UINoAnswer:        {"no answer %d", "応答なし %d"},
		UIFailed:          {"Failed:", "失敗:"},
		UIFix:             {"Fix:", "対処:"},
		UIWarning:         {"Note:", "注意:"},
		UIDoneOK:          {"X-Ray is set up and traces arrive.", "X-Ray のセットアップが完了し、トレースが届いています。"},
		UIDoneNoTraces:    {"Done.", "完了しました。"},
		UIDoneSkipped:     {"Done, but %d steps were skipped.", "完了しました。ただし %d 個のステップをスキップしました。"},
		UIDoneFailed:      {"Step %s failed, so the run stopped there.", "ステップ %s が失敗したため、そこで停止しました。"},
		UIDoneDryRun:      {"Dry run: nothing was changed. The plan:", "ドライラン: 何も変更していません。計画は次のとおりです:"},
		UITraces:          {"Traces", "トレース"},
		UITotal:           {"total", "合計"},
		UIWindow:          {"%s–%s", "%s–%s"},
		UIServiceMapTitle: {"Service map", "サービスマップ"},
		UIMapSize:         {"%d services · %d calls", "サービス %d · 呼び出し %d"},
		UIMapEmpty:        {"No services yet: X-Ray has no traced requests in the window.", "まだサービスがありません: 期間内にトレースされたリクエストがありません。"},
		UIMapStats:        {"%d req · 4xx %.1f%% · 5xx %.1f%% · %.1f ms", "%d 件 · 4xx %.1f%% · 5xx %.1f%% · %.1f ms"},
		UIMapClient:       {"callers outside the traced services", "トレース外からの呼び出し元"},
		UIMapInferred:     {"(not traced)", "(未計測)"},
		UIChartTitle:      {"traces/min", "件/分"},
		UIMapBoxStats:     {"%d req\n4xx %.1f%%\n5xx %.1f%%\n%.1f ms", "%d 件\n4xx %.1f%%\n5xx %.1f%%\n%.1f ms"},
		UIMapOtherCalls:   {"Calls not drawn above (a second caller, a cycle):", "上の図にない呼び出し (2 つ目の呼び出し元、循環):"},
		UIMapMore:         {"Services not drawn: %d (calls: %d). See the whole map in the X-Ray console.", "+%d サービス (呼び出し %d) は省略しました。全体は X-Ray コンソールで確認できます。"},
		UIChartPeak:       {"max %d · %d min", "最大 %d · %d 分"},
		UIRefreshed:       {"updated %s · again every %d s", "%s 更新 · %d 秒ごとに更新"},
		UIRefreshFailed:   {"could not update the counts: %s (trying again)", "件数を更新できませんでした: %s (再試行します)"},
		UIOK:              {"OK", "正常"},
		UIError4xx:        {"Error (4xx)", "エラー (4xx)"},
		UIFault5xx:        {"Fault (5xx)", "障害 (5xx)"},
		UIThrottle429:     {"Throttle (429)", "スロットル (429)"},
		UIByService:       {"By service", "サービス別"},
		UIConsole:         {"In the AWS console", "AWS コンソール"},
		UIServiceMap:      {"Service map:", "サービスマップ:"},
		UITraceList:       {"Traces:", "トレース:"},
		UISandboxLinks:    {"(the sandbox sends nothing to AWS: your account shows none of these traces)", "(サンドボックスは AWS に何も送信しないため、アカウントにはこれらのトレースは表示されません)"},
		UISteps:           {"Steps", "ステップ"},
		UINoChanges:       {"nothing to change", "変更なし"},
		UIKeyApply:        {"apply", "実行"},
		UIKeySkip:         {"skip", "スキップ"},
		UIKeyChoose:       {"choose", "選択"},
		UIKeyQuit:         {"stop and quit", "中止して終了"},
		UIKeyHelp:         {"help", "ヘルプ"},
		UIKeyScroll:       {"scroll", "スクロール"},
		UIKeyPage:         {"page", "ページ送り"},
		UIKeyExit:         {"exit", "終了"},
		UICancelling:      {"Stopping the running step… (ctrl+c again quits at once)", "実行中のステップを中止しています… (もう一度 ctrl+c で即時終了)"},
		UITooSmall:        {"The terminal is %dx%d: make it at least %dx%d.", "端末のサイズが %dx%d です。%dx%d 以上にしてください。"},
		UIHelpConfirm:     {"The wizard asks before every change. Enter applies the chosen button; n skips this step and the next ones still run.", "変更の前には必ず確認します。Enter で選択中のボタンを実行します。n でこのステップをスキップし、次のステップに進みます。"},
		UIHelpRunning:     {"q or ctrl+c stops the running step and quits. Running the wizard again picks up where it stopped.", "q または ctrl+c で実行中のステップを中止して終了します。ウィザードを再実行すると、中断したところから再開します。"},
		UIHelpFinal:       {"The same summary is printed when you leave, so it stays in your terminal.", "終了時に同じサマリーを出力するため、端末に残ります。"},
		UIInternalError:   {"internal error: %v", "内部エラー: %v"},
	})
}
