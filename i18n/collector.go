package i18n

// Keys of the collector choice (--collector daemon|otel): the daemonset
// step's text for the OpenTelemetry Collector, and switching.
const (
	CollectorNameDaemon  Key = "collector.name.daemon"
	CollectorNameOtel    Key = "collector.name.otel"
	OtelTitle            Key = "step.daemonset.otel.title"
	OtelWhy              Key = "step.daemonset.otel.why"
	MsgOtelNote          Key = "msg.otel_note"
	MsgCollectorAlready  Key = "msg.collector_already"
	MsgCollectorApplied  Key = "msg.collector_applied"
	MsgCollectorReplaced Key = "msg.collector_replaced"
	MsgRemoving          Key = "msg.removing"
	MsgServiceKept       Key = "msg.service_kept"
)

func init() {
	add(map[Key]entry{
		CollectorNameDaemon: {"X-Ray daemon", "X-Ray daemon"},
		CollectorNameOtel:   {"OpenTelemetry Collector", "OpenTelemetry Collector"},
		OtelTitle:           {"Deploy the OpenTelemetry Collector", "OpenTelemetry Collector のデプロイ"},
		OtelWhy: {
			"The X-Ray daemon is in maintenance mode and AWS recommends the OpenTelemetry Collector: its awsxray receiver takes the same UDP segments and sampling calls on port 2000, and its awsxray exporter sends them to X-Ray with the same IAM role. It runs as a DaemonSet behind the same Service, so apps keep their address and need no change, and it also takes OTLP on 4317 and 4318.",
			"X-Ray daemon はメンテナンスモードになり、AWS は OpenTelemetry Collector を推奨しています。Collector の awsxray レシーバーはポート 2000 で同じ UDP セグメントとサンプリングの呼び出しを受け取り、awsxray エクスポーターが同じ IAM ロールで X-Ray に送ります。同じ Service の後ろで DaemonSet として動くため、アプリはアドレスも設定も変えずに済み、OTLP (4317、4318) も受け付けます。"},
		MsgOtelNote: {
			"No Kubernetes RBAC: this pipeline never calls the Kubernetes API. The receiver listens on 0.0.0.0:2000 (its default, localhost, no other pod reaches) and the region is written in (IMDS fails behind hop limit 1).",
			"Kubernetes の RBAC は作成しません。このパイプラインは Kubernetes API を呼び出さないためです。レシーバーは 0.0.0.0:2000 で待ち受け (既定の localhost には他の Pod から届きません)、リージョンは設定に書き込みます (ホップ数制限 1 では IMDS が失敗するため)。"},
		MsgCollectorAlready:  {"the OpenTelemetry Collector in %s is already as the manifest says", "%s の OpenTelemetry Collector はすでにマニフェストどおりです"},
		MsgCollectorApplied:  {"applied the OpenTelemetry Collector's ConfigMap, Service and DaemonSet in %s", "%s に OpenTelemetry Collector の ConfigMap、Service、DaemonSet を適用しました"},
		MsgCollectorReplaced: {"replaced by the %s", "%s に置き換えます"},
		MsgRemoving:          {"removing %s %s (the %s it replaces)…", "%s %s を削除しています (置き換え前の %s)…"},
		MsgServiceKept:       {"the Service %s stays: apps keep sending to the same address", "Service %s はそのまま残ります。アプリは同じアドレスに送り続けます"},
	})
}
