package controlplane

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// The harness itself, against the real binaries: the apiserver's version,
// a DaemonSet whose pods the real controller manager and scheduler place on
// three kwok nodes, RBAC refusing and then allowing a restricted identity,
// and an apiserver that stops and comes back with the cluster still working.
func TestControlPlane(t *testing.T) {
	began := time.Now()
	cp := Start(t, Options{Nodes: 3})
	t.Logf("Start took %s", time.Since(began).Round(10*time.Millisecond))
	ctx := context.Background()

	t.Run("version", func(t *testing.T) {
		v, err := cp.Client.Discovery().ServerVersion()
		if err != nil {
			t.Fatal(err)
		}
		if v.GitVersion != Version || v.Major != "1" || v.Minor != "34" {
			t.Fatalf("/version = %s (major %q minor %q), want %s", v.GitVersion, v.Major, v.Minor, Version)
		}
	})

	t.Run("nodes as a kubelet keeps them", func(t *testing.T) {
		nodes, err := cp.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "type=kwok"})
		if err != nil || len(nodes.Items) != 3 {
			t.Fatalf("kwok nodes: %v, %v", nodes, err)
		}
		// The node lifecycle controller lifts its not-ready taint a moment
		// after kwok reports Ready.
		deadline := time.Now().Add(15 * time.Second)
		for tainted := true; tainted && time.Now().Before(deadline); {
			tainted = false
			for _, n := range nodes.Items {
				tainted = tainted || len(n.Spec.Taints) != 0
			}
			if tainted {
				time.Sleep(200 * time.Millisecond)
				nodes, _ = cp.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "type=kwok"})
			}
		}
		for _, n := range nodes.Items {
			if len(n.Spec.Taints) != 0 {
				t.Errorf("node %s has taints %v", n.Name, n.Spec.Taints)
			}
			addrs := map[corev1.NodeAddressType]string{}
			for _, a := range n.Status.Addresses {
				addrs[a.Type] = a.Address
			}
			if addrs[corev1.NodeInternalIP] != "127.0.0.1" || addrs[corev1.NodeHostName] != n.Name {
				t.Errorf("node %s addresses %v, want InternalIP 127.0.0.1 and Hostname %s", n.Name, n.Status.Addresses, n.Name)
			}
			lease, err := cp.Client.CoordinationV1().Leases("kube-node-lease").Get(ctx, n.Name, metav1.GetOptions{})
			if err != nil {
				t.Errorf("node %s has no Lease: %v", n.Name, err)
			} else if lease.Spec.RenewTime == nil || time.Since(lease.Spec.RenewTime.Time) > time.Minute {
				t.Errorf("node %s Lease not renewed: %+v", n.Name, lease.Spec)
			}
		}
	})

	t.Run("daemonset pods Ready on every node", func(t *testing.T) {
		createDaemonSet(t, cp, "probe")
		waitDaemonSetPods(t, cp, "probe", 3)
	})

	t.Run("restricted identity", func(t *testing.T) {
		kc := cp.KubeconfigFor("visitor", "visitors")
		cfg, err := clientcmd.BuildConfigFromFlags("", kc)
		if err != nil {
			t.Fatal(err)
		}
		visitor := kubernetes.NewForConfigOrDie(cfg)
		_, err = visitor.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if !apierrors.IsForbidden(err) {
			t.Fatalf("visitor listing pods: %v, want Forbidden", err)
		}
		if !strings.Contains(err.Error(), `"visitor"`) {
			t.Errorf("the refusal does not name the user: %v", err)
		}
		// The group from the certificate's O is what RBAC binds.
		role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-reader", Namespace: "default"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}}}
		binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "visitors-read-pods", Namespace: "default"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "Group", Name: "visitors"}}}
		if _, err := cp.Client.RbacV1().Roles("default").Create(ctx, role, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := cp.Client.RbacV1().RoleBindings("default").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err = visitor.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("visitor listing pods once bound: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if _, err := visitor.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
			t.Errorf("visitor listing pods in kube-system: %v, want Forbidden", err)
		}
	})

	t.Run("apiserver stopped and started", func(t *testing.T) {
		cp.StopAPIServer()
		short, cancel := context.WithTimeout(ctx, 5*time.Second)
		began := time.Now()
		_, err := cp.Client.CoreV1().Pods("default").List(short, metav1.ListOptions{})
		cancel()
		took := time.Since(began)
		if err == nil {
			t.Fatal("listing pods succeeded with the apiserver stopped")
		}
		if !IsUnavailable(err) || took > 2*time.Second {
			t.Errorf("with the apiserver stopped, List failed after %s with %v; want a quick connection error", took, err)
		}
		cp.StartAPIServer()
		if _, err := cp.Client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
			t.Fatalf("after the restart: %v", err)
		}
		// The controllers, the scheduler and kwok reconnect by themselves.
		if err := cp.AddNodes(1); err != nil {
			t.Fatal(err)
		}
		waitDaemonSetPods(t, cp, "probe", 4)
	})
}

// A missing binary fails the test with what to run; it never skips it.
func TestStartWithoutBinariesFails(t *testing.T) {
	t.Setenv("XRAY_WIZARD_CP_CACHE", t.TempDir())
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(rec, Options{Nodes: 1})
	}()
	<-done
	if !rec.failed || rec.skipped {
		t.Fatalf("Start without binaries: failed=%v skipped=%v, want a failure", rec.failed, rec.skipped)
	}
	if want := "run make controlplane (e2e/controlplane/build.sh) first"; !strings.Contains(rec.msg, want) {
		t.Fatalf("message %q lacks %q", rec.msg, want)
	}
}

// recorder is a testing.TB whose Fatal and Skip only record.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skip(args ...any)  { r.skipped = true; runtime.Goexit() }
func (r *recorder) Skipf(string, ...any) {
	r.skipped = true
	runtime.Goexit()
}
func (r *recorder) SkipNow() { r.skipped = true; runtime.Goexit() }
func (r *recorder) FailNow() { r.failed = true; runtime.Goexit() }

func createDaemonSet(t *testing.T, cp *ControlPlane, name string) {
	t.Helper()
	labels := map[string]string{"app": name}
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
					Containers:   []corev1.Container{{Name: name, Image: "public.ecr.aws/xray/aws-xray-daemon:3.3.14"}},
				},
			},
		},
	}
	if _, err := cp.Client.AppsV1().DaemonSets("default").Create(context.Background(), ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitDaemonSetPods waits until n of the DaemonSet's pods are Running and
// Ready, on n distinct nodes, and its status says so too.
func waitDaemonSetPods(t *testing.T, cp *ControlPlane, name string, n int) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pods, err := cp.Client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
		nodes := map[string]bool{}
		if err == nil {
			for _, p := range pods.Items {
				for _, c := range p.Status.Conditions {
					if p.Status.Phase == corev1.PodRunning && c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
						nodes[p.Spec.NodeName] = true
					}
				}
			}
		}
		ds, dsErr := cp.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
		if len(nodes) == n && dsErr == nil && ds.Status.NumberReady == int32(n) && ds.Status.DesiredNumberScheduled == int32(n) {
			return
		}
		if time.Now().After(deadline) {
			var status appsv1.DaemonSetStatus
			if ds != nil {
				status = ds.Status
			}
			t.Fatalf("after 60s, DaemonSet %s has Ready pods on %d nodes, want %d (status %+v, errors %v %v)%s",
				name, len(nodes), n, status, err, dsErr, cp.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
