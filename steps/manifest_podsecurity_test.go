package steps_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/xray-wizard/xray-wizard/steps"
)

// Both collectors' pod templates pass Pod Security's restricted profile,
// as Kubernetes' own checks judge it, run as the user their image is built
// for, and go only to Linux nodes (proven on a real API server in
// e2e/controlplane).
func TestManifestsPassRestrictedPodSecurity(t *testing.T) {
	eval, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		t.Fatal(err)
	}
	restricted := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	for collector, uid := range map[string]int64{steps.CollectorDaemon: 65532, steps.CollectorOtel: 10001} {
		objs, err := steps.LoadManifest(collector, "default", "us-west-2")
		if err != nil {
			t.Fatal(err)
		}
		var ds appsv1.DaemonSet
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(objs.DaemonSet.Map, &ds); err != nil {
			t.Fatal(err)
		}
		tmpl := ds.Spec.Template
		if res := policy.AggregateCheckResults(eval.EvaluatePod(restricted, &tmpl.ObjectMeta, &tmpl.Spec)); !res.Allowed {
			t.Errorf("%s: %s", collector, res.ForbiddenDetail())
		}
		if sc := tmpl.Spec.SecurityContext; sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != uid || sc.RunAsGroup == nil || *sc.RunAsGroup != uid {
			t.Errorf("%s: pod security context %+v, want user and group %d", collector, sc, uid)
		}
		for _, c := range tmpl.Spec.Containers {
			if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				t.Errorf("%s: container %s may write its root filesystem", collector, c.Name)
			}
		}
		if tmpl.Spec.NodeSelector["kubernetes.io/os"] != "linux" || tmpl.Spec.HostNetwork {
			t.Errorf("%s: node selector %v, hostNetwork %v", collector, tmpl.Spec.NodeSelector, tmpl.Spec.HostNetwork)
		}
	}
}
