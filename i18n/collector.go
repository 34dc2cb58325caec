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

// Keys of the doctor's collector check.
const (
	DxTitleCollector     Key = "dx.collector"
	DxCollectorNoKube    Key = "dx.collector.no_kube"
	DxCollectorUnread    Key = "dx.collector.unread"
	DxCollectorNone      Key = "dx.collector.none"
	DxCollectorNoneFix   Key = "dx.collector.none_fix"
	DxCollectorLocalhost Key = "dx.collector.localhost"
	DxCollectorNoRegion  Key = "dx.collector.no_region"
	DxCollectorTCPOnly   Key = "dx.collector.tcp_only"
	DxCollectorCWNoXRay  Key = "dx.collector.cw_no_xray"
	DxCollectorPolicy    Key = "dx.collector.policy"
	DxCollectorTwo       Key = "dx.collector.two"
	DxCollectorFix       Key = "dx.collector.fix"
	DxCollectorOK        Key = "dx.collector.ok"
)

func init() {
	add(map[Key]entry{
		DxTitleCollector:  {"Which collector runs", "動いているコレクター"},
		DxCollectorNoKube: {"no cluster to read", "読み取るクラスターがありません"},
		DxCollectorUnread: {"the DaemonSets could not be read", "DaemonSet を読み取れませんでした"},
		DxCollectorNone:   {"no collector runs: no X-Ray daemon, OpenTelemetry Collector or CloudWatch agent DaemonSet", "コレクターが動いていません (X-Ray daemon、OpenTelemetry Collector、CloudWatch エージェントの DaemonSet がありません)"},
		DxCollectorNoneFix: {"Deploy one: the wizard's daemonset step (--collector daemon or otel).",
			"ウィザードの daemonset ステップ (--collector daemon または otel) でデプロイしてください。"},
		DxCollectorLocalhost: {"the %s is %s: only its own pod reaches it; write 0.0.0.0:2000", "%s が %s です。自身の Pod からしか届きません。0.0.0.0:2000 と書いてください"},
		DxCollectorNoRegion: {"the awsxray exporter has no region: it asks IMDS, which fails behind hop limit 1",
			"awsxray エクスポーターにリージョンがありません。IMDS に問い合わせますが、ホップ数制限 1 では失敗します"},
		DxCollectorTCPOnly: {"only TCP 2000 is open (as the ADOT operator opens it): the SDKs' UDP segments never arrive",
			"TCP 2000 しか開いていません (ADOT オペレーターの開き方です)。SDK の UDP セグメントは届きません"},
		DxCollectorCWNoXRay: {"the CloudWatch agent's config has no traces.traces_collected.xray: it does not open UDP/TCP 2000",
			"CloudWatch エージェントの設定に traces.traces_collected.xray がないため、UDP/TCP 2000 を開きません"},
		DxCollectorPolicy: {"its IAM role %s has [%s], none of which allows PutTraceSegments: attach %s",
			"IAM ロール %s のポリシー [%s] はどれも PutTraceSegments を許可しません。%s をアタッチしてください"},
		DxCollectorTwo: {"%d collectors claim port 2000: the apps' segments go to whichever the Service or node picks",
			"%d 個のコレクターがポート 2000 を使おうとしています。アプリのセグメントは Service やノードが選んだ方に届きます"},
		DxCollectorFix: {"Keep one collector on port 2000, listening on 0.0.0.0 for UDP and TCP, with the region written in; `xray-wizard manifest --collector otel` shows a working config.",
			"ポート 2000 のコレクターを 1 つにし、UDP と TCP を 0.0.0.0 で待ち受け、リージョンを設定に書いてください。動く設定は `xray-wizard manifest --collector otel` で確認できます。"},
		DxCollectorOK: {"%s runs: daemonset %s", "%s が動いています: daemonset %s"},
	})
}
