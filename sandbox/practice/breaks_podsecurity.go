package practice

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// enforceLabel is the namespace label by which Pod Security admission
// enforces a level.
const enforceLabel = "pod-security.kubernetes.io/enforce"

// managerLabel is the field manager of `kubectl label`.
const managerLabel = "kubectl-label"

// podSecurity: the daemon's namespace enforces Pod Security's restricted
// level (a cluster admin's `kubectl label ns`), and the daemon was deployed
// again from a manifest whose pod template is the lab's: no security
// context at all. The API server refuses every pod of it, and the
// DaemonSet controller says why only in its FailedCreate events.
func (b *breaker) podSecurity(ctx context.Context) error {
	if err := b.labelNamespace(ctx, "restricted"); err != nil {
		return err
	}
	ds, err := daemonSet(ctx, b.kc, b.ns)
	if err != nil {
		return err
	}
	// kubectl delete -f, then kubectl apply -f of the lab's manifest: the
	// same DaemonSet, without the wizard's security context.
	lab := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: ds.Name, Namespace: ds.Namespace, Labels: map[string]string{"app": ds.Labels["app"]}},
		Spec:       *ds.Spec.DeepCopy(),
	}
	spec := &lab.Spec.Template.Spec
	spec.SecurityContext = nil
	for i := range spec.Containers {
		spec.Containers[i].SecurityContext = nil
	}
	// As kubectl delete --cascade=foreground: the pods go first.
	if err := b.kc.AppsV1().DaemonSets(b.ns).Delete(ctx, ds.Name, metav1.DeleteOptions{}); err != nil {
		return err
	}
	if err := b.waitNoPods(ctx, "app="+ds.Labels["app"]); err != nil {
		return err
	}
	_, err = b.kc.AppsV1().DaemonSets(b.ns).Create(ctx, lab, metav1.CreateOptions{FieldManager: managerApply})
	return err
}

// labelNamespace sets (or with "" removes) the daemon's namespace's
// enforced Pod Security level, as `kubectl label ns` does.
func (b *breaker) labelNamespace(ctx context.Context, level string) error {
	nss := b.kc.CoreV1().Namespaces()
	ns, err := nss.Get(ctx, b.ns, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if ns.Labels[enforceLabel] == level {
		return nil
	}
	if level == "" {
		delete(ns.Labels, enforceLabel)
	} else {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[enforceLabel] = level
	}
	_, err = nss.Update(ctx, ns, metav1.UpdateOptions{FieldManager: managerLabel})
	return err
}

// refused: the DaemonSet controller cannot create the DaemonSet's pods
// (a FailedCreate event since its spec last changed, and no pod since),
// which is as far as its pods get.
func refused(ctx context.Context, kc kube.Interface, ds *appsv1.DaemonSet, pods []corev1.Pod) bool {
	var mine []*corev1.Pod
	for i := range pods {
		if ref := metav1.GetControllerOf(&pods[i]); ref != nil && ref.UID == ds.UID {
			mine = append(mine, &pods[i])
		}
	}
	since := steps.NotCreatedSince(ds, mine)
	events, err := kc.CoreV1().Events(ds.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false
	}
	for _, e := range events.Items {
		if e.Reason == "FailedCreate" && e.InvolvedObject.Kind == "DaemonSet" && e.InvolvedObject.Name == ds.Name &&
			!e.LastTimestamp.Time.Before(since.Truncate(time.Second)) {
			return true
		}
	}
	return false
}

// waitNoPods waits until no pod of the daemon's namespace matches sel.
func (b *breaker) waitNoPods(ctx context.Context, sel string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		pods, err := b.kc.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return err
		}
		if len(pods.Items) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the pods of %s (%s) did not go: %w", b.ns, sel, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
