package cli

import (
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
			checkSandboxSub(t, f, ios, "cloud9", NewCmdSandboxCloud9, c.args, c.code, c.want)
		})
	}
}
