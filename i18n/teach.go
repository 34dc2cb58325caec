package i18n

// Keys of the screens that teach: the opening screen, the lab's commands
// beside the wizard's equivalent, and the view of a step's commands in
// full with the manifest and the trust policy it applies.
const (
	UIEquivalent     Key = "ui.equivalent"
	UIDetailsHint    Key = "ui.details_hint"
	UIDetailsTitle   Key = "ui.details_title"
	UIDetailsChanges Key = "ui.details_changes"
	UIDetailsPolicy  Key = "ui.details_policy"
	UIDetailsYAML    Key = "ui.details_manifest"
	UIScrollLines    Key = "ui.scroll_lines"
	UIKeyDetails     Key = "ui.key_details"
	UIKeyBack        Key = "ui.key_back"
	UIKeyEnds        Key = "ui.key_ends"
	UIKeySideways    Key = "ui.key_sideways"
	UIKeyStart       Key = "ui.key_start"
	UIHelpDetails    Key = "ui.help_details"
	UIHelpIntro      Key = "ui.help_intro"

	UIIntroTitle     Key = "ui.intro_title"
	UIIntroBody      Key = "ui.intro_body"
	UIIntroDiagram   Key = "ui.intro_diagram"
	UIIntroSteps     Key = "ui.intro_steps"
	UIIntroAsks      Key = "ui.intro_asks"
	UIIntroOnce      Key = "ui.intro_once"
	UIIntroPreflight Key = "ui.intro_preflight"
	UIIntroOIDC      Key = "ui.intro_oidc"
	UIIntroIAMSA     Key = "ui.intro_iamsa"
	UIIntroDaemon    Key = "ui.intro_daemonset"
	UIIntroPods      Key = "ui.intro_pods"
	UIIntroApp       Key = "ui.intro_app"
	UIIntroSampling  Key = "ui.intro_sampling"
	UIIntroTraces    Key = "ui.intro_traces"

	CLIEquivalent Key = "cli.equivalent"
)

func init() {
	add(map[Key]entry{
		UIEquivalent:     {"The wizard's equivalent:", "ウィザードが行う同等の操作:"},
		UIDetailsHint:    {"c shows every command in full", "c キーでコマンドをすべて表示"},
		UIDetailsTitle:   {"%s — in full", "%s — 全文"},
		UIDetailsChanges: {"What it changes:", "変更するもの:"},
		UIDetailsPolicy:  {"Trust policy of %s (trust.json):", "%s の信頼ポリシー (trust.json):"},
		UIDetailsYAML:    {"The manifest it applies (xray-daemon.yaml):", "適用するマニフェスト (xray-daemon.yaml):"},
		UIScrollLines:    {"lines %d–%d of %d", "%d–%d 行目 / 全 %d 行"},
		UIKeyDetails:     {"all commands", "コマンド全文"},
		UIKeyBack:        {"back", "戻る"},
		UIKeyEnds:        {"top/bottom", "先頭/末尾"},
		UIKeySideways:    {"sideways", "横スクロール"},
		UIKeyStart:       {"start", "開始"},
		UIHelpDetails: {"The step's commands whole, ready to copy: a cut line ends with \\ and the next goes on. A line wider than the screen runs past its edge: ←/→ scroll sideways. The steps go on meanwhile.",
			"ステップのコマンドの全文です。そのままコピーできます: 折り返した行は \\ で終わり、次の行に続きます。画面より長い行ははみ出します: ←/→ で横にスクロールします。その間もステップは進みます。"},
		UIHelpIntro: {"Nothing runs until you start. This screen is shown once; later runs start at the steps.",
			"開始するまで何も実行しません。この画面は一度だけ表示され、次回からはステップから始まります。"},

		UIIntroTitle: {"What this lab sets up", "このラボで構成するもの"},
		UIIntroBody: {"Your app's X-Ray SDK sends trace segments over UDP port 2000 to the X-Ray daemon on its node. The daemon batches them and uploads them to the X-Ray API with an IAM role it gets through IRSA (IAM Roles for Service Accounts). X-Ray puts the segments together into traces and draws the service map.",
			"アプリの X-Ray SDK は、トレースのセグメントを UDP 2000 番ポートで同じノードの X-Ray daemon に送ります。daemon はそれをまとめて X-Ray API にアップロードします。その権限は IRSA (IAM Roles for Service Accounts) で得る IAM ロールです。X-Ray はセグメントからトレースを組み立て、サービスマップを描きます。"},
		UIIntroDiagram: {"app + SDK ─UDP 2000─▶ daemon ─IAM role (IRSA)─▶ X-Ray API ─▶ traces, map",
			"アプリ + SDK ─UDP 2000─▶ daemon ─IAM ロール (IRSA)─▶ X-Ray API ─▶ トレース・マップ"},
		UIIntroSteps: {"The steps:", "ステップ:"},
		UIIntroAsks:  {"Each step says why, shows the lab's command it replaces, and asks before it changes anything.", "各ステップは理由と置き換えるラボのコマンドを示し、何かを変更する前に確認します。"},
		UIIntroOnce:  {"This screen is shown once; later runs start at the steps.", "この画面は一度だけ表示され、次回からはステップから始まります。"},

		UIIntroPreflight: {"who you are in AWS, the region and the cluster (reads only)", "AWS の ID、リージョン、クラスターの確認 (読み取りのみ)"},
		UIIntroOIDC:      {"let IAM trust the cluster's OIDC issuer, so pods can take IAM roles", "IAM がクラスターの OIDC 発行者を信頼し、Pod が IAM ロールを使えるようにする"},
		UIIntroIAMSA:     {"an IAM role that may write to X-Ray, for the daemon's ServiceAccount only", "X-Ray に書き込める IAM ロールを daemon の ServiceAccount 専用に作る"},
		UIIntroDaemon:    {"deploy the X-Ray daemon on every node (a DaemonSet)", "X-Ray daemon を全ノードに配置する (DaemonSet)"},
		UIIntroPods:      {"wait until a daemon pod is Ready on each node", "各ノードの daemon Pod が Ready になるのを待つ"},
		UIIntroSampling:  {"how many requests the SDK's sampling rules keep as traces", "SDK のサンプリングルールがリクエストの何件をトレースとして残すか"},
		UIIntroApp:       {"send the sample app some requests to trace", "サンプルアプリにリクエストを送ってトレースを作る"},
		UIIntroTraces:    {"count the traces X-Ray built and show the service map", "X-Ray が組み立てたトレースを数え、サービスマップを表示する"},

		CLIEquivalent: {"the wizard's equivalent:", "ウィザードが行う同等の操作:"},
	})
}
