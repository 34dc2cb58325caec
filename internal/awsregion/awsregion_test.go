package awsregion

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The generated list is the SDK's partition data, for the SDK version in
// go.mod: after an SDK update this fails until go generate runs again.
func TestGeneratedListIsTheSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}|{{.Version}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), "|")
	if version != sdkVersion {
		t.Errorf("regions_gen.go is from the SDK %s, go.mod has %s: run go generate ./internal/awsregion", sdkVersion, version)
	}
	data, err := os.ReadFile(filepath.Join(dir, "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Partitions []struct {
			ID      string                     `json:"id"`
			Regions map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, p := range doc.Partitions {
		for r := range p.Regions {
			if !strings.HasSuffix(r, "-global") {
				want[r] = p.ID
			}
		}
	}
	for r, p := range want {
		if partitionOf[r] != p {
			t.Errorf("%s: generated %q, partitions.json %q", r, partitionOf[r], p)
		}
	}
	for r := range partitionOf {
		if _, ok := want[r]; !ok {
			t.Errorf("%s is generated but not in partitions.json", r)
		}
	}
	if len(want) < 30 {
		t.Errorf("only %d regions in %s", len(want), dir)
	}
}

func TestKnown(t *testing.T) {
	for r, want := range map[string]bool{"us-west-2": true, "cn-north-1": true, "us-gov-west-1": true,
		"us-west-99": false, "aws-global": false, "": false, "US-WEST-2": false} {
		if Known(r) != want {
			t.Errorf("Known(%q) = %v", r, !want)
		}
	}
	if Partition("cn-north-1") != "aws-cn" || Partition("eu-west-1") != "aws" {
		t.Error("partitions")
	}
}
