package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
)

// sampleApp is the workshop's app: Frontend → Product-Catalog →
// Product-Detail, each service instrumented as the X-Ray SDK does it:
// one segment per service per request, sent over UDP to the daemon address
// in the environment of the service's pod.
//
// It samples as the SDKs do by default (app_sampling.go): by the sampling
// rules of the sandbox's X-Ray, so with the account's Default rule it
// records the first request each second and 5 % of the rest, and with a
// workshop rule at fixed rate 1.0 every request.
type sampleApp struct {
	c       *Cluster
	srv     *http.Server
	port    int
	sampler *appSampler

	mu       sync.Mutex
	rng      *mrand.Rand // the mix of answers: its own, so it depends on the seed alone
	products []product
	tally    map[int]int
	// socks are the pods' UDP sockets, one per sending pod and daemon pod,
	// so the daemon can tell which of its pods a datagram reached.
	socks map[string]*net.UDPConn
	// dns is what the SDK in a pod resolved the daemon's name to (it does
	// so once): the answers for headless Services, by pod uid and name.
	dns map[string]string
}

type product struct {
	ID   int
	Name string
}

func startApp(_ context.Context, c *Cluster) (*sampleApp, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &sampleApp{c: c, port: l.Addr().(*net.TCPAddr).Port, rng: mrand.New(mrand.NewPCG(c.o.Seed, 11)),
		products: []product{{1, "Tea"}, {2, "Coffee"}, {3, "Cake"}}, tally: map[int]int{},
		socks: map[string]*net.UDPConn{}, dns: map[string]string{}, sampler: newAppSampler(c.o.SamplingRules, c.o.SamplingReport, c.o.Seed)}
	a.srv = &http.Server{Handler: http.HandlerFunc(a.handle), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = a.srv.Serve(l) }()
	return a, nil
}

func (a *sampleApp) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = a.srv.Shutdown(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, s := range a.socks {
		s.Close()
		delete(a.socks, k)
	}
}

// AppTally is how many answers of each HTTP status the app gave.
func (c *Cluster) AppTally() map[int]int {
	if c.app == nil {
		return map[int]int{}
	}
	c.app.mu.Lock()
	defer c.app.mu.Unlock()
	out := map[int]int{}
	for k, v := range c.app.tally {
		out[k] = v
	}
	return out
}

// A request's path through the app: which service answers with what.
type appOutcome struct {
	status int
	// depth is how far the request went: 1 Frontend, 2 Product-Catalog,
	// 3 Product-Detail.
	depth int
	// origin is the service whose answer the status is.
	origin int
	msg    string
}

// route decides how a request ends. Most go well; by the seeded mix, about
// 8 % ask for a product the catalog does not have (404), 6 % meet a fault
// deep in Product-Detail (500) and 6 % the frontend's rate limit (429).
func (a *sampleApp) route(r *http.Request) appOutcome {
	p := strings.TrimSuffix(r.URL.Path, "/")
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case p == "/ping":
		// The health check: the frontend alone, always well.
		return appOutcome{status: 200, depth: 1, origin: 1}
	case read && (p == "" || p == "/products" || strings.HasPrefix(p, "/products/")), r.Method == http.MethodPost && p == "/products":
	default:
		return appOutcome{status: 404, depth: 1, origin: 1, msg: "Cannot " + r.Method + " " + r.URL.Path}
	}
	a.mu.Lock()
	x := a.rng.Float64()
	a.mu.Unlock()
	switch {
	case x < 0.06:
		return appOutcome{status: 500, depth: 3, origin: 3, msg: "Error: connect ECONNREFUSED vendors database"}
	case x < 0.12:
		return appOutcome{status: 429, depth: 1, origin: 1, msg: "Too many requests, please try again later."}
	case x < 0.20:
		return appOutcome{status: 404, depth: 2, origin: 2, msg: "Product not found"}
	}
	if id, ok := strings.CutPrefix(p, "/products/"); ok {
		n, err := strconv.Atoi(id)
		a.mu.Lock()
		known := slices.ContainsFunc(a.products, func(pr product) bool { return pr.ID == n })
		a.mu.Unlock()
		if err != nil || !known {
			return appOutcome{status: 404, depth: 2, origin: 2, msg: "Product not found"}
		}
	}
	return appOutcome{status: 200, depth: 3, origin: 3}
}

func (a *sampleApp) handle(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// The load balancer sends to a Ready pod of the frontend, and the
	// frontend to the catalog's, and on: a service with none answers 502.
	senders := make([]*corev1.Pod, len(appServices))
	for i, s := range appServices {
		senders[i] = a.c.appPod(s.deploy)
	}
	if senders[0] == nil {
		a.count(http.StatusServiceUnavailable)
		a.page(w, http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
		return
	}
	o := a.route(r)
	for i := 1; i < o.depth; i++ {
		if senders[i] == nil {
			o = appOutcome{status: 502, depth: i, origin: i, msg: "Error: getaddrinfo ENOTFOUND " + appServices[i].deploy}
			break
		}
	}
	if o.status == 200 && r.Method == http.MethodPost {
		name := strings.TrimSpace(r.FormValue("name"))
		a.mu.Lock()
		if name == "" {
			name = "Product " + strconv.Itoa(len(a.products)+1)
		}
		a.products = append(a.products, product{a.products[len(a.products)-1].ID + 1, name})
		a.mu.Unlock()
	}
	a.count(o.status)
	// Each service takes a few milliseconds.
	a.mu.Lock()
	took := make([]time.Duration, 3)
	for i := range took {
		took[i] = time.Duration(1000+a.rng.IntN(3000)) * time.Microsecond
	}
	a.mu.Unlock()
	var total time.Duration
	for i := range o.depth {
		total += took[i]
	}
	time.Sleep(total)
	// The frontend's SDK decides whether the request is traced; the
	// services it calls follow its decision.
	if a.sampler.sample(sampleRequest{service: appServices[0].xrayName, serviceType: "AWS::EKS::Container",
		host: r.Host, method: r.Method, path: r.URL.Path}) {
		a.trace(r, start, o, senders, took)
	}
	switch {
	case o.status == 200 && strings.TrimSuffix(r.URL.Path, "/") == "/ping":
		a.page(w, 200, "pong")
	case o.status == 200:
		a.catalog(w)
	default:
		a.page(w, o.status, fmt.Sprintf("%d %s: %s", o.status, http.StatusText(o.status), o.msg))
	}
}

func (a *sampleApp) count(status int) {
	a.mu.Lock()
	a.tally[status]++
	a.mu.Unlock()
}

func (a *sampleApp) page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><title>Product Catalog</title></head><body><h1>Product Catalog</h1><p>%s</p></body></html>\n", html.EscapeString(msg))
}

func (a *sampleApp) catalog(w http.ResponseWriter) {
	a.mu.Lock()
	products := slices.Clone(a.products)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "<!doctype html>\n<html><head><title>Product Catalog</title></head><body><h1>Product Catalog</h1>\n"+
		"<p>EKS workshop sample app: Frontend → Product Catalog → Catalog Detail.</p>\n<table><tr><th>ID</th><th>Product</th></tr>\n")
	for _, p := range products {
		fmt.Fprintf(w, "<tr><td>%d</td><td>%s</td></tr>\n", p.ID, html.EscapeString(p.Name))
	}
	fmt.Fprint(w, "</table>\n<form method=\"post\" action=\"/products\"><input name=\"name\"><button>Add product</button></form>\n</body></html>\n")
}

// appPod is the pod of a Deployment that serves its traffic: the newest
// Ready one (during a rollout the Service still reaches the old pod until
// the new one is Ready).
func (c *Cluster) appPod(deploy string) *corev1.Pod {
	pods, _ := c.inf.Pods(c.o.AppNamespace).List(labels.SelectorFromSet(labels.Set{"app": deploy}))
	var best *corev1.Pod
	for _, p := range pods {
		if kube.PodReady(p) && p.DeletionTimestamp == nil && (best == nil || best.CreationTimestamp.Before(&p.CreationTimestamp)) {
			best = p
		}
	}
	return best
}

// ---- X-Ray segments, as the SDKs write them.

type doc = map[string]any

// newID is a segment or subsegment id: 16 hex digits.
func newID() string { return hexRand(8) }

func hexRand(bytes int) string {
	b := make([]byte, bytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newTraceID: 1-<8 hex digits of the epoch second>-<24 hex digits>.
func newTraceID(t time.Time) string { return fmt.Sprintf("1-%08x-%s", t.Unix(), hexRand(12)) }

func epochSeconds(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

// flag sets error (4xx), throttle (429, with error) or fault (5xx) as the
// SDKs do from a response status.
func flag(d doc, status int) {
	switch classify(status) {
	case statusThrottle:
		d["error"], d["throttle"] = true, true
	case statusFault:
		d["fault"] = true
	case statusError:
		d["error"] = true
	}
}

// The SDK each service is built with: the frontend and the detail service
// are Node.js, the catalog is Python (Flask).
var sdks = []doc{
	{"sdk": "X-Ray for Node.js", "sdk_version": "3.10.3", "package": "aws-xray-sdk"},
	{"sdk": "X-Ray for Python", "sdk_version": "2.14.0"},
	{"sdk": "X-Ray for Node.js", "sdk_version": "3.10.3", "package": "aws-xray-sdk"},
}

// The calls to each service from the one before it.
var calls = []struct{ name, url string }{
	{},
	{"prodcatalog", "http://prodcatalog.%s.svc.cluster.local:5000/products/"},
	{"proddetail", "http://proddetail.%s.svc.cluster.local:3000/catalogDetail"},
}

// trace builds the segments of one request, one per service it reached,
// and sends each from its service's pod, as the SDKs there would.
func (a *sampleApp) trace(r *http.Request, start time.Time, o appOutcome, pods []*corev1.Pod, took []time.Duration) {
	traceID := newTraceID(start)
	ns := a.c.o.AppNamespace
	// status of each service's own answer: the origin's status travels up.
	statusAt := func(i int) int {
		if i <= o.origin {
			return o.status
		}
		return 200
	}
	// Each service spends a quarter of its own time before it calls the
	// next, and answers after the next has answered and its own time is up.
	begin, end := make([]time.Time, o.depth), make([]time.Time, o.depth)
	dur := make([]time.Duration, o.depth+1)
	for i := o.depth - 1; i >= 0; i-- {
		dur[i] = took[i] + dur[i+1]
	}
	for i := range o.depth {
		begin[i] = start
		if i > 0 {
			begin[i] = begin[i-1].Add(took[i-1] / 4)
		}
		end[i] = begin[i].Add(dur[i])
	}
	// The frontend forwards a POST (adding a product) to the catalog;
	// every other call is a GET.
	method := func(i int) string {
		if i <= 1 && r.Method == http.MethodPost {
			return http.MethodPost
		}
		return http.MethodGet
	}
	a.mu.Lock()
	size := 180 + 40*len(a.products)
	a.mu.Unlock()
	var parent string
	for i := range o.depth {
		st := statusAt(i + 1)
		seg := doc{
			"name": appServices[i].xrayName, "id": newID(), "trace_id": traceID,
			"start_time": epochSeconds(begin[i]), "end_time": epochSeconds(end[i]),
			"origin": "AWS::EKS::Container",
			"aws": doc{"xray": sdks[i], "eks": doc{"cluster_name": a.c.o.Cluster, "pod": pods[i].Name,
				"container_id": kubesim.StableHex(pods[i].Name, 64)}},
		}
		req := doc{"method": r.Method, "url": "http://" + r.Host + r.URL.Path, "client_ip": clientIP(r), "user_agent": r.UserAgent()}
		if r.Header.Get("X-Forwarded-For") != "" {
			req["x_forwarded_for"] = true
		}
		if i > 0 {
			req = doc{"method": method(i), "url": fmt.Sprintf(calls[i].url, ns)}
			seg["parent_id"] = parent
		}
		seg["http"] = doc{"request": req, "response": doc{"status": st, "content_length": size}}
		flag(seg, st)
		if i+1 == o.origin && st >= 500 {
			seg["cause"] = doc{"working_directory": "/usr/src/app", "exceptions": []doc{{"id": newID(), "message": o.msg, "type": "Error"}}}
		}
		switch {
		case i+1 < o.depth:
			// The call to the next service: a remote subsegment whose id
			// the next service's segment names as its parent.
			sub := doc{"name": calls[i+1].name, "id": newID(), "namespace": "remote",
				"start_time": epochSeconds(begin[i+1].Add(-200 * time.Microsecond)), "end_time": epochSeconds(end[i+1].Add(200 * time.Microsecond)),
				"http": doc{"request": doc{"method": method(i + 1), "url": fmt.Sprintf(calls[i+1].url, ns)}, "response": doc{"status": statusAt(i + 2)}}}
			flag(sub, statusAt(i+2))
			seg["subsegments"] = []doc{sub}
			parent = sub["id"].(string)
		case o.status == 502 && i+1 == o.depth:
			// The next service could not be reached.
			sub := doc{"name": calls[i+1].name, "id": newID(), "namespace": "remote",
				"start_time": epochSeconds(begin[i]), "end_time": epochSeconds(end[i]), "fault": true,
				"http":  doc{"request": doc{"method": method(i + 1), "url": fmt.Sprintf(calls[i+1].url, ns)}},
				"cause": doc{"exceptions": []doc{{"id": newID(), "message": o.msg, "type": "Error", "remote": true}}}}
			seg["subsegments"] = []doc{sub}
		}
		a.send(pods[i], seg)
	}
}

func clientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		return strings.TrimSpace(strings.Split(xff, ",")[0])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// send emits a segment as the X-Ray SDK does: one UDP datagram, the header
// line and the document, to the daemon address in the pod's environment
// (the SDK's default, 127.0.0.1:2000, when there is none). Where nothing
// listens, UDP tells nobody: the segment is lost.
func (a *sampleApp) send(from *corev1.Pod, seg doc) {
	b, err := json.Marshal(seg)
	if err != nil {
		return
	}
	addr := podEnv(from, "AWS_XRAY_DAEMON_ADDRESS")
	if addr == "" {
		addr = "127.0.0.1:2000"
	}
	to := a.c.daemonFor(from, addr)
	if to == nil {
		return
	}
	sock := a.socket(from, to)
	if sock == nil {
		return
	}
	_, _ = sock.WriteToUDP(append([]byte("{\"format\":\"json\",\"version\":1}\n"), b...), a.c.daemon.addr())
}

// socket is the UDP socket of a sending pod for one daemon pod. Sockets of
// pods that are gone are closed as new ones open.
func (a *sampleApp) socket(from, to *corev1.Pod) *net.UDPConn {
	key := string(from.UID) + ">" + to.Namespace + "/" + to.Name
	a.mu.Lock()
	defer a.mu.Unlock()
	if s := a.socks[key]; s != nil {
		return s
	}
	if len(a.socks) >= 16 {
		for k, s := range a.socks {
			_, target, _ := strings.Cut(k, ">")
			ns, name, _ := strings.Cut(target, "/")
			if p, err := a.c.inf.Pods(ns).Get(name); err != nil || p.DeletionTimestamp != nil {
				a.c.daemon.forget(s.LocalAddr().(*net.UDPAddr).Port)
				s.Close()
				delete(a.socks, k)
			}
		}
	}
	s, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil
	}
	a.c.daemon.route(s.LocalAddr().(*net.UDPAddr).Port, to.Namespace+"/"+to.Name)
	a.socks[key] = s
	return s
}

// ---- The cluster's DNS and kube-proxy, for the daemon's address.

// daemonFor is the daemon pod that a datagram from pod `from` to addr
// reaches, as the pod's DNS and the node's kube-proxy would route it, or
// nil when nothing listens there. addr is what the SDK reads from
// AWS_XRAY_DAEMON_ADDRESS: "host:port", or "tcp:host:port udp:host:port".
func (c *Cluster) daemonFor(from *corev1.Pod, addr string) *corev1.Pod {
	if strings.Contains(addr, " ") {
		for _, part := range strings.Fields(addr) {
			if a, ok := strings.CutPrefix(part, "udp:"); ok {
				addr = a
			}
		}
	}
	host, portStr, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || host == "" {
		return nil // the SDK refuses an address without a port
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil // the app pod's own loopback: no daemon in that pod
		}
		return c.daemonAt(host, port, from)
	}
	svc := c.serviceFor(from.Namespace, host)
	if svc == nil {
		return nil // NXDOMAIN
	}
	ready := func(p *corev1.Pod) bool { return kube.PodReady(p) && p.DeletionTimestamp == nil }
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	if len(svc.Spec.Selector) == 0 {
		return nil
	}
	pods, _ := c.inf.Pods(svc.Namespace).List(sel)
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		// Headless: DNS answers with the Ready pods' IPs, and the SDK keeps
		// the first answer for as long as its process runs.
		key := string(from.UID) + "|" + host
		c.app.mu.Lock()
		ip := c.app.dns[key]
		c.app.mu.Unlock()
		if ip == "" {
			var ips []string
			for _, p := range pods {
				if ready(p) && p.Status.PodIP != "" {
					ips = append(ips, p.Status.PodIP)
				}
			}
			if len(ips) == 0 {
				return nil
			}
			slices.Sort(ips)
			ip = ips[pick(from.Name, len(ips))]
			c.app.mu.Lock()
			c.app.dns[key] = ip
			c.app.mu.Unlock()
		}
		return c.daemonAt(ip, port, from)
	}
	// A ClusterIP: kube-proxy sends to one of the Ready endpoints of the
	// Service's UDP port, on the sender's node with internalTrafficPolicy
	// Local.
	var sp *corev1.ServicePort
	for i, p := range svc.Spec.Ports {
		if int(p.Port) == port && p.Protocol == corev1.ProtocolUDP {
			sp = &svc.Spec.Ports[i]
		}
	}
	if sp == nil {
		return nil
	}
	local := svc.Spec.InternalTrafficPolicy != nil && *svc.Spec.InternalTrafficPolicy == corev1.ServiceInternalTrafficPolicyLocal
	var eps []*corev1.Pod
	for _, p := range pods {
		if ready(p) && (!local || p.Spec.NodeName == from.Spec.NodeName) && targetPort(p, sp) != 0 {
			eps = append(eps, p)
		}
	}
	if len(eps) == 0 {
		return nil
	}
	slices.SortFunc(eps, func(x, y *corev1.Pod) int { return strings.Compare(x.Name, y.Name) })
	ep := eps[pick(from.Name, len(eps))]
	if !c.daemon.listens(ep, targetPort(ep, sp), from) {
		return nil
	}
	return ep
}

// serviceFor finds the Service a name resolves to from a pod in ns, with
// the cluster's DNS search path.
func (c *Cluster) serviceFor(ns, host string) *corev1.Service {
	host = strings.TrimSuffix(strings.TrimSuffix(host, "."), ".cluster.local")
	host = strings.TrimSuffix(host, ".svc")
	name, svcNS, qualified := strings.Cut(host, ".")
	if !qualified {
		svcNS = ns
	}
	if strings.Contains(svcNS, ".") {
		return nil
	}
	svc, err := c.inf.Services(svcNS).Get(name)
	if err != nil {
		return nil
	}
	return svc
}

// targetPort is the container port a Service port reaches in a pod, or 0.
func targetPort(p *corev1.Pod, sp *corev1.ServicePort) int {
	if sp.TargetPort.Type == 0 && sp.TargetPort.IntVal != 0 {
		return int(sp.TargetPort.IntVal)
	}
	if sp.TargetPort.Type == 1 && sp.TargetPort.StrVal != "" {
		for _, ct := range p.Spec.Containers {
			for _, cp := range ct.Ports {
				if cp.Name == sp.TargetPort.StrVal && cp.Protocol == corev1.ProtocolUDP {
					return int(cp.ContainerPort)
				}
			}
		}
		return 0
	}
	return int(sp.Port)
}

// daemonAt is the daemon pod listening on ip:port for a datagram from pod
// `from`: a pod with that IP, or with hostNetwork or a hostPort on a node
// with that IP.
func (c *Cluster) daemonAt(ip string, port int, from *corev1.Pod) *corev1.Pod {
	pods, _ := c.inf.Pods("").List(labels.Everything())
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		hostPort := false
		for _, ct := range p.Spec.Containers {
			for _, cp := range ct.Ports {
				hostPort = hostPort || int(cp.HostPort) == port && cp.Protocol == corev1.ProtocolUDP
			}
		}
		switch {
		case p.Status.PodIP == ip && !p.Spec.HostNetwork:
		case p.Status.HostIP == ip && (p.Spec.HostNetwork || hostPort):
		default:
			continue
		}
		if c.daemon.listens(p, port, from) {
			return p
		}
	}
	return nil
}

// pick chooses among n endpoints for a sender, always the same one for it.
func pick(sender string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(sender))
	return int(h.Sum32() % uint32(n))
}
