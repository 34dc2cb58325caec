package practice

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox"
)

// The sample app in the practice world: deployed as the workshop's
// earlier lab deploys it (its manifests applied with kubectl), and taken
// away as `kubectl delete -f` of them would.

// DeployApp deploys the workshop's sample app into namespace ns as the
// workshop's earlier lab does, `kubectl apply -f` of its manifests: the
// namespace if it is missing, and each Deployment and Service of the app
// that is not there; what is there stays as it is. It waits until the
// app's pods are up, and returns what kubectl would print.
func DeployApp(ctx context.Context, kc kube.Interface, ns string) ([]string, error) {
	var out []string
	if _, err := kc.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		if _, err := kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
			Labels: map[string]string{"kubernetes.io/metadata.name": ns}}}, metav1.CreateOptions{FieldManager: managerApply}); err != nil {
			return out, err
		}
		// The service account controller gives every namespace its
		// default ServiceAccount, which the app's pods run as.
		if _, err := kc.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}},
			metav1.CreateOptions{FieldManager: "kube-controller-manager"}); err != nil && !apierrors.IsAlreadyExists(err) {
			return out, err
		}
		out = append(out, fmt.Sprintf("namespace/%s created", ns))
	} else if err != nil {
		return out, err
	}
	deps, svcs := sandbox.SampleApp(ns)
	create := metav1.CreateOptions{FieldManager: managerApply}
	for _, d := range deps {
		_, err := kc.AppsV1().Deployments(ns).Create(ctx, d, create)
		switch {
		case err == nil:
			out = append(out, fmt.Sprintf("deployment.apps/%s created", d.Name))
		case apierrors.IsAlreadyExists(err):
			out = append(out, fmt.Sprintf("deployment.apps/%s unchanged", d.Name))
		default:
			return out, err
		}
	}
	for _, s := range svcs {
		_, err := kc.CoreV1().Services(ns).Create(ctx, s, create)
		switch {
		case err == nil:
			out = append(out, fmt.Sprintf("service/%s created", s.Name))
		case apierrors.IsAlreadyExists(err):
			out = append(out, fmt.Sprintf("service/%s unchanged", s.Name))
		default:
			return out, err
		}
	}
	return out, WaitSettled(ctx, kc, ns)
}

// appMissing reports whether namespace ns lacks any Deployment of the
// sample app.
func appMissing(ctx context.Context, kc kube.Interface, ns string) (bool, error) {
	deps, _ := sandbox.SampleApp(ns)
	for _, d := range deps {
		if _, err := kc.AppsV1().Deployments(ns).Get(ctx, d.Name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
			return true, nil
		} else if err != nil {
			return false, err
		}
	}
	return false, nil
}

// noApp: the sample app taken out of its namespace, as `kubectl delete -f`
// of its manifests (or helm uninstall) leaves it; the namespace stays,
// empty. It waits until the app's pods are gone.
func (b *breaker) noApp(ctx context.Context) error {
	deps, svcs := sandbox.SampleApp(b.appNS)
	var names []string
	for _, d := range deps {
		names = append(names, d.Name)
		if err := b.kc.AppsV1().Deployments(b.appNS).Delete(ctx, d.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	for _, s := range svcs {
		if err := b.kc.CoreV1().Services(b.appNS).Delete(ctx, s.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	req, err := labels.NewRequirement("app", selection.In, names)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		pods, err := b.kc.CoreV1().Pods(b.appNS).List(ctx, metav1.ListOptions{LabelSelector: labels.NewSelector().Add(*req).String()})
		if err != nil {
			return err
		}
		if len(pods.Items) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the sample app's pods in %s did not go: %w", b.appNS, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// healAppDeployed deploys the sample app again if an earlier break took it
// away: the wizard's app step needs it.
func (b *breaker) healAppDeployed(ctx context.Context) error {
	missing, err := appMissing(ctx, b.kc, b.appNS)
	if err != nil || !missing {
		return err
	}
	_, err = DeployApp(ctx, b.kc, b.appNS)
	return err
}
