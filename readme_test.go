package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/steps"
)

// The README's screens are golden views, as captured: a golden that
// changes takes its README excerpt with it, since every picture must be
// one of the goldens to the letter.
func TestReadmeScreensAreTheGoldens(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "\n## Screens")
	section, _, _ := strings.Cut(after, "\n## ")
	blocks := strings.Split(section, "```")
	goldens := map[string]string{}
	err = filepath.WalkDir("ui/testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden") {
			return err
		}
		g, err := os.ReadFile(path)
		goldens[strings.Trim(string(g), "\n")] = path
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for i := 1; i < len(blocks); i += 2 {
		shown++
		pic := strings.Trim(blocks[i], "\n")
		if _, ok := goldens[pic]; !ok {
			first, _, _ := strings.Cut(strings.TrimSpace(pic), "\n")
			t.Errorf("README's picture %d (%q…) is none of the goldens in ui/testdata: copy it from its golden", shown, first)
		}
	}
	if shown < 3 {
		t.Errorf("README's Screens shows %d pictures, want at least the confirmation, the pods and the final screen", shown)
	}
}

// The README's Clusters section says what the manifests `xray-wizard
// manifest` prints do: each collector's user, Linux nodes only, Fargate
// left out by node affinity.
func TestReadmeClustersIsTheManifests(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "\n## Clusters")
	section, _, _ := strings.Cut(after, "\n## ")
	section = strings.Join(strings.Fields(section), " ")
	for collector, who := range map[string]string{steps.CollectorDaemon: "the daemon", steps.CollectorOtel: "the Collector"} {
		objs, err := steps.LoadManifest(collector, "default", "us-west-2")
		if err != nil {
			t.Fatal(err)
		}
		var ds appsv1.DaemonSet
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(objs.DaemonSet.Map, &ds); err != nil {
			t.Fatal(err)
		}
		spec := ds.Spec.Template.Spec
		if spec.SecurityContext == nil || spec.SecurityContext.RunAsUser == nil {
			t.Fatalf("%s: no user", collector)
		}
		if want := fmt.Sprintf("%s %d", who, *spec.SecurityContext.RunAsUser); !strings.Contains(section, want) {
			t.Errorf("the Clusters section does not say %q", want)
		}
		aff := spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0]
		for _, want := range []string{
			fmt.Sprintf("nodeSelector kubernetes.io/os: %s", spec.NodeSelector["kubernetes.io/os"]),
			fmt.Sprintf("%s %s %s", aff.Key, aff.Operator, strings.Join(aff.Values, ",")),
		} {
			if !strings.Contains(strings.ReplaceAll(section, "`", ""), want) {
				t.Errorf("the Clusters section does not say %q", want)
			}
		}
	}
}
