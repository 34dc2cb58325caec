package cli

// The Japanese of every command's help (--help, the man page), beside the
// English each command is defined with. help.go looks a command up by its
// path without the root's name ("" is the root), and a flag first as
// "path --name", then as "--name" for a flag that means the same wherever
// it is. TestHelpIsTranslated asks for an entry for every command and flag.

type helpText struct{ short, long, example string }

var helpJa = map[string]helpText{
	"": {
		short: "EKS クラスターに AWS X-Ray を 1 ステップずつセットアップします",
		long: `xray-wizard は、トレースのない EKS クラスターから、アプリのトレースが X-Ray に
届くところまでを案内します: クラスターの IAM OIDC プロバイダーを関連付け、X-Ray
daemon のサービスアカウントに IAM ロールを与え、daemon をデプロイし、その Pod を
待ち、サンプルアプリにトラフィックを送り、トレースを数えます。各ステップは理由と
置き換えるコマンドを示し、変更の前に確認します。

端末では全画面の UI で変更ごとに確認します。それ以外 (-y、TTY なし、CI の設定あり)
では、出来事を 1 行ずつ標準エラーに、まとめを標準出力に書きます。端末がない場合は
-y (--yes) がなければ何も変更せず、全ステップを確認・計画して計画を表示し、3 で
終了します。

ステップ: preflight, oidc, iamsa, daemonset, pods, sampling, app, traces
終了コード: 0 成功、1 ステップの失敗、2 使い方の誤り、3 変更を計画したが実施して
いない (確認できる端末がなく -y もない)、130 中断。`,
		example: `  xray-wizard --sandbox                       このマシン上で練習 (AWS 不要)
  xray-wizard --cluster eksworkshop-eksctl     自分のアカウントでワークショップのラボ
  xray-wizard --dry-run                        何が変わるかと、置き換えるコマンド
  xray-wizard --steps oidc,iamsa -y            IAM の部分だけを確認なしで`,
	},
	"traces": {
		short: "X-Ray のトレースを数えてサービスマップを描きます (セットアップ済みの環境向け)",
		long: `X-Ray が受け取ったトレースを期間 (--since がなければ直近 15 分) で数え (合計、
正常、4xx、5xx、429、サービス別)、ウィザードの最後の画面と同じサービスマップを
描きます。端末では数秒ごとに更新し、それ以外では 1 回だけ表示します (--output
json: ウィザードのまとめと同じ "traces" に "graph" を加えたもの)。
読み取りのみです: xray:GetTraceSummaries と xray:GetServiceGraph。`,
		example: `  xray-wizard traces                            直近 15 分
  xray-wizard traces --since 1h --output json   1 時間分をスクリプト向けに
  xray-wizard traces --filter 'service("frontend") AND fault'`,
	},
	"doctor": {
		short: "トレースが届かない理由を、何も変更せずに調べます",
		long: `EKS 上の X-Ray のセットアップを読み取りのみで確認します — ラボでつまずく箇所です:
Kubernetes 1.22 以降でのラボのマニフェスト、イメージとそのコマンド、daemon の
リージョン、IRSA が効いていない (OIDC プロバイダー、アノテーション、信頼関係、
アノテーション前に起動した Pod)、アプリの AWS_XRAY_DAEMON_ADDRESS、UDP だけの
Service、再起動が必要なアプリの Pod、表示されないアップロード、Cloud9 の管理された
認証情報、トレースがまったくないこと。動いているコレクター (X-Ray daemon か
OpenTelemetry Collector (--collector otel)) を読み、--identity pod-identity では
EKS Pod Identity の関連付け、そのロール、エージェントのアドオンを確認します。
各確認は ok、warn、fail のどれかと、見たもの、コマンド付きの対処を示します。
終了コード: 0 失敗なし、1 失敗した確認あり、2 使い方の誤り。`,
		example: `  xray-wizard doctor
  xray-wizard doctor --output json
  xray-wizard doctor --sandbox          セットアップ前の練習用サンドボックス`,
	},
	"cleanup": {
		short: "ウィザードが作ったものだけを削除します",
		long: `計画を示して確認してから、ウィザードが作ったものを削除します: 作成時に
app.kubernetes.io/managed-by=xray-wizard のラベルを付けた Kubernetes のオブジェクト
(daemon の DaemonSet、Service、ConfigMap、ServiceAccount)、このクラスター用に
タグを付けた daemon のロール (どの namespace のものも。ポリシーを先にデタッチ)、
タグを付けた EKS Pod Identity の関連付けです。他のツールが作ったオブジェクト
(アノテーションを付けた eksctl や Helm の ServiceAccount) からは、付けたラベルと
アノテーションだけを取り除き、オブジェクトは残します。ウィザードのタグがないロールは
名前にかかわらず残します。OIDC プロバイダーは --include-oidc-provider がなければ
残し、あってもウィザードが作ったものだけを削除します。もう一度実行しても何も
見つからず、何も変更しません。`,
		example: `  xray-wizard cleanup
  xray-wizard cleanup --dry-run
  xray-wizard cleanup -y --include-oidc-provider`,
	},
	"sandbox": {
		short: "練習用サンドボックスの部品を単独で使い、保存された環境を扱います",
	},
	"sandbox serve": {
		short: "サンドボックスの AWS エンドポイント (STS、IAM、EKS、X-Ray) をループバックで提供します",
		long: `練習用サンドボックスのシミュレーションした AWS エンドポイントだけを提供し、
AWS CLI と SDK をそこへ向ける環境変数 (AWS_ENDPOINT_URL) を表示します。
ctrl+c で止めます。`,
	},
	"manifest": {
		short: "daemonset ステップが適用する YAML をそのまま表示します (レビューや GitOps 用)",
		long: `daemonset ステップがサーバーサイド apply で適用する ConfigMap、Service、DaemonSet
を、設定にリージョンを書き込み namespace を設定して表示します: X-Ray daemon
(--collector daemon、ラボと同じ) か OpenTelemetry Collector (--collector otel) で、
どちらも同じ Service とポートの後ろに置きます。何も呼び出しません (AWS にもクラスター
にも接続しません)。`,
		example: `  xray-wizard manifest --region us-west-2                      X-Ray daemon
  xray-wizard manifest --collector otel --region us-west-2     OpenTelemetry Collector
  xray-wizard manifest --collector otel --namespace tracing > collector.yaml`,
	},
	"sandbox break": {
		short: "練習用の環境をラボの故障モードのひとつにします (doctor で練習するため)",
		long: `保存された練習用の環境 (sandbox reset を参照) を X-Ray ラボの故障モードのひとつに
します。xray-wizard doctor --sandbox で見つけ、doctor が表示するコマンドで直せます。
--list でモードを 1 行ずつ表示します。

毎回まず、xray-wizard --sandbox -y と同じように環境を正しい状態にします (--force
付きで、アプリの daemon アドレスも戻します): 新しい環境はセットアップされ、前の故障は
元に戻ります。そのうえで kubectl、eksctl、コンソールがするのと同じやり方で壊し、保存
します。練習用の環境以外は何も変えず、取り戻せないものは消さないので、確認はしません
(-y は受け付けますが何も変わりません)。環境を削除する sandbox reset は確認します。
daemon にはウィザードと同じく IRSA (ラボの方法) と --namespace を使います。EKS Pod
Identity を練習するモードでは EKS Pod Identity を使います (そのとき doctor には、break が
示すとおり --identity pod-identity が必要です)。`,
		example: `  xray-wizard sandbox break --list
  xray-wizard sandbox break ecr-command
  xray-wizard doctor --sandbox`,
	},
	"sandbox kubectl": {
		short: "doctor が修正として表示する kubectl コマンドを練習用の環境に対して実行します",
		long: `練習用の環境のクラスターにはネットワーク上の API サーバーがないため、kubectl は届き
ません。これは保存された環境に対して、doctor が修正として表示する kubectl コマンドを
kubectl と同じように (フィールドマネージャーも含めて) 実行し、起動した Pod が動き出す
のを待って、環境を保存します:
  set env -n NS deployment/NAME... | deployment --all  NAME=VALUE | NAME-
  rollout restart -n NS deployment[/NAME] | daemonset/NAME
  delete clusterrolebinding NAME`,
		example: `  xray-wizard sandbox kubectl set env -n workshop deployment --all AWS_XRAY_DAEMON_ADDRESS=xray-service.default:2000
  xray-wizard sandbox kubectl rollout restart -n workshop deployment`,
	},
	"sandbox cloud9": {
		short: "練習用の環境の Cloud9 の設定「AWS managed temporary credentials」を表示・切り替えます",
		long: `練習用の環境の端末は、ワークショップの Cloud9 環境の端末に当たります。Cloud9 は、
オフにしない限り端末に AWS マネージド一時認証情報を与えます。IAM はこの認証情報での
呼び出しをすべて拒否しますが (InvalidClientTokenId)、STS は応答します。そのため
ラボではこれをオフにし (Preferences → AWS Settings → Credentials)、環境の EC2
インスタンスに IAM ロールを付けます。

--managed-credentials=off は練習用の環境でのこの切り替えで、doctor がそこで示す
修正です。=on で再びオンにします (sandbox break cloud9-credentials と同じ)。フラグが
なければ設定を表示します。どちらの場合も、端末の AWS 呼び出しが誰として行われるかを
示し、環境を保存します。`,
		example: `  xray-wizard sandbox cloud9
  xray-wizard sandbox cloud9 --managed-credentials=off`,
	},
	"sandbox deploy-app": {
		short: "ワークショップのサンプルアプリを練習用の環境にデプロイします (ワークショップの前のラボと同じ)",
		long: `ワークショップのサンプルアプリ (frontend、prodcatalog、proddetail。それぞれ Deployment
と Service で、X-Ray SDK は xray-service.default:2000 に送ります) を、ワークショップの
前のラボが kubectl apply でするのと同じように、保存された練習用の環境にデプロイします:
名前空間がなければそれを、なくなっている部分をそれぞれ作り、あるものはそのままにします。
アプリの Pod が動き出すのを待って、環境を保存します。練習用の環境以外は何も変えないので
確認はしません。練習用の環境にアプリがないとき、doctor はこれを修正として表示します。`,
		example: `  xray-wizard sandbox deploy-app
  xray-wizard doctor --sandbox`,
	},
	"sandbox reset": {
		short: "保存された練習用の環境を削除し、次の --sandbox の実行を新しい環境で始めます",
		long: `練習用サンドボックスは実行の間で環境 — IAM ロールと OIDC プロバイダー、クラスターの
オブジェクト、トレース — を $XDG_STATE_HOME/xray-wizard/sandbox (既定は
~/.local/state/xray-wizard/sandbox。XRAY_WIZARD_STATE_DIR があれば
$XRAY_WIZARD_STATE_DIR/sandbox) に保存するので、--sandbox を付けたウィザード、
doctor、cleanup、traces は AWS 上と同じようにふるまいます。reset はそれを削除します。
端末では先に確認し、端末がなければ -y が必要です。`,
	},
	"version": {
		short: "バージョン、ビルド元のコミット、Go のバージョン、プラットフォームを表示します",
	},
	"man": {
		short: "man ページ (roff) を標準出力に書きます",
		long: `xray-wizard の man ページを roff で標準出力に書きます。すべてのコマンドとフラグ、
終了ステータス、環境変数を含みます (--lang ja で日本語)。
  xray-wizard man > xray-wizard.1 && man -l xray-wizard.1`,
	},
	"help": {
		short: "コマンドのヘルプを表示します",
		long:  "任意のコマンドのヘルプを表示します。xray-wizard help [コマンド] と入力してください。",
	},
	"completion": {
		short: "シェルの補完スクリプトを出力します",
		long: `指定したシェル向けの xray-wizard の補完スクリプトを出力します。
使い方は各サブコマンドのヘルプを参照してください。フラグの値 (--steps、--lang、
--output、--identity、--context、--region、--profile、--cluster) も補完します。`,
	},
	"completion bash": {
		short: "bash の補完スクリプトを出力します",
		long: `bash の補完スクリプトを出力します (bash-completion パッケージが必要です)。
このシェルで読み込むには:
	source <(xray-wizard completion bash)
新しいシェルすべてで読み込むには (Linux):
	xray-wizard completion bash > /etc/bash_completion.d/xray-wizard`,
	},
	"completion zsh": {
		short: "zsh の補完スクリプトを出力します",
		long: `zsh の補完スクリプトを出力します。
このシェルで読み込むには:
	source <(xray-wizard completion zsh)
新しいシェルすべてで読み込むには (compinit が有効であること):
	xray-wizard completion zsh > "${fpath[1]}/_xray-wizard"`,
	},
	"completion fish": {
		short: "fish の補完スクリプトを出力します",
		long: `fish の補完スクリプトを出力します。
このシェルで読み込むには:
	xray-wizard completion fish | source
新しいシェルすべてで読み込むには:
	xray-wizard completion fish > ~/.config/fish/completions/xray-wizard.fish`,
	},
	"completion powershell": {
		short: "PowerShell の補完スクリプトを出力します",
		long: `PowerShell の補完スクリプトを出力します。
このシェルで読み込むには:
	xray-wizard completion powershell | Out-String | Invoke-Expression
新しいシェルすべてで読み込むには、上の行を PowerShell のプロファイルに加えます。`,
	},
}

var flagJa = map[string]string{
	"--collector":                     "トレースを集めるもの: daemon (X-Ray daemon、ラボと同じ) か otel (OpenTelemetry Collector、同じ Service とポート)",
	"manifest --collector":            "トレースを集めるもの: daemon (X-Ray daemon) か otel (OpenTelemetry Collector)",
	"manifest --tolerate":             "この taint の toleration を加える。KEY[=VALUE]:EFFECT (繰り返し可)。ウィザードの --tolerate と同じ",
	"manifest --tolerate-all":         "すべての taint の toleration を加える。ウィザードの --tolerate-all と同じ",
	"--sampling-rule":                 "record-all: サンプルアプリのすべてのリクエストを記録するワークショップ用の X-Ray サンプリングルールを作る (-y でも。その前に来るほかの人のルールは、端末で確認したときだけ後ろへ移す)。leave: 提案しない (既定: 端末では提案し、それ以外ではルールを変えない)",
	"sandbox break --list":            "故障モードを 1 行ずつ表示する",
	"sandbox break --non-interactive": "スクリプト用に受け付ける。break は確認しない",
	"sandbox break --app-namespace":   "サンプルアプリの namespace",
	"sandbox serve --seed-ago":        "入れておくトレースが今からどれだけ前に終わるか (例: 12h: 24h の期間の中ほどにまとまる)",
	"sandbox serve --seed-span":       "入れておくトレースを広げる時間の長さ (例: 6h)",

	"sandbox cloud9 --managed-credentials": "on か off: 練習用の環境で Cloud9 の AWS マネージド一時認証情報をオン・オフする",
	// sandbox deploy-app
	"sandbox deploy-app --app-namespace": "サンプルアプリの namespace",
	// The root's flags, shared by the commands that use them.
	"--cluster":    "EKS クラスター名 (既定: kube コンテキストのクラスター、またはリージョンにある唯一のもの)",
	"--region":     "AWS リージョン (既定: AWS_REGION またはプロファイルから)",
	"--profile":    "AWS の名前付きプロファイル",
	"--kubeconfig": "kubeconfig ファイルのパス (既定: $KUBECONFIG または ~/.kube/config)",
	"--context":    "使う kube コンテキスト (既定: 現在のコンテキスト)",
	"--namespace":  "X-Ray daemon の namespace",
	"--output":     "標準出力に書く最後のまとめの形式: text または json",
	"--lang":       "言語: ja または en (既定: LC_ALL / LC_MESSAGES / LANG から)",
	"--log-file":   "デバッグログをこのファイルに書く",
	"--yes":        "変更をすべて確認なしで承認する (eksctl の --approve)。端末がない場合 (パイプ、CI) は、これがなければ何も変更しない",
	"--ascii":      "ASCII の記号だけで描く (東アジアの曖昧幅の記号を全角で描く環境では自動: RUNEWIDTH_EASTASIAN=1、または ja/zh/ko のロケール)",
	// The wizard's own.
	"--sandbox":                           "練習モード: AWS、クラスター、サンプルアプリをこのマシン上でシミュレーション",
	"--app-namespace":                     "サンプルアプリの namespace",
	"--steps":                             "これらのステップだけを実行する。preflight, oidc, iamsa, daemonset, pods, sampling, app, traces から (コンマ区切り)",
	"--dry-run":                           "計画のみ: 各ステップが何を変えるかと、置き換えるコマンド",
	"--requests":                          "app ステップが送るリクエスト数",
	"--identity":                          "daemon が IAM ロールを得る方法: irsa (ラボの IAM Roles for Service Accounts) または pod-identity (EKS Pod Identity)",
	"--tolerate":                          "この taint のあるノードでもコレクターを動かす。kubectl taint と同じ書き方 KEY[=VALUE]:EFFECT (繰り返し可。例: nvidia.com/gpu=true:NoSchedule)",
	"--tolerate-all":                      "どんな taint のあるノードでもコレクターを動かす (Fargate のノードは DaemonSet を実行しないので対象外のまま)",
	"--force":                             "他のツールが管理する daemon のオブジェクトのフィールドを引き継ぐ (サーバーサイド apply の競合)",
	"--accept-context":                    "サーバーがクラスターのエンドポイントでも、その認証局を信頼してもいない kube コンテキストを、別の経路 (トンネル、プロキシ) でクラスターに接続するものとして使う",
	"--override-existing-serviceaccounts": "他の誰かが作った daemon のサービスアカウントにもアノテーションを付ける",
	"--pods-timeout":                      "daemon の Pod を待つ時間",
	"--traces-timeout":                    "トレースが X-Ray に表示されるのを待つ時間",
	"--since":                             "トラフィックを送らなかったときのトレースの期間 (例: 1h)",
	"--filter":                            "トレースの集計に使う X-Ray のフィルター式。そのまま渡す (例: 'service(\"frontend\")')",
	// Each command's, where the same name means something else there.
	"traces --sandbox":                        "練習用サンドボックスで数える (サンドボックスが作ったトレースで)",
	"traces --since":                          "どこまでさかのぼって数えるか (例: 1h。最大 720h、X-Ray の保持期間)",
	"traces --filter":                         "X-Ray のフィルター式。そのまま渡す (例: 'service(\"frontend\") AND fault')",
	"doctor --sandbox":                        "練習用サンドボックスを確認する",
	"doctor --identity":                       "daemon が IAM ロールを得る方法: irsa または pod-identity",
	"doctor --since":                          "トレースを探す期間",
	"cleanup --sandbox":                       "練習用サンドボックスで",
	"cleanup --dry-run":                       "何が削除されるかを示し、何も削除しない",
	"cleanup --include-oidc-provider":         "クラスターの IAM OIDC プロバイダーも削除する (ウィザードが作った場合のみ)",
	"sandbox serve --listen":                  "提供するアドレス (ループバックのみ)",
	"sandbox serve --latency":                 "すべてのリクエストにこの時間だけ遅れて答える (例: 5ms)。遠いサービスのように",
	"sandbox serve --seed-traces":             "先にサンプルアプリのトレースをこの数だけ直近 15 分に入れておく (合計は標準エラーに)",
	"sandbox serve --throttle-rate":           "429 ThrottledException を返すまでの X-Ray の読み取り呼び出し数/秒 (0: 制限なし)",
	"sandbox reset --non-interactive":         "確認せずに削除する",
	"version --output":                        "text または json",
	"completion bash --no-descriptions":       "補完候補の説明を出さない",
	"completion zsh --no-descriptions":        "補完候補の説明を出さない",
	"completion fish --no-descriptions":       "補完候補の説明を出さない",
	"completion powershell --no-descriptions": "補完候補の説明を出さない",
}
