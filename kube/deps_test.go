package kube_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The wizard links the three API groups it uses and none of client-go's
// all-groups packages: each linked group registers its types when the
// program starts, and all sixty of them doubled the memory of a short
// command (xray-wizard traces). Two more come with the practice sandbox's
// Pod Security admission, which runs Kubernetes' own checks
// (k8s.io/pod-security-admission): their API takes admission requests,
// which carry authentication's user info. With the checks they cost about
// half a megabyte of a short command's memory (xray-wizard version, peak
// RSS: 26.4 → 26.9 MB) and 0.4 MB of binary.
func TestWizardLinksOnlyTheAPIGroupsItUses(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/xray-wizard/xray-wizard").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var groups []string
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"k8s.io/client-go/kubernetes", "k8s.io/client-go/informers",
			"k8s.io/client-go/applyconfigurations", "k8s.io/client-go/discovery"} {
			if pkg == banned || strings.HasPrefix(pkg, banned+"/") {
				t.Errorf("the wizard links %s", pkg)
			}
		}
		if strings.HasPrefix(pkg, "k8s.io/api/") {
			groups = append(groups, pkg)
		}
	}
	slices.Sort(groups)
	if want := "k8s.io/api/admission/v1 k8s.io/api/apps/v1 k8s.io/api/authentication/v1 k8s.io/api/core/v1 k8s.io/api/rbac/v1"; strings.Join(groups, " ") != want {
		t.Errorf("API groups linked: %v, want %s", groups, want)
	}
}
