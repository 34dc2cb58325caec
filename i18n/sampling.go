package i18n

// Keys of the sampling step's text and of the sampling line on the traces
// screens.
const (
	SamplingTitle Key = "step.sampling.title"
	SamplingWhy   Key = "step.sampling.why"

	MsgSamplingExpect       Key = "msg.sampling_expect"
	MsgSamplingFallback     Key = "msg.sampling_fallback"
	MsgSamplingRuleKeeps    Key = "msg.sampling_rule_keeps"
	MsgSamplingRuleLine     Key = "msg.sampling_rule_line"
	MsgSamplingRule         Key = "msg.sampling_rule"
	MsgSamplingNotOurs      Key = "msg.sampling_not_ours"
	MsgSamplingLeft         Key = "msg.sampling_left"
	MsgSamplingWorkshopRule Key = "msg.sampling_workshop_rule"
	MsgSamplingCreating     Key = "msg.sampling_creating"
	MsgSamplingUpdating     Key = "msg.sampling_updating"
	MsgSamplingMade         Key = "msg.sampling_made"
	MsgSamplingAlready      Key = "msg.sampling_already"

	// The traces screens' line: sent N · the rules keep about M · X-Ray has K.
	SamplingSentKeepsHas Key = "traces.sampling_sent_keeps_has"
	SamplingRulesOnly    Key = "traces.sampling_rules_only"
)

func init() {
	add(map[Key]entry{
		SamplingTitle: {"Sampling rules", "サンプリングルール"},
		SamplingWhy: {
			"The X-Ray SDK does not trace every request: it samples by the account's rules, which it fetches through the daemon. By default it keeps the first request each second and 5 percent of the rest, so a few traces for many requests is expected.",
			"X-Ray SDK はすべてのリクエストをトレースするわけではありません。daemon 経由で取得したアカウントのルールに従ってサンプリングします。デフォルトでは毎秒最初の 1 件と残りの 5 % だけを記録するため、リクエスト数よりトレースが少ないのは想定どおりです。"},

		MsgSamplingExpect: {
			"Of the %d requests the app step sends, the rules keep about %d as traces (%d %%) when they go out within a second: %s.",
			"アプリのステップが送る %d 件のリクエストのうち、1 秒以内に送った場合にルールがトレースとして残すのは約 %d 件 (%d %%) です: %s。"},
		MsgSamplingFallback:  {"the SDK's local fallback records %d a second and %s %% of the rest", "SDK のローカルのフォールバックで毎秒 %d 件と残りの %s %% を記録"},
		MsgSamplingRuleKeeps: {"rule %s records %d a second and %s %% of the rest", "ルール %s が毎秒 %d 件と残りの %s %% を記録"},
		MsgSamplingRuleLine: {
			"priority %d · %d/s + %s %% · service %s · host %s · URL %s",
			"優先度 %d · 毎秒 %d 件 + %s %% · サービス %s · ホスト %s · URL %s"},
		MsgSamplingRule: {"sampling rule %s: %s", "サンプリングルール %s: %s"},
		MsgSamplingNotOurs: {
			"A sampling rule named %s exists that the wizard did not make; it is left as it is.",
			"ウィザードが作成していないサンプリングルール %s があります。変更しません。"},
		MsgSamplingLeft: {
			"The rules are left as they are (--sampling-rule record-all creates the workshop rule that records every request of the sample app).",
			"ルールは変更しません (--sampling-rule record-all を指定すると、サンプルアプリのすべてのリクエストを記録するワークショップ用ルールを作成します)。"},
		MsgSamplingWorkshopRule: {
			"records every request of service %s (rate 1.0, priority 1), tagged as the wizard's",
			"サービス %s のすべてのリクエストを記録 (レート 1.0、優先度 1)、ウィザードのタグ付き"},
		MsgSamplingCreating: {"creating sampling rule %s", "サンプリングルール %s を作成しています"},
		MsgSamplingUpdating: {"restoring sampling rule %s", "サンプリングルール %s を元に戻しています"},
		MsgSamplingMade:     {"Sampling rule %s records every request of the sample app; running SDKs pick it up at their next rules poll (every 5 minutes).", "サンプリングルール %s でサンプルアプリのすべてのリクエストを記録します。実行中の SDK は次回のルール取得時 (5 分ごと) に反映します。"},
		MsgSamplingAlready:  {"Sampling rule %s is already in place.", "サンプリングルール %s はすでにあります。"},

		SamplingSentKeepsHas: {"sent %d requests · the rules keep about %d · X-Ray has %d", "送信 %d 件 · ルールで残るのは約 %d 件 · X-Ray には %d 件"},
		SamplingRulesOnly:    {"sampling: %s", "サンプリング: %s"},
	})
}
