package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/steps"
)

func TestNewCmdManifestFlags(t *testing.T) {
	cases := []struct {
		args                         []string
		env                          map[string]string
		code                         int
		collector, region, namespace string
	}{
		{[]string{"manifest", "--region", "eu-west-1"}, nil, ExitOK, "daemon", "eu-west-1", "default"},
		{[]string{"manifest", "--collector", "otel", "--region", "us-east-2", "--namespace", "tracing"}, nil, ExitOK, "otel", "us-east-2", "tracing"},
		{[]string{"manifest", "--collector", "otel"}, map[string]string{"AWS_REGION": "ap-northeast-1"}, ExitOK, "otel", "ap-northeast-1", "default"},
		{[]string{"manifest"}, nil, ExitUsage, "", "", ""},
		{[]string{"manifest", "--collector", "adot", "--region", "us-west-2"}, nil, ExitUsage, "", "", ""},
		{[]string{"manifest", "--region", "mars-1"}, nil, ExitUsage, "", "", ""},
	}
	for _, c := range cases {
		f, _ := testFactory(c.env)
		var got *ManifestOptions
		code := subcommand(t, f, func(sh *SharedOptions) *cobra.Command {
			return NewCmdManifest(f, sh, func(_ context.Context, o *ManifestOptions) error { got = o; return nil })
		}, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.code)
			continue
		}
		if c.code != ExitOK {
			if got != nil {
				t.Errorf("%v: ran despite bad usage", c.args)
			}
			continue
		}
		if got == nil || got.Collector != c.collector || got.Region != c.region || got.Shared.Namespace != c.namespace {
			t.Errorf("%v: options %+v", c.args, got)
		}
	}
}

// The printed YAML is the objects the daemonset step applies, for either
// collector: same Service name, the region and namespace written in.
func TestManifestPrintsWhatIsApplied(t *testing.T) {
	for _, collector := range steps.Collectors {
		f, ios := testFactory(nil)
		code := subcommand(t, f, func(sh *SharedOptions) *cobra.Command { return NewCmdManifest(f, sh, nil) },
			"manifest", "--collector", collector, "--region", "eu-central-1", "--namespace", "tracing")
		if code != ExitOK {
			t.Fatalf("%s: exit %d", collector, code)
		}
		out := ios.Out.(*bytes.Buffer).String()
		want, err := steps.LoadManifest(collector, "tracing", "eu-central-1")
		if err != nil {
			t.Fatal(err)
		}
		y, _ := want.ManifestYAML()
		if out != y {
			t.Errorf("%s: printed\n%s\nwant\n%s", collector, out, y)
		}
		docs := strings.Split(out, "---\n")
		var svc struct {
			Metadata struct{ Name, Namespace string }
		}
		if len(docs) != 3 || yaml.Unmarshal([]byte(docs[1]), &svc) != nil || svc.Metadata.Name != steps.ServiceName || svc.Metadata.Namespace != "tracing" {
			t.Errorf("%s: the Service is %+v", collector, svc)
		}
		if !strings.Contains(out, `eu-central-1`) || strings.Contains(out, "us-west-2") {
			t.Errorf("%s: the region is not written in:\n%s", collector, out)
		}
	}
	var u *usageError
	if err := checkCollector("xray"); !errors.As(err, &u) {
		t.Errorf("checkCollector(xray) = %v, want a usage error", err)
	}
}

// --tolerate and --tolerate-all print the tolerations the daemonset step
// adds with the same flags.
func TestManifestPrintsTolerations(t *testing.T) {
	for _, args := range [][]string{{"--tolerate", "nvidia.com/gpu=true:NoSchedule"}, {"--tolerate-all"}} {
		f, ios := testFactory(nil)
		code := subcommand(t, f, func(sh *SharedOptions) *cobra.Command { return NewCmdManifest(f, sh, nil) },
			append([]string{"manifest", "--region", "eu-central-1"}, args...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		var ds struct {
			Spec struct {
				Template struct {
					Spec struct {
						Tolerations []map[string]string
					}
				}
			}
		}
		docs := strings.Split(ios.Out.(*bytes.Buffer).String(), "---\n")
		if err := yaml.Unmarshal([]byte(docs[len(docs)-1]), &ds); err != nil {
			t.Fatal(err)
		}
		tol := ds.Spec.Template.Spec.Tolerations
		want := map[string]string{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}
		if args[0] == "--tolerate-all" {
			want = map[string]string{"operator": "Exists"}
		}
		if len(tol) != 1 || fmt.Sprint(tol[0]) != fmt.Sprint(want) {
			t.Errorf("%v: tolerations %v, want %v", args, tol, want)
		}
	}
}
