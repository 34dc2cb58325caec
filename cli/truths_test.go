package cli

import (
	"bytes"
	"github.com/aws/aws-sdk-go-v2/aws"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// X-Ray's service names are case-sensitive: the help's examples use the
// sample app's real names and say so.
func TestFilterHelpUsesRealServiceNames(t *testing.T) {
	for _, args := range [][]string{{"traces", "--help"}, {"--help"}} {
		f, _ := testFactory(nil)
		cmd := NewCmdRoot(f, nil)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		help := out.String()
		if strings.Contains(help, `service("frontend")`) || !strings.Contains(help, `service("Frontend")`) || !strings.Contains(help, "case-sensitive") {
			t.Errorf("%v:\n%s", args, help)
		}
	}
}

// The doctor's command carries the flags that reach the same world.
func TestDoctorCommandCarriesTheRunsFlags(t *testing.T) {
	sh := &SharedOptions{Region: "eu-west-1", Context: "my ctx", LangFlag: "ja", Lang: i18n.Ja}
	o := steps.Options{Region: "eu-west-1", Context: "my ctx", Namespace: "xray", AppNamespace: "shop", Identity: steps.IdentityIRSA}
	env := steps.NewEnv(aws.Config{Region: "eu-west-1"}, nil, o)
	// The sandbox has one cluster in one region and no kubeconfig.
	if got, want := doctorCommand(sh, true, env), "xray-wizard doctor --sandbox --namespace xray --app-namespace shop --lang ja"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := doctorCommand(sh, false, env), "xray-wizard doctor --region eu-west-1 --context 'my ctx' --namespace xray --app-namespace shop --lang ja"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// Usage errors in a Japanese run are in Japanese.
func TestUsageErrorsInJapaneseFromTheCatalog(t *testing.T) {
	cases := map[string][]string{
		`--steps: "nope" というステップはありません`:                {"--steps", "oidc,nope"},
		"--steps: ステップが選ばれていません":                       {"--steps", ","},
		`--output "xml": text か json を指定してください`:        {"--output", "xml"},
		"--namespace を空にはできません":                        {"--namespace", " "},
		"--requests 0: 1 から 100000 の間にしてください":          {"--requests", "0"},
		"--since 0s: 0 より大きく":                          {"--since", "0s"},
		`--identity "x": irsa か pod-identity`:          {"--identity", "x"},
		`--tolerate "gpu": taint は kubectl taint と同じく`: {"--tolerate", "gpu"},
		`effect "NoRun" は NoSchedule`:                  {"--tolerate", "gpu:NoRun"},
		`"a b" は taint のキーになりません`:                      {"--tolerate", "a b=1:NoSchedule"},
		`"x/y" は taint の値になりません`:                       {"--tolerate", "gpu=x/y:NoSchedule"},
	}
	for want, args := range cases {
		f, ios := testFactory(map[string]string{"LANG": "ja_JP.UTF-8"})
		cmd := NewCmdRoot(f, nil)
		cmd.SetArgs(args)
		if code := execute(t.Context(), f, cmd); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
		if got := ios.ErrOut.(*bytes.Buffer).String(); !strings.Contains(got, want) {
			t.Errorf("%v: %q, want %q", args, got, want)
		}
	}
}
