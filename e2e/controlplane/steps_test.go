package controlplane_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

type events struct {
	mu  sync.Mutex
	all []flow.Event
}

func (e *events) Report(ev flow.Event) { e.mu.Lock(); e.all = append(e.all, ev); e.mu.Unlock() }

func (e *events) last(kind flow.Kind) *flow.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.all) - 1; i >= 0; i-- {
		if e.all[i].Kind == kind {
			return &e.all[i]
		}
	}
	return nil
}

func env(kc kube.Interface, o steps.Options) *steps.Env {
	if o.PodsTimeout == 0 {
		o.PodsTimeout = 90 * time.Second
	}
	if o.AppTimeout == 0 {
		o.AppTimeout = 30 * time.Second
	}
	return steps.NewEnv(aws.Config{Region: "us-west-2"}, kc, o)
}

func run(e *steps.Env, ids string, rep flow.Reporter) flow.Summary {
	ss, _ := steps.Select(ids)
	return (&steps.Runner{Env: e, Steps: ss}).Run(context.Background(), rep)
}

// The daemon on a real API server with real controllers: 3 kwok nodes, 3
// daemon pods Ready in the live table; applying again changes nothing.
func TestDaemonOnRealControlPlane(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 3})
	ev := &events{}
	sum := run(env(cp.Kube, steps.Options{}), "daemonset,pods", ev)
	for i, s := range sum.Steps {
		if want := []flow.Result{flow.Created, flow.Done}[i]; s.Status != want {
			t.Fatalf("%s: %s, want %s: %s (%s)", s.ID, s.Status, want, s.Detail, s.Fix)
		}
	}
	tab := ev.last(flow.Pods).Pods
	nodes := map[string]bool{}
	for _, r := range tab.Rows {
		nodes[r.Node] = true
	}
	if tab.Ready != 3 || tab.Desired != 3 || len(nodes) != 3 {
		t.Errorf("pod table = %+v", tab)
	}
	// What the wizard owns, and when it last wrote it: the controller
	// keeps writing the status, so the resourceVersion moves on its own.
	owned := func() (int64, string) {
		ds, err := cp.Client.AppsV1().DaemonSets("default").Get(context.Background(), "xray-daemon", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range ds.ManagedFields {
			if mf.Manager == "xray-wizard" && mf.Subresource == "" {
				return ds.Generation, mf.Time.String() + string(mf.FieldsV1.Raw)
			}
		}
		t.Fatalf("no fields managed by xray-wizard: %+v", ds.ManagedFields)
		return 0, ""
	}
	gen, mine := owned()
	time.Sleep(1100 * time.Millisecond) // managed-field times have whole seconds
	sum = run(env(cp.Kube, steps.Options{}), "daemonset", &events{})
	if s := sum.Steps[0]; s.Status != flow.Unchanged || !strings.Contains(s.Detail, "already") {
		t.Errorf("re-apply: %+v", s)
	}
	if gen2, mine2 := owned(); gen2 != gen || mine2 != mine {
		t.Errorf("re-apply wrote the DaemonSet: generation %d→%d, managed fields %s → %s", gen, gen2, mine, mine2)
	}
}

// The app step on the real API server: a missing namespace says to deploy
// the app; a LoadBalancer whose status the test fills in after a delay
// gives the URL, and the traffic reaches it.
func TestAppOnRealControlPlane(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{})
	ctx := context.Background()
	sum := run(env(cp.Kube, steps.Options{}), "app", &events{})
	if s := sum.Steps[0]; s.Status != flow.Failed || !strings.Contains(s.Detail, "no sample app") || !strings.Contains(s.Fix, "kubectl get svc -n workshop") {
		t.Fatalf("missing app: %+v", s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hits sync.Map
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, true)
		fmt.Fprint(w, "ok")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	port := l.Addr().(*net.TCPAddr).Port
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "workshop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "frontend", Namespace: "workshop"}, Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "frontend"},
		Ports: []corev1.ServicePort{{Port: int32(port), TargetPort: intstr.FromInt32(9000)}}}}
	if _, err := cp.Client.CoreV1().Services("workshop").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(2 * time.Second)
		s, err := cp.Client.CoreV1().Services("workshop").Get(ctx, "frontend", metav1.GetOptions{})
		if err != nil {
			return
		}
		s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "127.0.0.1"}}
		_, _ = cp.Client.CoreV1().Services("workshop").UpdateStatus(ctx, s, metav1.UpdateOptions{})
	}()
	ev := &events{}
	sum = run(env(cp.Kube, steps.Options{Requests: 7}), "app", ev)
	if s := sum.Steps[0]; s.Status != flow.Done {
		t.Fatalf("app: %+v", s)
	}
	if u := ev.last(flow.URL); u == nil || u.Message != fmt.Sprintf("http://127.0.0.1:%d/", port) {
		t.Errorf("URL event = %+v", u)
	}
	if l := ev.last(flow.Traffic).Load; l.Sent != 7 || l.Status[200] != 7 {
		t.Errorf("traffic = %+v", l)
	}
	if _, ok := hits.Load("/products/1"); !ok {
		t.Error("the product pages were not visited")
	}
}

// A user without RBAC rights, and an API server that goes away during the
// watch: one clear line each, and no hang.
func TestRBACAndLostAPIServer(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Nodes: 1})
	cfg, err := clientcmd.BuildConfigFromFlags("", cp.KubeconfigFor("attendee"))
	if err != nil {
		t.Fatal(err)
	}
	sum := run(env(must(kube.NewForConfig(cfg)), steps.Options{}), "daemonset", &events{})
	if s := sum.Steps[0]; s.Status != flow.Failed || !strings.Contains(s.Detail, "RBAC forbids") || s.Fix == "" {
		t.Errorf("restricted user: %+v", s)
	}
	// The pods step waits for a DaemonSet that is not there yet; the API
	// server stops during the watch. The reflector keeps retrying; the
	// person is told, and the wait ends at its deadline with a clear line.
	e := env(cp.Kube, steps.Options{PodsTimeout: 12 * time.Second})
	go func() {
		time.Sleep(3 * time.Second)
		cp.StopAPIServer()
	}()
	start := time.Now()
	ev := &events{}
	s := run(e, "pods", ev).Steps[0]
	if time.Since(start) > 30*time.Second {
		t.Errorf("the pods step took %s with the API server gone", time.Since(start))
	}
	if s.Status != flow.Failed || strings.Contains(s.Detail, "\n") || !strings.Contains(s.Detail, "cannot reach the Kubernetes API") || s.Fix == "" {
		t.Errorf("pods with the API server gone: %+v", s)
	}
	// With the API server down from the start, the step fails at once.
	start = time.Now()
	s = run(env(cp.Kube, steps.Options{PodsTimeout: 60 * time.Second}), "pods", &events{}).Steps[0]
	if s.Status != flow.Failed || time.Since(start) > 15*time.Second || !strings.Contains(s.Detail, "Kubernetes API") {
		t.Errorf("pods with no API server: %+v after %s", s, time.Since(start))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
