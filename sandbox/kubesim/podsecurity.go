package kubesim

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Pod Security admission, as the API server runs it: a namespace labelled
// pod-security.kubernetes.io/enforce=LEVEL (and -version) admits only the
// pods that pass that level, judged by Kubernetes' own checks, and refuses
// the others with the API server's words. The DaemonSet controller then
// records them as FailedCreate events.

// podSecurity judges pods with the checks of the Kubernetes this cluster
// runs.
var podSecurity = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		panic(err)
	}
	return e
}()

// admitPodSecurity refuses a pod its namespace's enforced level does not
// admit: Forbidden, `pods "NAME" is forbidden: violates PodSecurity
// "restricted:latest": ...`, as kube-apiserver says it. Labels that do not
// parse fall back to the defaults (privileged), as the admission does.
func (s *APIServer) admitPodSecurity(p *corev1.Pod) error {
	obj, err := s.cs.Tracker().Get(corev1.SchemeGroupVersion.WithResource("namespaces"), "", p.Namespace)
	if err != nil {
		return nil
	}
	ns := obj.(*corev1.Namespace)
	defaults := psapi.Policy{
		Enforce: psapi.LevelVersion{Level: psapi.LevelPrivileged, Version: psapi.LatestVersion()},
		Audit:   psapi.LevelVersion{Level: psapi.LevelPrivileged, Version: psapi.LatestVersion()},
		Warn:    psapi.LevelVersion{Level: psapi.LevelPrivileged, Version: psapi.LatestVersion()},
	}
	pol, _ := psapi.PolicyToEvaluate(ns.Labels, defaults)
	if pol.Enforce.Level == psapi.LevelPrivileged {
		return nil
	}
	res := policy.AggregateCheckResults(podSecurity.EvaluatePod(pol.Enforce, &p.ObjectMeta, &p.Spec))
	if res.Allowed {
		return nil
	}
	return apierrors.NewForbidden(corev1.Resource("pods"), p.Name,
		fmt.Errorf("violates PodSecurity %q: %s", pol.Enforce.String(), res.ForbiddenDetail()))
}
