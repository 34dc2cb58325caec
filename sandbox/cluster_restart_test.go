package sandbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	k8stesting "k8s.io/client-go/testing"

	"github.com/xray-wizard/xray-wizard/kube"
)

// A pod deleted and made again under the same name before its kubelet
// looked (a second delete removes a pod at once; a controller may reuse a
// name) is a new pod: it starts from the beginning and gets Ready, however
// the kubelet's wake-ups for the old one and the new one fall. The
// kubelet's queue keeps one delay per pod name, the soonest: a wake-up
// asked for later must not be lost in it.
func TestClusterPodRemadeUnderItsName(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{PodStartDelay: 400 * time.Millisecond})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	pod := func(name string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}, Spec: corev1.PodSpec{
			ServiceAccountName: "default", Containers: []corev1.Container{{Name: "c", Image: "busybox", Command: []string{"sleep", "infinity"}}}}}
	}
	now := metav1.DeleteOptions{GracePeriodSeconds: new(int64)}
	// Twelve pods, each made again at another moment of its life:
	// starting, Ready, or Terminating.
	var all []string
	for i := range 12 {
		name := fmt.Sprintf("p%d", i)
		all = append(all, name)
		if _, err := cs.CoreV1().Pods("default").Create(ctx, pod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	first := map[string]string{}
	for i, name := range all {
		time.Sleep(time.Duration(i%4) * 150 * time.Millisecond)
		old, err := cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		first[name] = string(old.UID)
		if i%3 == 2 {
			// Terminating first, as the controllers delete.
			if err := cs.CoreV1().Pods("default").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := cs.CoreV1().Pods("default").Delete(ctx, name, now); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CoreV1().Pods("default").Create(ctx, pod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		if t.Failed() {
			for _, name := range all {
				p, err := o.pods.Pods("default").Get(name)
				if err != nil {
					t.Logf("%s: %v", name, err)
					continue
				}
				t.Logf("%s uid=%s first=%s ready=%v del=%v phase=%s node=%q start=%v", name, p.UID, first[name], kube.PodReady(p), p.DeletionTimestamp, p.Status.Phase, p.Spec.NodeName, p.Status.StartTime)
			}
		}
	}()
	o.waitFor(t, "every pod made again Ready", 10*time.Second, func() bool {
		for _, name := range all {
			p, err := o.pods.Pods("default").Get(name)
			if err != nil || string(p.UID) == first[name] || !kube.PodReady(p) || p.DeletionTimestamp != nil {
				return false
			}
		}
		return true
	})
	// And a pod deleted while it starts goes, whenever its start was due.
	for i := range 6 {
		name := fmt.Sprintf("q%d", i)
		if _, err := cs.CoreV1().Pods("default").Create(ctx, pod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(i) * 80 * time.Millisecond)
		if err := cs.CoreV1().Pods("default").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	o.waitFor(t, "the pods deleted while starting gone", 10*time.Second, func() bool {
		pods, _ := o.pods.Pods("default").List(labels.Everything())
		return !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return strings.HasPrefix(p.Name, "q") })
	})
}

// A cluster restored from a saved world does not draw the pod names the
// run that saved it drew: those pods were deleted moments before, and a
// real API server all but never hands a name out again.
func TestClusterRestoredDrawsNewPodNames(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	applyDaemonConfig(t, cs, "us-west-2")
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "one Ready pod per node", 5*time.Second, func() bool { return allReady(o.daemonPods("default", "xray-daemon"), 3, nil) })
	restart(t, cs, "DaemonSet", "default", "xray-daemon")
	o.waitFor(t, "the restarted pods Ready", 10*time.Second, func() bool {
		pods := o.daemonPods("default", "xray-daemon")
		return allReady(pods, 3, nil) && !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return p.Annotations["kubectl.kubernetes.io/restartedAt"] == "" })
	})
	o.mu.Lock()
	drawn := slices.Clone(o.added)
	o.mu.Unlock()
	c.Stop()
	saved, err := c.kc.Objects()
	if err != nil {
		t.Fatal(err)
	}

	r := startCluster(t, ClusterOptions{Restore: saved})
	ro := observe(t, r.Clientset())
	restart(t, r.Clientset(), "DaemonSet", "default", "xray-daemon")
	before := names(ro.daemonPods("default", "xray-daemon"))
	ro.waitFor(t, "the restored cluster's restarted pods Ready", 10*time.Second, func() bool {
		pods := ro.daemonPods("default", "xray-daemon")
		return allReady(pods, 3, nil) && !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return slices.Contains(before, p.Name) })
	})
	for _, p := range ro.daemonPods("default", "xray-daemon") {
		if slices.Contains(drawn, "default/"+p.Name) {
			t.Errorf("the restored cluster made pod %s, a name the saved run drew: %v", p.Name, drawn)
		}
	}
}

// A write aimed at a pod that is gone does not land on another pod that
// has its name since: the apiserver takes the uid as a precondition of an
// update, of a delete that names it, and of a binding, and does not bind a
// pod twice.
func TestClusterWritesKeepTheirPod(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	cs, ctx := c.cs, context.Background()
	mk := func() *corev1.Pod {
		p, err := cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{
			ServiceAccountName: "default", Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := mk()
	if err := cs.CoreV1().Pods("default").Delete(ctx, "p", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	cur := mk()
	stale := old.DeepCopy()
	stale.Status.Phase = corev1.PodFailed
	if _, err := cs.CoreV1().Pods("default").UpdateStatus(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) ||
		!strings.Contains(err.Error(), "Precondition failed: UID in precondition: "+string(old.UID)) {
		t.Errorf("a status update from the pod that is gone: %v", err)
	}
	if err := cs.CoreV1().Pods("default").Delete(ctx, "p", metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions(string(old.UID))}); !apierrors.IsConflict(err) {
		t.Errorf("a delete of the pod that is gone: %v", err)
	}
	bind := func(uid types.UID, node string) error {
		_, err := cs.Invokes(k8stesting.NewCreateSubresourceActionWithOptions(corev1.SchemeGroupVersion.WithResource("pods"), "p", "binding", "default",
			&corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: uid}, Target: corev1.ObjectReference{Kind: "Node", Name: node}},
			metav1.CreateOptions{}), nil)
		return err
	}
	if err := bind(old.UID, c.Nodes()[0]); !apierrors.IsConflict(err) {
		t.Errorf("binding the pod that is gone: %v", err)
	}
	if err := bind(cur.UID, c.Nodes()[1]); err != nil {
		t.Fatalf("binding the pod: %v", err)
	}
	if err := bind(cur.UID, c.Nodes()[2]); !apierrors.IsConflict(err) || !strings.Contains(err.Error(), "is already assigned to node") {
		t.Errorf("binding it again: %v", err)
	}
	got, err := cs.CoreV1().Pods("default").Get(ctx, "p", metav1.GetOptions{})
	if err != nil || got.UID != cur.UID || got.Status.Phase == corev1.PodFailed || got.Spec.NodeName != c.Nodes()[1] {
		t.Errorf("the pod after the stale writes: %+v %v", got, err)
	}
}

// The load balancer controller provisions the app's Service whenever it
// is there without a load balancer: at start, and when it is made again
// (the sample app deleted and deployed anew), after its delay.
func TestClusterLoadBalancerForAServiceMadeAgain(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{LBDelay: 300 * time.Millisecond})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	var uid types.UID // the Service looked for ("": any)
	has := func() bool {
		svc, err := o.svcs.Services("workshop").Get("frontend")
		return err == nil && (uid == "" || svc.UID == uid) && frontendURL(svc) != ""
	}
	o.waitFor(t, "the load balancer", 5*time.Second, has)
	if err := cs.CoreV1().Services("workshop").Delete(ctx, "frontend", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, svcs := SampleApp("workshop")
	made := time.Now()
	created, err := cs.CoreV1().Services("workshop").Create(ctx, svcs[0], metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// (The cache may still hold the Service deleted: wait for this one.)
	uid = created.UID
	o.waitFor(t, "a load balancer for the Service made again", 5*time.Second, has)
	if took := time.Since(made); took < 300*time.Millisecond {
		t.Errorf("provisioned after %s, before the delay", took)
	}
	svc, _ := o.svcs.Services("workshop").Get("frontend")
	if frontendURL(svc) != c.AppURL() {
		t.Errorf("URL %q, the app at %q", frontendURL(svc), c.AppURL())
	}
}
