package i18n

// Keys of SDK sampling as the doctor explains it (lab point 11), of the
// sampling step moving a rule that hides the workshop rule, and of the
// sampling-off failure mode.
const (
	BreakSamplingOff Key = "break.sampling_off"

	DxTitleSampling        Key = "dx.sampling"
	DxSamplingNothing      Key = "dx.sampling_nothing"
	DxSamplingNothingSome  Key = "dx.sampling_nothing_some"
	DxSamplingNothingFix   Key = "dx.sampling_nothing_fix"
	DxSamplingSaw          Key = "dx.sampling_saw"
	DxSamplingKeeps        Key = "dx.sampling_keeps"
	DxSamplingFix          Key = "dx.sampling_fix"
	DxSamplingAll          Key = "dx.sampling_all"
	DxSamplingFallback     Key = "dx.sampling_fallback"
	DxSamplingDecides      Key = "dx.sampling_decides"
	DxSamplingStat         Key = "dx.sampling_stat"
	DxSamplingNoStats      Key = "dx.sampling_no_stats"
	DxSamplingStatsUnread  Key = "dx.sampling_stats_unread"
	DxSamplingNotConsented Key = "dx.sampling_not_consented"

	MsgSamplingMoveRule  Key = "msg.sampling_move_rule"
	MsgSamplingShadowAsk Key = "msg.sampling_shadow_ask"
	MsgSamplingMoving    Key = "msg.sampling_moving"
	ErrSamplingShadowed  Key = "err.sampling_shadowed"
	FixSamplingShadowed  Key = "fix.sampling_shadowed"
)

func init() {
	add(map[Key]entry{
		BreakSamplingOff: {"a cost-saving sampling rule (reservoir 0, rate 0, every service) before all others: the app's requests become no traces",
			"経費節減のサンプリングルール (リザーバー 0、レート 0、全サービス) がどのルールより先: アプリのリクエストがトレースにならない"},

		DxTitleSampling: {"SDK sampling (the sample app's requests)", "SDK のサンプリング (サンプルアプリのリクエスト)"},
		DxSamplingNothing: {"rule %s decides the sample app's requests and records none of them (reservoir 0, fixed rate 0): no request becomes a trace",
			"ルール %s がサンプルアプリのリクエストを決め、ひとつも記録しません (リザーバー 0、固定レート 0): どのリクエストもトレースになりません"},
		DxSamplingNothingSome: {"rule %s records none of the sample app's requests to %s (reservoir 0, fixed rate 0)",
			"ルール %s はサンプルアプリの %s へのリクエストをひとつも記録しません (リザーバー 0、固定レート 0)"},
		DxSamplingNothingFix: {"Let the wizard record every request of the sample app: it makes the workshop rule and, only after you confirm at the terminal, moves a rule it did not make that comes before it.",
			"ウィザードにサンプルアプリのすべてのリクエストを記録させてください: ワークショップ用ルールを作り、その前に来るウィザードが作っていないルールは、端末で確認したときだけ後ろへ移します。"},
		DxSamplingSaw: {"the SDKs saw %d requests and recorded %d under rule %s: that is sampling, not loss",
			"SDK は %d 件のリクエストを受け、%d 件を記録しました (ルール %s): これはサンプリングで、欠落ではありません"},
		DxSamplingKeeps: {"%s: fewer traces than requests is sampling, not loss",
			"%s: トレースがリクエストより少ないのはサンプリングで、欠落ではありません"},
		DxSamplingFix: {"--sampling-rule record-all makes the workshop rule, which records every request of the sample app.",
			"--sampling-rule record-all でワークショップ用ルールを作ると、サンプルアプリのすべてのリクエストを記録します。"},
		DxSamplingAll: {"rule %s records every request of the sample app", "ルール %s がサンプルアプリのすべてのリクエストを記録します"},
		DxSamplingFallback: {"no rule of X-Ray decides the sample app's requests: the SDKs' local fallback records 1 a second and 5 %% of the rest",
			"サンプルアプリのリクエストを決める X-Ray のルールがありません: SDK のローカルのフォールバックが毎秒 1 件と残りの 5 %% を記録します"},
		DxSamplingDecides:     {"rule %s (%s) decides the app's requests to %s", "ルール %s (%s) がアプリの %s へのリクエストを決めます"},
		DxSamplingStat:        {"rule %s: the SDKs saw %d requests, recorded %d", "ルール %s: SDK は %d 件を受け、%d 件を記録"},
		DxSamplingNoStats:     {"no SDK reported sampling statistics lately", "最近サンプリングの統計を報告した SDK はありません"},
		DxSamplingStatsUnread: {"the SDKs' statistics: cannot read (%s)", "SDK の統計: 読めません (%s)"},
		DxSamplingNotConsented: {"rule %s comes before where the workshop rule goes (priority 1, its name first): the wizard moves it only after you confirm at the terminal",
			"ルール %s はワークショップ用ルールが入る位置より先です (優先度 1 で名前が先): ウィザードが移すのは端末で確認したときだけです"},

		MsgSamplingMoveRule: {"priority %d → %d: after %s, so every request of the sample app is recorded; every other request as before",
			"優先度 %d → %d: %s の後ろへ。サンプルアプリのすべてのリクエストが記録され、ほかのリクエストはこれまでどおり"},
		MsgSamplingShadowAsk: {"Sampling rule %s, which the wizard did not make, comes before the workshop rule and decides the sample app's requests: its priority is changed only after you confirm here.",
			"ウィザードが作っていないサンプリングルール %s がワークショップ用ルールより先にあり、サンプルアプリのリクエストを決めています: その優先度はここで確認した場合だけ変更します。"},
		MsgSamplingMoving: {"moving sampling rule %s after %s (priority %d)", "サンプリングルール %s を %s の後ろへ移しています (優先度 %d)"},
		ErrSamplingShadowed: {"sampling rule %s, which the wizard did not make, comes before the workshop rule and decides the sample app's requests; nothing was changed",
			"ウィザードが作っていないサンプリングルール %s がワークショップ用ルールより先にあり、サンプルアプリのリクエストを決めています。何も変更していません"},
		FixSamplingShadowed: {"A rule someone else made changes only when a person confirms: run the same at a terminal without -y, or move it yourself: %s",
			"ほかの人が作ったルールは人が確認したときだけ変更します: -y なしで端末から同じコマンドを実行するか、自分で移してください: %s"},
	})
}
