package i18n

// Keys of bad input caught before anything is called (exit 2, one line),
// and of errors that name what is missing and how to give it.
const (
	InBadNamespace    Key = "in.bad_namespace"
	InBadRoleName     Key = "in.bad_role_name"
	InBadRegion       Key = "in.bad_region"
	InRegionOfProfile Key = "in.region_of_profile"
	InBadDuration     Key = "in.bad_duration"
	InKubeconfigRead  Key = "in.kubeconfig_read"
	InKubeconfigNone  Key = "in.kubeconfig_none"
	InNoKubeContext   Key = "in.no_kube_context"
	InNoProfileFlag   Key = "in.no_profile_flag"
	InNoProfileEnv    Key = "in.no_profile_env"
	InAWSConfig       Key = "in.aws_config"
	ErrNoCredentials  Key = "err.no_credentials"
	FixNoCredentials  Key = "fix.no_credentials"
	ErrAWSServer      Key = "err.aws_server"
	FixAWSServer      Key = "fix.aws_server"
	ErrAWSNotAWS      Key = "err.aws_not_aws"
	FixAWSNotAWS      Key = "fix.aws_not_aws"
	DxCannotRead      Key = "dx.cannot_read"
	DxCannotReadFix   Key = "dx.cannot_read_fix"
)

func init() {
	add(map[Key]entry{
		InBadNamespace: {
			"%s %q is not a Kubernetes namespace name: lower-case letters, digits and -, at most 63, starting and ending with a letter or digit",
			"%s %q は Kubernetes の namespace 名ではありません: 英小文字・数字・- の 63 文字以内で、先頭と末尾は英小文字か数字です",
		},
		InBadRoleName: {
			"the IAM role name %q made from the cluster %q and the namespace %q is not one IAM accepts (at most 64 letters, digits and +=,.@_-)",
			"IAM ロール名 %q (クラスター %q と namespace %q から作る名前) は IAM が受け付けません (英数字と +=,.@_- の 64 文字以内)",
		},
		InBadRegion: {
			"%s %q is not an AWS region (for example us-west-2, eu-west-1, ap-northeast-1; aws account list-regions lists yours)",
			"%s %q は AWS リージョンではありません (例: us-west-2、eu-west-1、ap-northeast-1。aws account list-regions で一覧できます)",
		},
		InRegionOfProfile: {"the region of AWS profile %q", "AWS プロファイル %q のリージョン"},
		InBadDuration:     {"%s %s: must be more than 0 (e.g. 5m)", "%s %s: 0 より長くしてください (例: 5m)"},
		InKubeconfigRead: {
			"%s %q: cannot read the kubeconfig: %v",
			"%s %q: kubeconfig を読めません: %v",
		},
		InKubeconfigNone: {
			"KUBECONFIG=%q: none of its files exists (unset KUBECONFIG to use ~/.kube/config, or run aws eks update-kubeconfig --name <cluster>)",
			"KUBECONFIG=%q: どのファイルも存在しません (~/.kube/config を使うには KUBECONFIG を外すか、aws eks update-kubeconfig --name <cluster> を実行してください)",
		},
		InNoKubeContext: {
			"--context %q: no such context in the kubeconfig (its contexts: %s)",
			"--context %q: kubeconfig にそのコンテキストはありません (あるコンテキスト: %s)",
		},
		InNoProfileFlag: {
			"--profile %q: no such AWS profile in the AWS config and credentials files (aws configure list-profiles lists them; or leave out --profile)",
			"--profile %q: AWS の config / credentials ファイルにそのプロファイルはありません (aws configure list-profiles で一覧できます。または --profile を外してください)",
		},
		InNoProfileEnv: {
			"AWS_PROFILE=%q: no such AWS profile in the AWS config and credentials files (aws configure list-profiles lists them; or unset AWS_PROFILE)",
			"AWS_PROFILE=%q: AWS の config / credentials ファイルにそのプロファイルはありません (aws configure list-profiles で一覧できます。または AWS_PROFILE を外してください)",
		},
		InAWSConfig: {
			"cannot load the AWS configuration: %v (check ~/.aws/config, ~/.aws/credentials and the AWS_* variables)",
			"AWS の設定を読み込めません: %v (~/.aws/config、~/.aws/credentials、AWS_* の環境変数を確認してください)",
		},
		ErrNoCredentials: {
			"no AWS credentials for %s: no profile with keys, no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, and no instance role",
			"%s に使う AWS の認証情報がありません: キーのあるプロファイルも、AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY も、インスタンスロールもありません",
		},
		FixNoCredentials: {
			"Give credentials one of these ways: a profile (aws configure, or aws sso login --profile <name>, then --profile <name> or AWS_PROFILE), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary keys), an instance role on EC2, or Cloud9's managed credentials. To practise without AWS: xray-wizard --sandbox.",
			"次のいずれかで認証情報を渡してください: プロファイル (aws configure、または aws sso login --profile <名前> のあと --profile <名前> か AWS_PROFILE)、AWS_ACCESS_KEY_ID と AWS_SECRET_ACCESS_KEY (一時キーなら AWS_SESSION_TOKEN も)、EC2 のインスタンスロール、Cloud9 のマネージド認証情報。AWS なしで練習するには xray-wizard --sandbox。",
		},
		ErrAWSServer: {
			"%s: %s answered HTTP %d, a server error, after retries",
			"%s: %s がリトライ後もサーバーエラー HTTP %d を返しました",
		},
		FixAWSServer: {
			"Run again in a few minutes (AWS's status: https://health.aws.amazon.com); if AWS_ENDPOINT_URL or a proxy is set, check that it points at AWS.",
			"数分後にもう一度実行してください (AWS の状況: https://health.aws.amazon.com)。AWS_ENDPOINT_URL やプロキシを設定していれば、AWS を指しているか確認してください。",
		},
		ErrAWSNotAWS: {
			"%s: the answer from %s (HTTP %d) is not an AWS API response",
			"%s: %s からの応答 (HTTP %d) は AWS API の応答ではありません",
		},
		FixAWSNotAWS: {
			"Something other than AWS answered: check AWS_ENDPOINT_URL, HTTPS_PROXY and any proxy or sign-in page on the network.",
			"AWS 以外が応答しています: AWS_ENDPOINT_URL、HTTPS_PROXY、ネットワークのプロキシやログインページを確認してください。",
		},
		DxCannotRead:    {"cannot read %s: %s", "%s を読めません: %s"},
		DxCannotReadFix: {"The doctor only reads: give it read access (get, list) to %s, or check the connection to the cluster, and run it again.", "doctor は読むだけです: %s を読む権限 (get、list) を与えるか、クラスターへの接続を確認して、もう一度実行してください。"},
	})
}
