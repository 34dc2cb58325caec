package i18n

// Keys of the sample app's presence: the no-app failure mode, the doctor's
// app check, and sandbox deploy-app.
const (
	BreakNoApp Key = "break.no_app"

	DxTitleApp             Key = "dx.app"
	DxAppOK                Key = "dx.app_ok"
	DxAppNotThere          Key = "dx.app_not_there"
	DxAppNoNamespace       Key = "dx.app_no_namespace"
	DxAppFound             Key = "dx.app_found"
	DxAppFoundNothing      Key = "dx.app_found_nothing"
	DxAppElsewhere         Key = "dx.app_elsewhere"
	DxAppElsewhereEvidence Key = "dx.app_elsewhere_evidence"
	DxAppElsewhereFix      Key = "dx.app_elsewhere_fix"
	DxAppDeployFix         Key = "dx.app_deploy_fix"
	DxAppDeploySandboxFix  Key = "dx.app_deploy_sandbox_fix"
	DxAppNotLooked         Key = "dx.app_not_looked"

	DeployAppDone Key = "deploy_app.done"
	DeployAppNext Key = "deploy_app.next"
)

func init() {
	add(map[Key]entry{
		BreakNoApp: {"the sample app taken out of its namespace (kubectl delete -f): the namespace is there, empty",
			"サンプルアプリを名前空間から削除 (kubectl delete -f): 名前空間はあるが中は空"},

		DxTitleApp: {"The sample app", "サンプルアプリ"},
		DxAppOK:    {"namespace %s has %d deployments", "名前空間 %s に Deployment が %d 個あります"},
		DxAppNotThere: {"no app in namespace %s: it has no deployments",
			"名前空間 %s にアプリがありません: Deployment がひとつもありません"},
		DxAppNoNamespace: {"no app: namespace %s does not exist", "アプリがありません: 名前空間 %s が存在しません"},
		DxAppFound:       {"namespace %s holds: %s", "名前空間 %s にあるもの: %s"},
		DxAppFoundNothing: {"namespace %s holds no deployments, services or pods",
			"名前空間 %s には Deployment も Service も Pod もありません"},
		DxAppElsewhere: {"no app in namespace %s; the app seems to live in namespace %s",
			"名前空間 %s にアプリがありません。アプリは名前空間 %s にあるようです"},
		DxAppElsewhereEvidence: {"namespace %s: %s set AWS_XRAY_DAEMON_ADDRESS", "名前空間 %s: %s が AWS_XRAY_DAEMON_ADDRESS を設定しています"},
		DxAppElsewhereFix: {"Look at the app where it is: give the doctor and the wizard --app-namespace %s.",
			"アプリのある場所を見てください: doctor とウィザードに --app-namespace %s を付けます。"},
		DxAppDeployFix: {"Deploy the sample app (frontend, prodcatalog, proddetail) into namespace %s with the workshop's earlier lab, then check it is there; if your app lives in another namespace, give that one with --app-namespace.",
			"ワークショップの前のラボでサンプルアプリ (frontend、prodcatalog、proddetail) を名前空間 %s にデプロイし、そこにあるか確認してください。アプリが別の名前空間にあるなら、それを --app-namespace で指定します。"},
		DxAppDeploySandboxFix: {"Deploy the sample app into the practice world, as the workshop's earlier lab does.",
			"ワークショップの前のラボと同じように、練習用の環境にサンプルアプリをデプロイしてください。"},
		DxAppNotLooked: {"no app in namespace %s: see the app check", "名前空間 %s にアプリがありません: app の確認を参照"},

		DeployAppDone: {"The sample app is deployed in namespace %s of the practice world.",
			"練習用の環境の名前空間 %s にサンプルアプリをデプロイしました。"},
		DeployAppNext: {"Now: %s", "次に: %s"},
	})
}
