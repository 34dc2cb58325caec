package steps

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// App finds the sample app's load balancer URL and sends it traffic, so the
// app's X-Ray SDK has requests to trace.
type App struct{}

// ID names the step.
func (App) ID() string { return flow.IDApp }

// Info describes the step.
func (App) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:    flow.IDApp,
		Title: env.T(i18n.AppTitle),
		Why:   env.T(i18n.AppWhy),
		Commands: []string{
			fmt.Sprintf(`kubectl get svc %s -n %s -o jsonpath="{.status.loadBalancer.ingress[*].hostname}"`, AppServiceName, env.Opts.AppNamespace),
		},
		Equivalent: []string{
			fmt.Sprintf(`export LB_NAME=$(kubectl get svc %s -n %s -o jsonpath="{.status.loadBalancer.ingress[*].hostname}")`, AppServiceName, env.Opts.AppNamespace),
			fmt.Sprintf(`for i in $(seq %d); do curl -s -o /dev/null http://$LB_NAME/; done`, env.Opts.Requests),
		},
	}
}

// Check: traffic is sent every time.
func (App) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing in the cluster or the account: it sends requests.
func (a App) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	in := a.Info(env)
	return flow.Plan{Commands: in.Commands, Equivalent: in.Equivalent, Note: env.T(i18n.MsgAppPlan, env.Opts.Requests)}, nil
}

// AppURL is the URL a LoadBalancer Service is reached at, or "" while it has
// no ingress yet: hostname first (ELB), else IP, and the port unless 80.
func AppURL(svc *corev1.Service) string {
	if len(svc.Status.LoadBalancer.Ingress) == 0 {
		return ""
	}
	in := svc.Status.LoadBalancer.Ingress[0]
	host := in.Hostname
	if host == "" {
		host = in.IP
	}
	if host == "" {
		return ""
	}
	port := int32(80)
	if len(svc.Spec.Ports) > 0 {
		port = svc.Spec.Ports[0].Port
	}
	if port == 80 {
		return "http://" + host + "/"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(int(port))) + "/"
}

// Apply waits for the load balancer, checks the app's daemon address, and
// sends the traffic.
func (App) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	if err := env.NeedKube(); err != nil {
		return Outcome{}, err
	}
	ns := env.Opts.AppNamespace
	if _, err := env.Kube.CoreV1().Services(ns).Get(ctx, AppServiceName, metav1.GetOptions{}); err != nil {
		if apierrors.IsNotFound(err) {
			return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrNoApp, ns, AppServiceName), Fix: env.T(i18n.FixNoApp, ns)}
		}
		return Outcome{}, env.KubeError("get", "service "+ns+"/"+AppServiceName, err)
	}
	checkDaemonAddress(ctx, env, r)
	u, err := waitForURL(ctx, env, r)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{AppURL: u}
	r.Report(flow.Event{Step: flow.IDApp, Kind: flow.URL, Time: env.Now(), Message: u})
	out.TrafficStart = env.Now()
	stats, err := sendTraffic(ctx, env, r, u)
	out.TrafficEnd, out.RequestsSent = env.Now(), stats.Sent
	if err != nil {
		return out, err
	}
	if stats.Failed == stats.Total {
		return out, &flow.Error{Cause: env.T(i18n.ErrAppUnreachable, u, stats.Total), Fix: env.T(i18n.FixAppUnreachable, ns)}
	}
	out.Detail = env.T(i18n.MsgTrafficDone, stats.Total, u, stats.Failed)
	return out, nil
}

// waitForURL watches the Service until its load balancer has an address.
func waitForURL(ctx context.Context, env *Env, r flow.Reporter) (string, error) {
	ns := env.Opts.AppNamespace
	ctx, cancel := context.WithTimeout(ctx, env.Opts.AppTimeout)
	defer cancel()
	var f kube.Informers
	inf := f.Add(kube.NewInformer(env.Kube.CoreV1().Services(ns), &corev1.Service{}, kube.InformerOptions{Tweak: func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", AppServiceName).String()
	}}))
	lister := kube.Lister[*corev1.Service](inf, corev1.Resource("services"), ns)
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(any) { poke() }, UpdateFunc: func(any, any) { poke() }, DeleteFunc: func(any) { poke() },
	}); err != nil {
		return "", err
	}
	// The informers stop before Shutdown waits for them, whatever ended
	// the wait.
	stop := make(chan struct{})
	f.Start(stop)
	defer func() {
		close(stop)
		f.Shutdown()
	}()
	f.WaitForCacheSync(ctx.Done())
	said := false
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for {
		if svc, err := lister.Get(AppServiceName); err == nil {
			if u := AppURL(svc); u != "" {
				return u, nil
			}
			if !said {
				progress(env, r, flow.IDApp, env.T(i18n.MsgWaitingLB, ns, AppServiceName))
				said = true
			}
			countdown(ctx, env, r, flow.IDApp, env.T(i18n.MsgWaitLB, ns, AppServiceName))
		}
		select {
		case <-changed:
		case <-tk.C:
		case <-ctx.Done():
			if isDeadline(ctx) {
				return "", &flow.Error{Cause: env.T(i18n.ErrNoLB, ns, AppServiceName, env.Opts.Lang.Duration(env.Opts.AppTimeout)), Fix: env.T(i18n.FixNoLB, ns, AppServiceName)}
			}
			return "", ctx.Err()
		}
	}
}

// checkDaemonAddress warns about app deployments whose X-Ray SDK would not
// reach the daemon's Service.
func checkDaemonAddress(ctx context.Context, env *Env, r flow.Reporter) {
	want := fmt.Sprintf("%s.%s:2000", ServiceName, env.Opts.Namespace)
	deps, err := env.Kube.AppsV1().Deployments(env.Opts.AppNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return
	}
	for _, d := range deps.Items {
		got := ""
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				if e.Name == "AWS_XRAY_DAEMON_ADDRESS" {
					got = e.Value
				}
			}
		}
		if got != want && got != fmt.Sprintf("%s.%s.svc.cluster.local:2000", ServiceName, env.Opts.Namespace) {
			if got == "" {
				got = "127.0.0.1:2000"
			}
			warn(env, r, flow.IDApp, env.T(i18n.MsgDaemonAddress, env.Opts.AppNamespace, d.Name, got, want))
		}
	}
}

// trafficPaths are the pages a visitor of the sample app opens: the home
// page, the catalog and some product pages, as the lab asks.
var trafficPaths = []string{"/", "/products", "/products/1", "/products/2", "/", "/products/3", "/products/404"}

// sendTraffic sends the requests, a few at a time, reporting as it goes.
func sendTraffic(ctx context.Context, env *Env, r flow.Reporter, base string) (flow.TrafficStats, error) {
	total := env.Opts.Requests
	stats := flow.TrafficStats{URL: base, Total: total, Status: map[int]int{}}
	var mu sync.Mutex
	report := func() {
		s := stats
		s.Status = make(map[int]int, len(stats.Status))
		for k, v := range stats.Status {
			s.Status[k] = v
		}
		r.Report(flow.Event{Step: flow.IDApp, Kind: flow.Traffic, Time: env.Now(), Load: &s})
	}
	report()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				code := get(ctx, env.HTTP, base+trafficPaths[i%len(trafficPaths)][1:])
				mu.Lock()
				stats.Sent++
				if code == 0 {
					stats.Failed++
				} else {
					stats.Status[code]++
				}
				report()
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < total; i++ {
		select {
		case jobs <- i:
		case <-ctx.Done():
			close(jobs)
			wg.Wait()
			return stats, ctx.Err()
		}
	}
	close(jobs)
	wg.Wait()
	return stats, nil
}

// get fetches u and returns its status, or 0 when no answer came.
func get(ctx context.Context, c *http.Client, u string) int {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("User-Agent", "xray-wizard")
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode
}
