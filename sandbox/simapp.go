package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// sampleApp is the workshop's app: Frontend → Product-Catalog →
// Product-Detail, each instrumented as the X-Ray SDK would, sending its
// segments over UDP to the daemon address its Deployment names.
//
// It records every request: the workshop's app runs with a centralized
// sampling rule at fixed rate 1.0, so N requests make N traces (the SDK's
// default rule would keep the first request each second and 5 % of the rest).
type sampleApp struct {
	c    *Cluster
	srv  *http.Server
	port int
	udp  *net.UDPConn

	mu       sync.Mutex
	products []string
	tally    map[int]int
}

func startApp(ctx context.Context, c *Cluster) (*sampleApp, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		l.Close()
		return nil, err
	}
	a := &sampleApp{c: c, port: l.Addr().(*net.TCPAddr).Port, udp: udp, products: []string{"Tea", "Coffee", "Cake"}, tally: map[int]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", a.handle)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = a.srv.Serve(l) }()
	return a, nil
}

func (a *sampleApp) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = a.srv.Shutdown(ctx)
	a.udp.Close()
}

// Tally is how many answers of each status the app gave.
func (c *Cluster) AppTally() map[int]int {
	c.app.mu.Lock()
	defer c.app.mu.Unlock()
	out := map[int]int{}
	for k, v := range c.app.tally {
		out[k] = v
	}
	return out
}

// outcome decides how a request ends: mostly well, sometimes a missing
// product (404), a fault deep in Product-Detail (500) or the frontend's rate
// limit (429).
func (a *sampleApp) outcome(path string) int {
	if strings.HasSuffix(path, "/404") {
		return 404
	}
	a.c.rngMu.Lock()
	r := a.c.rng.Float64()
	a.c.rngMu.Unlock()
	switch {
	case r < 0.06:
		return 500
	case r < 0.12:
		return 429
	case r < 0.17:
		return 404
	}
	return 200
}

func (a *sampleApp) handle(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := a.outcome(r.URL.Path)
	if r.Method == http.MethodPost && r.URL.Path == "/products" && status == 200 {
		name := r.FormValue("name")
		if name == "" {
			name = "Product " + strconv.Itoa(len(a.products)+1)
		}
		a.mu.Lock()
		a.products = append(a.products, name)
		a.mu.Unlock()
	}
	a.mu.Lock()
	a.tally[status]++
	products := append([]string(nil), a.products...)
	a.mu.Unlock()
	time.Sleep(time.Duration(2+len(r.URL.Path)%5) * time.Millisecond)
	a.trace(r, start, status)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>Product Catalog</title><h1>EKS workshop: product catalog</h1><p>status %d</p><ul>", status)
	for _, p := range products {
		fmt.Fprintf(w, "<li>%s</li>", html.EscapeString(p))
	}
	fmt.Fprint(w, "</ul>")
}

type seg map[string]any

func newID() string { return randHex(16) }

func newTraceID(t time.Time) string {
	return fmt.Sprintf("1-%08x-%s", t.Unix(), randHex(24))
}

func ts(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func httpOf(method, url string, status int) seg {
	return seg{"request": seg{"method": method, "url": url}, "response": seg{"status": status, "content_length": 512}}
}

func flags(s seg, status int) {
	switch {
	case status == 429:
		s["error"], s["throttle"] = true, true
	case status >= 500:
		s["fault"] = true
	case status >= 400:
		s["error"] = true
	}
}

func sdk() seg {
	return seg{"xray": seg{"sdk": "X-Ray for Go", "sdk_version": "1.8.5"}, "eks": seg{"cluster_name": "eksworkshop-eksctl"}}
}

// trace builds the segments of one request through the three services and
// sends each from its service, as the SDKs in their pods would.
func (a *sampleApp) trace(r *http.Request, start time.Time, status int) {
	end := time.Now()
	traceID := newTraceID(start)
	host := r.Host
	feID := newID()
	fe := seg{"name": "Frontend", "id": feID, "trace_id": traceID, "start_time": ts(start), "end_time": ts(end),
		"origin": "AWS::EKS::Container", "aws": sdk(),
		"http": seg{"request": seg{"method": r.Method, "url": "http://" + host + r.URL.Path, "client_ip": "203.0.113.10", "user_agent": r.UserAgent()},
			"response": seg{"status": status, "content_length": 1024}}}
	flags(fe, status)
	segs := []struct {
		deploy string
		doc    seg
	}{{"frontend", fe}}
	if status != 429 { // the frontend's rate limit answers before any call
		span := end.Sub(start)
		cs, ce := start.Add(span/10), end.Add(-span/10)
		catStatus := status
		subCat := seg{"name": "prodcatalog", "id": newID(), "namespace": "remote", "start_time": ts(cs), "end_time": ts(ce),
			"http": httpOf("GET", "http://prodcatalog.workshop.svc.cluster.local:5000/products/", catStatus)}
		flags(subCat, catStatus)
		fe["subsegments"] = []seg{subCat}
		cat := seg{"name": "Product-Catalog", "id": newID(), "trace_id": traceID, "parent_id": subCat["id"], "start_time": ts(cs.Add(span / 50)),
			"end_time": ts(ce.Add(-span / 50)), "origin": "AWS::EKS::Container", "aws": sdk(),
			"http": seg{"request": seg{"method": "GET", "url": "http://prodcatalog.workshop.svc.cluster.local:5000/products/"}, "response": seg{"status": catStatus}}}
		flags(cat, catStatus)
		segs = append(segs, struct {
			deploy string
			doc    seg
		}{"prodcatalog", cat})
		if status != 404 { // a missing product is known to the catalog alone
			ds, de := cs.Add(span/4), ce.Add(-span/4)
			subDet := seg{"name": "proddetail", "id": newID(), "namespace": "remote", "start_time": ts(ds), "end_time": ts(de),
				"http": httpOf("GET", "http://proddetail.workshop.svc.cluster.local:3000/catalogDetail", status)}
			flags(subDet, status)
			cat["subsegments"] = []seg{subDet}
			det := seg{"name": "Product-Detail", "id": newID(), "trace_id": traceID, "parent_id": subDet["id"], "start_time": ts(ds.Add(span / 50)),
				"end_time": ts(de.Add(-span / 50)), "origin": "AWS::EKS::Container", "aws": sdk(),
				"http": seg{"request": seg{"method": "GET", "url": "http://proddetail.workshop.svc.cluster.local:3000/catalogDetail"}, "response": seg{"status": status}}}
			flags(det, status)
			segs = append(segs, struct {
				deploy string
				doc    seg
			}{"proddetail", det})
		}
	}
	for _, s := range segs {
		a.send(s.deploy, s.doc)
	}
}

// send emits a segment as the X-Ray SDK does: one UDP datagram with the
// header line and the document, to the daemon address of the service's
// Deployment (the SDK's default, 127.0.0.1:2000, when none is set).
func (a *sampleApp) send(deploy string, doc seg) {
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	addr := "127.0.0.1:2000"
	if d, err := a.c.inf.Apps().V1().Deployments().Lister().Deployments(a.c.o.AppNamespace).Get(deploy); err == nil {
		for _, ct := range d.Spec.Template.Spec.Containers {
			for _, e := range ct.Env {
				if e.Name == "AWS_XRAY_DAEMON_ADDRESS" && e.Value != "" {
					addr = e.Value
				}
			}
		}
	}
	to := a.c.resolveDaemon(addr)
	if to == nil {
		return // nobody listens there: UDP gives no error, the segment is lost
	}
	_, _ = a.udp.WriteToUDP(append([]byte("{\"format\":\"json\",\"version\":1}\n"), b...), to)
}

// resolveDaemon is the cluster's DNS and kube-proxy for the daemon's
// address: "<svc>.<ns>[.svc.cluster.local]:2000" reaches the simulated
// daemon only when that Service has UDP port 2000 and a Ready pod behind it.
func (c *Cluster) resolveDaemon(addr string) *net.UDPAddr {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != "2000" || c.daemon == nil {
		return nil
	}
	host = strings.TrimSuffix(host, ".svc.cluster.local")
	name, ns, ok := strings.Cut(host, ".")
	if !ok {
		return nil // 127.0.0.1 or a bare name: not the daemon's Service
	}
	svc, err := c.inf.Core().V1().Services().Lister().Services(ns).Get(name)
	if err != nil || len(svc.Spec.Selector) == 0 {
		return nil
	}
	udp := false
	for _, p := range svc.Spec.Ports {
		if p.Port == 2000 && (p.Protocol == corev1.ProtocolUDP) {
			udp = true
		}
	}
	if !udp {
		return nil
	}
	pods, _ := c.inf.Core().V1().Pods().Lister().Pods(ns).List(labels.SelectorFromSet(svc.Spec.Selector))
	for _, p := range pods {
		if podReady(p) {
			return c.daemon.addr()
		}
	}
	return nil
}
