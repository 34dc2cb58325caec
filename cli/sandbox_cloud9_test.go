package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/i18n"
)

func TestNewCmdSandboxCloud9Flags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want func(o *Cloud9Options) bool
	}{
		{"show", []string{"sandbox", "cloud9"}, ExitOK, func(o *Cloud9Options) bool { return o.Managed == "" && o.Lang == i18n.En }},
		{"off", []string{"sandbox", "cloud9", "--managed-credentials=off"}, ExitOK, func(o *Cloud9Options) bool { return o.Managed == "off" }},
		{"on, in Japanese", []string{"--lang", "ja", "sandbox", "cloud9", "--managed-credentials", "on"}, ExitOK,
			func(o *Cloud9Options) bool { return o.Managed == "on" && o.Lang == i18n.Ja }},
		{"neither on nor off", []string{"sandbox", "cloud9", "--managed-credentials=false"}, ExitUsage, nil},
		{"an argument", []string{"sandbox", "cloud9", "off"}, ExitUsage, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ios := testFactory(nil)
			var got *Cloud9Options
			root := NewCmdRoot(f, nil)
			for _, sub := range root.Commands() {
				if sub.Name() == "sandbox" {
					for _, r := range sub.Commands() {
						if r.Name() == "cloud9" {
							sub.RemoveCommand(r)
						}
					}
					sub.AddCommand(NewCmdSandboxCloud9(f, func(_ context.Context, o *Cloud9Options) error { got = o; return nil }))
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
				if c.name == "neither on nor off" && !strings.Contains(ios.ErrOut.(interface{ String() string }).String(), "must be on or off") {
					t.Errorf("stderr: %s", ios.ErrOut.(interface{ String() string }).String())
				}
				return
			}
			if got == nil || !c.want(got) {
				t.Errorf("options %+v", got)
			}
		})
	}
}
