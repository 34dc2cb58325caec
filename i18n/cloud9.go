package i18n

// Keys of the lab's stuck point 10, Cloud9's AWS managed temporary
// credentials: what the wizard and the doctor say when IAM refuses them,
// the practice world's Cloud9 environment, and xray-wizard sandbox cloud9.
const (
	ErrCloud9Creds         Key = "err.cloud9_creds"
	FixCloud9Creds         Key = "fix.cloud9_creds"
	FixCloud9CredsCommand  Key = "fix.cloud9_creds_command"
	DxCloud9World          Key = "dx.cloud9_world"
	CLICloud9Status        Key = "cli.cloud9_status"
	CLICloud9On            Key = "cli.cloud9_on"
	CLICloud9Off           Key = "cli.cloud9_off"
	CLICloud9CallerManaged Key = "cli.cloud9_caller_managed"
	CLICloud9CallerRole    Key = "cli.cloud9_caller_role"
	CLICloud9BadValue      Key = "cli.cloud9_bad_value"
	BreakCloud9Credentials Key = "break.cloud9_credentials"
)

func init() {
	add(map[Key]entry{
		ErrCloud9Creds: {"IAM refused %s: Cloud9's AWS managed temporary credentials cannot call IAM (InvalidClientTokenId)",
			"IAM が %s を拒否しました: Cloud9 の AWS マネージド一時認証情報では IAM を呼べません (InvalidClientTokenId)"},
		FixCloud9Creds: {"In Cloud9, open Preferences (the gear) → AWS Settings → Credentials and turn off \"AWS managed temporary credentials\"; give the environment's EC2 instance the workshop's IAM role (EC2 console → the instance → Actions → Security → Modify IAM role) and remove ~/.aws/credentials, so the calls run as that role (aws sts get-caller-identity shows it).",
			"Cloud9 の Preferences (歯車) → AWS Settings → Credentials で「AWS managed temporary credentials」をオフにし、環境の EC2 インスタンスにワークショップの IAM ロールを付けて (EC2 コンソール → インスタンス → アクション → セキュリティ → IAM ロールを変更)、~/.aws/credentials を削除してください。呼び出しはそのロールで行われます (aws sts get-caller-identity で確認できます)。"},
		FixCloud9CredsCommand: {"In the practice sandbox that switch is: %s", "練習用サンドボックスでは、この切り替えは次のコマンドです: %s"},
		DxCloud9World:         {"the practice world's terminal is Cloud9 environment %s (%s)", "練習用の環境の端末は Cloud9 環境 %s (%s) のものです"},
		CLICloud9Status:       {"Cloud9 environment %s (%s): AWS managed temporary credentials %s (%s)", "Cloud9 環境 %s (%s): AWS マネージド一時認証情報は%s (%s)"},
		CLICloud9On:           {"on", "オン"},
		CLICloud9Off:          {"off", "オフ"},
		CLICloud9CallerManaged: {"The terminal's AWS calls run as %s with Cloud9's managed temporary credentials: IAM refuses them (InvalidClientTokenId).",
			"端末の AWS 呼び出しは Cloud9 のマネージド一時認証情報で %s として行われます: IAM はこれを拒否します (InvalidClientTokenId)。"},
		CLICloud9CallerRole: {"The terminal's AWS calls run as %s, the instance's IAM role.", "端末の AWS 呼び出しはインスタンスの IAM ロール %s として行われます。"},
		CLICloud9BadValue:   {"--managed-credentials %q: must be on or off", "--managed-credentials %q: on か off を指定してください"},
		BreakCloud9Credentials: {"Cloud9's AWS managed temporary credentials turned on: IAM refuses them (InvalidClientTokenId)",
			"Cloud9 の AWS マネージド一時認証情報をオン: IAM はそれを拒否する (InvalidClientTokenId)"},
	})
}
