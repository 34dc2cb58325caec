package doctor

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// read gathers the facts; what cannot be read is kept as an error for the
// checks that need it.
func (d *dx) read(ctx context.Context) {
	env := d.env
	d.id, d.idErr = env.Identity(ctx)
	if d.idErr == nil {
		_, err := env.IAM.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		d.iamErr = err
		if err == nil {
			if d.irsa, d.irsaErr = steps.ReadIRSA(ctx, env); d.irsaErr != nil {
				d.readOIDCAlone(ctx)
			}
		} else {
			d.irsaErr = env.AWSError("iam:ListOpenIDConnectProviders", err)
		}
	} else {
		d.irsaErr = d.idErr
	}
	if err := env.NeedKube(); err != nil {
		d.kubeErr = err
		return
	}
	v, err := env.Kube.Discovery().ServerVersion(ctx)
	if err != nil {
		d.kubeErr = env.KubeError("get", "/version", err)
		return
	}
	d.version = v.GitVersion
	if groups, err := env.Kube.Discovery().ServerGroups(ctx); err == nil {
		for _, g := range groups.Groups {
			if g.Name == "rbac.authorization.k8s.io" {
				d.v1beta1RBAC = slices.ContainsFunc(g.Versions, func(v metav1.GroupVersionForDiscovery) bool { return v.Version == "v1beta1" })
			}
		}
	}
	kc := env.Kube
	d.readCollector(ctx)
	if !d.none {
		c := d.names()
		if cm, err := kc.CoreV1().ConfigMaps(d.ns).Get(ctx, c.ConfigMap, metav1.GetOptions{}); d.keep(ctx, "configmap/"+c.ConfigMap, err) {
			d.cm = cm
		}
		if pods, err := kc.CoreV1().Pods(d.ns).List(ctx, metav1.ListOptions{LabelSelector: c.Label()}); d.keep(ctx, d.readPods(), err) {
			d.pods = byName(pods.Items, func(p corev1.Pod) string { return p.Name })
		}
	}
	for _, p := range d.pods {
		d.logs[p.Name] = d.podLog(ctx, p)
	}
	if deps, err := kc.AppsV1().Deployments(d.appNS).List(ctx, metav1.ListOptions{}); d.keep(ctx, readDeployments, err) {
		d.deps = byName(deps.Items, func(d appsv1.Deployment) string { return d.Name })
	}
	if pods, err := kc.CoreV1().Pods(d.appNS).List(ctx, metav1.ListOptions{}); d.keep(ctx, readAppPods, err) {
		d.appPods = byName(pods.Items, func(p corev1.Pod) string { return p.Name })
	}
}

// What the lists read are called in readErr (the collector's pods:
// readPods).
const (
	readDeployments = "deployments"
	readAppPods     = "pods"
)

// keep reports whether a read found its object; an object that is not
// there is no error, and any other failure (403, a timeout) is kept as why
// what could not be read.
func (d *dx) keep(ctx context.Context, what string, err error) bool {
	switch {
	case err == nil:
		return true
	case !apierrors.IsNotFound(err):
		verb := "get"
		if !strings.Contains(what, "/") {
			verb = "list"
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = &flow.Error{Err: err, Cause: d.t(i18n.MsgTimedOut)}
		}
		d.readErr[what] = d.env.KubeError(verb, what, err)
	}
	return false
}

// unread is the first of whats that could not be read, if any.
func (d *dx) unread(whats ...string) (string, error) {
	for _, w := range whats {
		if err := d.readErr[w]; err != nil {
			return w, err
		}
	}
	return "", nil
}

// cannotRead is the finding of a check whose input could not be read: it
// says so, and never that the thing is not there.
func (d *dx) cannotRead(what, ns string, err error) flow.Finding {
	return d.cannotReadWith(what, "kubectl get -n "+ns+" "+what, err)
}

// cannotReadWith is cannotRead with the command that shows it.
func (d *dx) cannotReadWith(what, cmd string, err error) flow.Finding {
	cause, fix := err.Error(), d.t(i18n.DxCannotReadFix, what)
	var fe *flow.Error
	if errors.As(err, &fe) {
		cause = fe.Cause
		if fe.Fix != "" {
			fix = fe.Fix
		}
	}
	return bad(flow.CheckFail, d.t(i18n.DxCannotRead, what, cause), fix, cmd)
}

// oidcView is the cluster's OIDC provider as IAM has it.
type oidcView struct {
	cluster, issuer, provider string
	ok                        bool
}

// readOIDCAlone reads the OIDC provider from AWS only, for the oidc check
// when IRSA could not be read as a whole (its service account is on a
// cluster that did not answer).
func (d *dx) readOIDCAlone(ctx context.Context) {
	env := d.env
	provider, c, err := env.ProviderARN(ctx)
	if err != nil {
		return
	}
	_, err = env.IAM.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provider)})
	if err != nil && !steps.IsCode(err, "NoSuchEntity") {
		return
	}
	d.oidcAlone = &oidcView{cluster: c.Name, issuer: c.Issuer, provider: provider, ok: err == nil}
}

// byName sorts what a list returned by name, as an API server lists it,
// so the evidence reads the same on every run.
func byName[T any](items []T, name func(T) string) []T {
	slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	return items
}

// podLogs ranges over the collector pods' logs in the order of their names.
func (d *dx) podLogs() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, pod := range slices.Sorted(maps.Keys(d.logs)) {
			if !yield(pod, d.logs[pod]) {
				return
			}
		}
	}
}

// podLog is a collector pod's log: the earlier run's, then the current one's.
func (d *dx) podLog(ctx context.Context, p corev1.Pod) string {
	if d.env.PodLog != nil {
		return d.env.PodLog(ctx, p.Namespace, p.Name)
	}
	tail := int64(200)
	var parts []string
	for _, prev := range []bool{true, false} {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		b, err := d.env.Kube.CoreV1().Pods(p.Namespace).Logs(lctx, p.Name, &corev1.PodLogOptions{TailLines: &tail, Previous: prev})
		cancel()
		if err == nil {
			parts = append(parts, string(b))
		}
	}
	return strings.Join(parts, "\n")
}
