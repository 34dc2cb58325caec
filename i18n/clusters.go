package i18n

// Keys of the clusters people run: pods the DaemonSet controller cannot
// create, and the nodes that get no daemon.
const (
	ErrPodsNotCreated     Key = "err.pods_not_created"
	FixPodSecurity        Key = "fix.pod_security"
	FixPodQuota           Key = "fix.pod_quota"
	FixPodServiceAccount  Key = "fix.pod_service_account"
	FixPodWebhook         Key = "fix.pod_webhook"
	FixPodsNotCreated     Key = "fix.pods_not_created"
	DxTitlePodsCreated    Key = "dx.pods_created"
	DxPodsCreatedOK       Key = "dx.pods_created_ok"
	MsgNodesWithoutDaemon Key = "msg.nodes_without_daemon"
	WhyNodeOS             Key = "why.node_os"
	WhyNodeFargate        Key = "why.node_fargate"
	WhyNodeTaint          Key = "why.node_taint"
	WhyNodeSelector       Key = "why.node_selector"
	MsgTolerateTaints     Key = "msg.tolerate_taints"
	DxTitleAppNodes       Key = "dx.app_nodes"
	BreakPodSecurity      Key = "break.pod_security"
	DxAppNodesOK          Key = "dx.app_nodes_ok"
	DxAppNodes            Key = "dx.app_nodes_stranded"
	DxAppNodesFargateFix  Key = "dx.app_nodes_fargate_fix"
	DxAppNodesWindowsFix  Key = "dx.app_nodes_windows_fix"
	DxAppNodesTaintFix    Key = "dx.app_nodes_taint_fix"
	DxAppNodesMissingFix  Key = "dx.app_nodes_missing_fix"
	DxAppNodesUnknownFix  Key = "dx.app_nodes_unknown_fix"
)

func init() {
	add(map[Key]entry{
		ErrPodsNotCreated: {"the DaemonSet controller cannot create the pods of daemonset/%s: %s",
			"DaemonSet コントローラーが daemonset/%s の Pod を作成できません: %s"},
		FixPodSecurity: {"namespace %s enforces Pod Security and the DaemonSet's pod template does not pass it. The wizard's manifest passes \"restricted\", the strictest level: apply it with %s (add --force if another tool owns the fields). Lowering the namespace's level (its label pod-security.kubernetes.io/enforce) is for the cluster's admins to decide",
			"Namespace %s は Pod Security を強制しており、DaemonSet の Pod テンプレートがそれを満たしていません。ウィザードのマニフェストは最も厳しいレベル \"restricted\" を満たします: %s で適用してください (他のツールがフィールドを管理している場合は --force を追加)。Namespace のレベル (ラベル pod-security.kubernetes.io/enforce) を下げるかどうかはクラスター管理者が判断することです"},
		FixPodQuota: {"a ResourceQuota in %s allows no more pods (or their CPU/memory): see kubectl describe resourcequota -n %s, and raise it or ask the cluster's admins to",
			"%s の ResourceQuota がこれ以上の Pod (またはその CPU/メモリ) を許可していません: kubectl describe resourcequota -n %s で確認し、上限を上げてください (またはクラスター管理者に依頼してください)"},
		FixPodServiceAccount: {"the ServiceAccount %s/%s is missing: run %s, which makes it with its IAM role",
			"ServiceAccount %s/%s がありません: %s を実行してください (IAM ロール付きで作成します)"},
		FixPodWebhook: {"an admission webhook refused the pods (named in the message): see kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations and ask its owners to admit namespace %s",
			"アドミッション Webhook が Pod を拒否しました (メッセージに名前があります): kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations で確認し、Namespace %s を許可するよう管理者に依頼してください"},
		FixPodsNotCreated: {"see the DaemonSet's events: kubectl describe daemonset -n %s %s",
			"DaemonSet のイベントを確認してください: kubectl describe daemonset -n %s %s"},
		DxTitlePodsCreated:    {"Daemon pods can be created", "daemon Pod を作成できるか"},
		DxPodsCreatedOK:       {"the DaemonSet controller reports no pod it failed to create", "DaemonSet コントローラーは Pod の作成失敗を報告していません"},
		MsgNodesWithoutDaemon: {"%d of %d nodes get no daemon: %s", "%d/%d 台のノードには daemon を配置しません: %s"},
		WhyNodeOS:             {"%s (%s: the daemon's image is Linux-only)", "%s (%s: daemon のイメージは Linux 専用)"},
		WhyNodeFargate:        {"%s (Fargate runs no DaemonSets: give its pods a sidecar daemon or the Collector)", "%s (Fargate は DaemonSet を実行しません: その Pod にはサイドカーの daemon か Collector を付けてください)"},
		WhyNodeTaint:          {"%s (taint %s)", "%s (taint %s)"},
		WhyNodeSelector:       {"%s (not chosen by the DaemonSet's node selector or affinity)", "%s (DaemonSet のノードセレクターまたはアフィニティの対象外)"},
		MsgTolerateTaints:     {"to run it on the tainted nodes too, run again with %s", "taint のあるノードでも動かすには %s を付けて再実行してください"},
		DxTitleAppNodes:       {"App pods on nodes with a collector", "アプリ Pod のノードにコレクターがあるか"},
		DxAppNodesOK:          {"each of the %d app pods runs on a node with a collector pod", "%d 個のアプリ Pod はどれもコレクター Pod のあるノードで動いています"},
		DxAppNodes: {"%d app pods in %s run on nodes with no collector pod: xray-service sends only to the collector on the pod's own node (internalTrafficPolicy Local), so their segments go nowhere",
			"%d 個の %s のアプリ Pod がコレクター Pod のないノードで動いています: xray-service は Pod と同じノードのコレクターにしか送らない (internalTrafficPolicy Local) ため、そのセグメントはどこにも届きません"},
		DxAppNodesFargateFix: {"Fargate runs no DaemonSets: give those pods the X-Ray daemon or the OpenTelemetry Collector as a sidecar, and set their AWS_XRAY_DAEMON_ADDRESS to 127.0.0.1:2000 (or run them on EC2 nodes).",
			"Fargate は DaemonSet を実行しません: その Pod には X-Ray daemon か OpenTelemetry Collector をサイドカーとして付け、AWS_XRAY_DAEMON_ADDRESS を 127.0.0.1:2000 にしてください (または EC2 ノードで動かしてください)。"},
		DxAppNodesWindowsFix: {"the collectors' images are Linux-only: a Windows pod needs a collector that runs on Windows, e.g. the OpenTelemetry Collector, which is released for Windows too, as its sidecar.",
			"コレクターのイメージは Linux 専用です: Windows の Pod には Windows で動くコレクターが必要です (例: Windows 版もリリースされている OpenTelemetry Collector をサイドカーとして)。"},
		DxAppNodesTaintFix: {"the collector does not tolerate %s: run the wizard again with the toleration (the command below).",
			"コレクターは %s を許容していません: toleration を付けてウィザードを再実行してください (下のコマンド)。"},
		DxAppNodesMissingFix: {"those nodes should run a collector pod and do not yet: see kubectl get pods -n %s -o wide, and the pods-created check.",
			"そのノードにはコレクター Pod があるはずですが、まだありません: kubectl get pods -n %s -o wide と pods-created のチェックを確認してください。"},
		BreakPodSecurity: {"the daemon's namespace enforces Pod Security \"restricted\" and the daemon was redeployed with the lab's pod template: every pod refused",
			"daemon の Namespace が Pod Security \"restricted\" を強制し、daemon がラボの Pod テンプレートで再デプロイされた: Pod はすべて拒否される"},
		DxAppNodesUnknownFix: {"the nodes could not be read to say why (access scoped to namespaces cannot list them): see their kinds with %s; Fargate and Windows nodes get no collector pod, and a taint needs --tolerate.",
			"理由を示すためのノードを読めませんでした (Namespace 単位のアクセスではノードを一覧できません): %s で種類を確認してください。Fargate と Windows のノードにはコレクター Pod が置かれず、taint には --tolerate が必要です。"},
	})
}
