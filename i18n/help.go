package i18n

// Keys of the command line's help: its headings and the lines every
// command's help shares. The commands' own text is translated in cli
// (help_ja.go), beside the commands that define it.
const (
	HelpUsage        Key = "help.usage"
	HelpCommands     Key = "help.commands"
	HelpFlags        Key = "help.flags"
	HelpGlobalFlags  Key = "help.global_flags"
	HelpExamples     Key = "help.examples"
	HelpMore         Key = "help.more"
	HelpExitCodes    Key = "help.exit_codes"
	HelpDefault      Key = "help.default"
	HelpFlagHelp     Key = "help.flag_help"
	HelpFlagVersion  Key = "help.flag_version"
	HelpNotFlagOf    Key = "help.not_flag_of"
	HelpDidYouMean   Key = "help.did_you_mean"
	HelpManCommands  Key = "help.man_commands"
	HelpManOptions   Key = "help.man_options"
	HelpManEnv       Key = "help.man_env"
	HelpManFiles     Key = "help.man_files"
	HelpManExit      Key = "help.man_exit"
	HelpManSeeAlso   Key = "help.man_see_also"
	HelpManName      Key = "help.man_name"
	HelpManSynopsis  Key = "help.man_synopsis"
	HelpManDesc      Key = "help.man_description"
	HelpManExamples  Key = "help.man_examples"
	HelpManGlobal    Key = "help.man_global"
	HelpManEnvList   Key = "help.man_env_list"
	HelpManFilesList Key = "help.man_files_list"
	HelpManExitList  Key = "help.man_exit_list"
	HelpManUses      Key = "help.man_uses"
)

func init() {
	add(map[Key]entry{
		HelpUsage:       {"Usage:", "使い方:"},
		HelpCommands:    {"Available Commands:", "コマンド:"},
		HelpFlags:       {"Flags:", "フラグ:"},
		HelpGlobalFlags: {"Global Flags:", "共通フラグ:"},
		HelpExamples:    {"Examples:", "例:"},
		HelpMore:        {`Use "%s [command] --help" for more information about a command.`, `各コマンドの詳細は "%s [command] --help" で表示します。`},
		HelpExitCodes: {"Exit codes: 0 success, 1 failed, 2 bad usage, 3 changes planned but not made (no terminal to ask at and no -y), 130 interrupted.",
			"終了コード: 0 成功、1 失敗、2 使い方の誤り、3 変更を計画したが実施していない (確認できる端末がなく -y もない)、130 中断。"},
		HelpDefault:     {"(default ", "(既定値 "},
		HelpFlagHelp:    {"help for %s", "%s のヘルプを表示"},
		HelpFlagVersion: {"version for %s", "%s のバージョンを表示"},
		HelpNotFlagOf:   {"%s: not a flag of %s (it has no use there)", "%s は %s のフラグではありません (そこでは使いません)"},
		HelpDidYouMean:  {"did you mean %s?", "%s のことですか?"},
		HelpManName:     {"NAME", "名前"},
		HelpManSynopsis: {"SYNOPSIS", "書式"},
		HelpManDesc:     {"DESCRIPTION", "説明"},
		HelpManOptions:  {"OPTIONS", "オプション"},
		HelpManGlobal:   {"Global options, for the commands that use them:", "共通オプション (使うコマンドでのみ有効):"},
		HelpManCommands: {"COMMANDS", "コマンド"},
		HelpManExamples: {"EXAMPLES", "例"},
		HelpManExit:     {"EXIT STATUS", "終了ステータス"},
		HelpManEnv:      {"ENVIRONMENT", "環境変数"},
		HelpManFiles:    {"FILES", "ファイル"},
		HelpManSeeAlso:  {"SEE ALSO", "関連項目"},
		HelpManEnvList: {
			"LANG, LC_ALL, LC_MESSAGES\tthe language, when --lang is not given (ja* is Japanese, else English)\n" +
				"NO_COLOR\tno colours (https://no-color.org)\n" +
				"CLICOLOR_FORCE\tcolours even when the output is not a terminal (not 0)\n" +
				"CI\tautomation: plain lines, no prompts\n" +
				"TERM\tdumb gets plain lines, never the full-screen interface\n" +
				"RUNEWIDTH_EASTASIAN\t1 draws with ASCII symbols, 0 keeps the box-drawing ones\n" +
				"ACCESSIBLE\tprompts in their accessible mode, for screen readers\n" +
				"AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL\tas the AWS CLI reads them\n" +
				"KUBECONFIG\tthe kubeconfig files, as kubectl reads them\n" +
				"XRAY_WIZARD_STATE_DIR\twhere the practice world is kept, in place of $XDG_STATE_HOME/xray-wizard",
			"LANG, LC_ALL, LC_MESSAGES\t--lang がないときの言語 (ja で始まれば日本語、それ以外は英語)\n" +
				"NO_COLOR\t色を使わない (https://no-color.org)\n" +
				"CLICOLOR_FORCE\t出力が端末でなくても色を使う (0 以外)\n" +
				"CI\t自動実行: 1 行ずつの出力で、確認はしない\n" +
				"TERM\tdumb なら 1 行ずつの出力で、全画面表示にはしない\n" +
				"RUNEWIDTH_EASTASIAN\t1 なら ASCII の記号で描き、0 なら罫線の記号のまま\n" +
				"ACCESSIBLE\t確認をスクリーンリーダー向けのアクセシブルモードで行う\n" +
				"AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL\tAWS CLI と同じ意味\n" +
				"KUBECONFIG\tkubeconfig ファイル (kubectl と同じ意味)\n" +
				"XRAY_WIZARD_STATE_DIR\t練習用の環境の保存先 ($XDG_STATE_HOME/xray-wizard の代わり)",
		},
		HelpManExitList: {
			"0\tsuccess (doctor: no check failed)\n" +
				"1\ta step or a doctor check failed\n" +
				"2\tbad usage or configuration: one line on stderr, nothing was called\n" +
				"3\tchanges were planned but none made: no terminal to ask at and no -y\n" +
				"130\tinterrupted (ctrl+c, or you stopped it)",
			"0\t成功 (doctor: 失敗した確認なし)\n" +
				"1\tステップまたは doctor の確認が失敗\n" +
				"2\t使い方または設定の誤り: 標準エラーに 1 行。何も呼び出していない\n" +
				"3\t変更を計画したが実施していない: 確認できる端末がなく -y もない\n" +
				"130\t中断 (ctrl+c、または自分で止めた)",
		},
		HelpManUses: {"Global options it uses: %s", "使う共通オプション: %s"},
		HelpManFilesList: {
			"~/.aws/config, ~/.aws/credentials\tAWS profiles and credentials\n" +
				"~/.kube/config\tthe default kubeconfig\n" +
				"~/.local/state/xray-wizard/sandbox/world.json\tthe practice world kept between --sandbox runs\n" +
				"~/.config/xray-wizard/intro-seen\tthe opening screen was shown",
			"~/.aws/config, ~/.aws/credentials\tAWS のプロファイルと認証情報\n" +
				"~/.kube/config\t既定の kubeconfig\n" +
				"~/.local/state/xray-wizard/sandbox/world.json\t--sandbox の実行の間で保存される練習用の環境\n" +
				"~/.config/xray-wizard/intro-seen\t最初の画面を表示済み",
		},
	})
}
