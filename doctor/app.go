package doctor

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// app: the app is where the doctor looks for it (--app-namespace, default
// workshop): that namespace has Deployments. When it has none, it says
// what it found there, and whether Deployments in another namespace send
// to an X-Ray daemon (AWS_XRAY_DAEMON_ADDRESS): the app seems to live
// there, and the doctor and the wizard need --app-namespace.
func (d *dx) app(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread(readDeployments); err != nil {
		return d.cannotRead(what, d.appNS, err)
	}
	if len(d.deps) > 0 {
		var names []string
		for _, dep := range d.deps {
			names = append(names, "deployment/"+dep.Name)
		}
		return ok(d.t(i18n.DxAppOK, d.appNS, len(d.deps)), strings.Join(names, ", "))
	}
	kc := d.env.Kube
	var ev []string
	_, err := kc.CoreV1().Namespaces().Get(ctx, d.appNS, metav1.GetOptions{})
	// (Reading namespaces may not be allowed: then what is in it says
	// enough.)
	missing := apierrors.IsNotFound(err)
	if missing {
		ev = append(ev, d.t(i18n.DxNotFound, "namespace/"+d.appNS))
	} else {
		ev = append(ev, d.inNamespace(ctx))
	}
	if ns, deps := d.appElsewhere(ctx); ns != "" {
		ev = append(ev, d.t(i18n.DxAppElsewhereEvidence, ns, strings.Join(deps, ", ")))
		return bad(flow.CheckFail, d.t(i18n.DxAppElsewhere, d.appNS, ns), d.t(i18n.DxAppElsewhereFix, ns), d.commandIn(ns, "doctor"), ev...)
	}
	summary := d.t(i18n.DxAppNotThere, d.appNS)
	if missing {
		summary = d.t(i18n.DxAppNoNamespace, d.appNS)
	}
	if d.sandbox {
		cmd := "xray-wizard sandbox deploy-app"
		if d.appNS != "workshop" {
			cmd += " --app-namespace " + shellQuote(d.appNS)
		}
		return bad(flow.CheckFail, summary, d.t(i18n.DxAppDeploySandboxFix), cmd, ev...)
	}
	return bad(flow.CheckFail, summary, d.t(i18n.DxAppDeployFix, d.appNS), "kubectl get deployments,services -n "+d.appNS, ev...)
}

// inNamespace says what the app's namespace holds besides Deployments:
// its Services and how many pods.
func (d *dx) inNamespace(ctx context.Context) string {
	var held []string
	if svcs, err := d.env.Kube.CoreV1().Services(d.appNS).List(ctx, metav1.ListOptions{}); err == nil {
		for _, s := range byName(svcs.Items, func(s corev1.Service) string { return s.Name }) {
			held = append(held, "service/"+s.Name)
		}
	}
	if pods, err := d.env.Kube.CoreV1().Pods(d.appNS).List(ctx, metav1.ListOptions{}); err == nil && len(pods.Items) > 0 {
		held = append(held, fmt.Sprintf("%d pods", len(pods.Items)))
	}
	if len(held) == 0 {
		return d.t(i18n.DxAppFoundNothing, d.appNS)
	}
	return d.t(i18n.DxAppFound, d.appNS, strings.Join(held, ", "))
}

// appElsewhere is the namespace, other than the one looked at, whose
// Deployments most often set AWS_XRAY_DAEMON_ADDRESS (an app instrumented
// for X-Ray), and those Deployments; "" when none does, or the cluster's
// Deployments cannot be listed.
func (d *dx) appElsewhere(ctx context.Context) (string, []string) {
	all, err := d.env.Kube.AppsV1().Deployments(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", nil
	}
	by := map[string][]string{}
	for _, dep := range all.Items {
		if dep.Namespace == d.appNS {
			continue
		}
		if _, set := envOf(dep.Spec.Template.Spec.Containers, "AWS_XRAY_DAEMON_ADDRESS"); set {
			by[dep.Namespace] = append(by[dep.Namespace], "deployment/"+dep.Name)
		}
	}
	best := ""
	for _, ns := range slices.Sorted(maps.Keys(by)) {
		if best == "" || len(by[ns]) > len(by[best]) {
			best = ns
		}
	}
	if best == "" {
		return "", nil
	}
	slices.Sort(by[best])
	return best, by[best]
}
