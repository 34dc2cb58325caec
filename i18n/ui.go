package i18n

// Keys of the terminal UI's own text.
const (
	UISandbox       Key = "ui.sandbox"
	UIDryRun        Key = "ui.dry_run"
	UIStepOf        Key = "ui.step_of"
	UIReplaces      Key = "ui.replaces"
	UIWillChange    Key = "ui.will_change"
	UIConfirm       Key = "ui.confirm"
	UINoChanges     Key = "ui.no_changes"
	UIWorking       Key = "ui.working"
	UIPodsReady     Key = "ui.pods_ready"
	UIColPod        Key = "ui.col_pod"
	UIColNode       Key = "ui.col_node"
	UIColPhase      Key = "ui.col_phase"
	UIColReady      Key = "ui.col_ready"
	UIColRestarts   Key = "ui.col_restarts"
	UIColAge        Key = "ui.col_age"
	UIWaitingPods   Key = "ui.waiting_pods"
	UIAppURL        Key = "ui.app_url"
	UIRequestsSent  Key = "ui.requests_sent"
	UIFailedCause   Key = "ui.failed_cause"
	UIFix           Key = "ui.fix"
	UIDoneOK        Key = "ui.done_ok"
	UIDoneFailed    Key = "ui.done_failed"
	UIDoneDryRun    Key = "ui.done_dry_run"
	UIDoneNoTraces  Key = "ui.done_no_traces"
	UITraces        Key = "ui.traces"
	UITotal         Key = "ui.total"
	UIOK            Key = "ui.ok"
	UIErr4xx        Key = "ui.err_4xx"
	UIFault5xx      Key = "ui.fault_5xx"
	UIThrottle429   Key = "ui.throttle_429"
	UIPerService    Key = "ui.per_service"
	UIServiceMap    Key = "ui.service_map"
	UITracesConsole Key = "ui.traces_console"
	UISteps         Key = "ui.steps"
	UIKeyApply      Key = "ui.key_apply"
	UIKeySkip       Key = "ui.key_skip"
	UIKeyQuit       Key = "ui.key_quit"
	UIKeyHelp       Key = "ui.key_help"
	UIKeyScroll     Key = "ui.key_scroll"
	UIKeyExit       Key = "ui.key_exit"
	UICancelling    Key = "ui.cancelling"
	UIWarning       Key = "ui.warning"
	UIWhy           Key = "ui.why"
	UIAlreadyDone   Key = "ui.already_done"
	UISkipped       Key = "ui.skipped"
	UIWindow        Key = "ui.window"
	UITooSmall      Key = "ui.too_small"
	UIHelpConfirm   Key = "ui.help_confirm"
	UIHelpRunning   Key = "ui.help_running"
)

func init() {
	add(map[Key]entry{
		UISandbox:       {"PRACTICE SANDBOX", "練習用サンドボックス"},
		UIDryRun:        {"DRY RUN", "ドライラン"},
		UIStepOf:        {"Step %d/%d", "ステップ %d/%d"},
		UIReplaces:      {"Replaces:", "置き換えるコマンド:"},
		UIWillChange:    {"This will change:", "次の変更を行います:"},
		UIConfirm:       {"Go ahead?", "実行しますか?"},
		UINoChanges:     {"Nothing to change.", "変更はありません。"},
		UIWorking:       {"working…", "実行中…"},
		UIPodsReady:     {"Ready %d/%d", "Ready %d/%d"},
		UIColPod:        {"POD", "POD"},
		UIColNode:       {"NODE", "NODE"},
		UIColPhase:      {"STATUS", "STATUS"},
		UIColReady:      {"READY", "READY"},
		UIColRestarts:   {"RESTARTS", "RESTARTS"},
		UIColAge:        {"AGE", "AGE"},
		UIWaitingPods:   {"waiting for the DaemonSet's pods…", "DaemonSet の Pod を待っています…"},
		UIAppURL:        {"App URL:", "アプリの URL:"},
		UIRequestsSent:  {"requests %d/%d", "リクエスト %d/%d"},
		UIFailedCause:   {"Failed:", "失敗:"},
		UIFix:           {"Fix:", "対処:"},
		UIDoneOK:        {"X-Ray is set up and traces arrive.", "X-Ray のセットアップが完了し、トレースが届いています。"},
		UIDoneFailed:    {"A step failed: see its cause and fix below.", "ステップが失敗しました。原因と対処は以下のとおりです。"},
		UIDoneDryRun:    {"Dry run: nothing was changed. The plan:", "ドライラン: 何も変更していません。計画:"},
		UIDoneNoTraces:  {"Done.", "完了しました。"},
		UITraces:        {"Traces", "トレース"},
		UITotal:         {"total", "合計"},
		UIOK:            {"ok", "正常"},
		UIErr4xx:        {"4xx", "4xx"},
		UIFault5xx:      {"5xx", "5xx"},
		UIThrottle429:   {"429", "429"},
		UIPerService:    {"Per service:", "サービス別:"},
		UIServiceMap:    {"Service map:", "サービスマップ:"},
		UITracesConsole: {"Traces:", "トレース:"},
		UISteps:         {"Steps:", "ステップ:"},
		UIKeyApply:      {"apply", "実行"},
		UIKeySkip:       {"skip", "スキップ"},
		UIKeyQuit:       {"quit", "終了"},
		UIKeyHelp:       {"help", "ヘルプ"},
		UIKeyScroll:     {"scroll", "スクロール"},
		UIKeyExit:       {"exit", "終了"},
		UICancelling:    {"cancelling…", "キャンセルしています…"},
		UIWarning:       {"Note:", "注意:"},
		UIWhy:           {"Why:", "目的:"},
		UIAlreadyDone:   {"already in place", "設定済み"},
		UISkipped:       {"skipped", "スキップ"},
		UIWindow:        {"since %s", "%s 以降"},
		UITooSmall:      {"Terminal too small (%dx%d): make it at least %dx%d.", "端末が小さすぎます (%dx%d)。%dx%d 以上にしてください。"},
		UIHelpConfirm:   {"The wizard asks before each change. n skips this step; the next ones still run.", "変更の前に確認します。n でこのステップをスキップし、次のステップに進みます。"},
		UIHelpRunning:   {"ctrl+c stops the running step and exits; running the wizard again resumes safely.", "ctrl+c で実行中のステップを中止して終了します。再実行すると安全に再開できます。"},
	})
}
