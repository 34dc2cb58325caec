package cli

import (
	"testing"

	"github.com/xray-wizard/xray-wizard/i18n"
)

func TestNewCmdSandboxDeployAppFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want func(o *DeployAppOptions) bool
	}{
		{"as the doctor prints it", []string{"sandbox", "deploy-app"}, ExitOK,
			func(o *DeployAppOptions) bool { return o.AppNamespace == "workshop" && o.Lang == i18n.En }},
		{"another namespace, in Japanese", []string{"--lang", "ja", "sandbox", "deploy-app", "--app-namespace", "shop"}, ExitOK,
			func(o *DeployAppOptions) bool { return o.AppNamespace == "shop" && o.Lang == i18n.Ja }},
		{"bad --app-namespace", []string{"sandbox", "deploy-app", "--app-namespace", "Not_OK"}, ExitUsage, nil},
		{"an argument", []string{"sandbox", "deploy-app", "frontend"}, ExitUsage, nil},
		{"a flag it does not use", []string{"sandbox", "deploy-app", "--cluster", "x"}, ExitUsage, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ios := testFactory(nil)
			checkSandboxSub(t, f, ios, "deploy-app", NewCmdSandboxDeployApp, c.args, c.code, c.want)
		})
	}
}
