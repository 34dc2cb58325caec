package cli

import (
	"context"
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
			var got *DeployAppOptions
			root := NewCmdRoot(f, nil)
			for _, sub := range root.Commands() {
				if sub.Name() == "sandbox" {
					for _, r := range sub.Commands() {
						if r.Name() == "deploy-app" {
							sub.RemoveCommand(r)
						}
					}
					sub.AddCommand(NewCmdSandboxDeployApp(f, func(_ context.Context, o *DeployAppOptions) error { got = o; return nil }))
				}
			}
			root.SetArgs(c.args)
			if code := execute(context.Background(), f, root); code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, ios.ErrOut.(interface{ String() string }).String())
			}
			if c.want == nil {
				if got != nil {
					t.Error("ran")
				}
				return
			}
			if got == nil || !c.want(got) {
				t.Errorf("options %+v", got)
			}
		})
	}
}
