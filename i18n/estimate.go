package i18n

// Keys of the first figure: the trace count estimated from the service map
// while the exact count pages.
const (
	MsgTracesEstimated Key = "msg.traces_estimated"
	UIEstimateNote     Key = "ui.estimate_note"
)

func init() {
	add(map[Key]entry{
		MsgTracesEstimated: {"about %d traces (from the service map's requests; counting them exactly)", "トレース 約 %d 件 (サービスマップのリクエスト数から概算。正確な件数を集計中)"},
		UIEstimateNote:     {"estimate from the service map · counting…", "サービスマップからの概算 · 集計中…"},
	})
}
