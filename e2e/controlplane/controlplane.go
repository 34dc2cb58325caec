// Package controlplane starts a real, local Kubernetes control plane for the
// project's tests: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler built from the upstream sources by build.sh, with kwok
// playing the nodes and the kubelets. It only execs those binaries and talks
// to them with client-go; it never imports k8s.io/kubernetes.
//
// Everything listens on 127.0.0.1 on free ports and keeps its state in the
// test's temporary folder, so tests may start several control planes at once.
package controlplane

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Version is the Kubernetes version that build.sh builds and /version reports.
const Version = "v1.34.4"

// NodeAnnotation marks the nodes that kwok plays; Start and AddNodes set it.
const NodeAnnotation = "kwok.x-k8s.io/node"

//go:embed kwok-stages.yaml
var kwokStages []byte

// Options shape a control plane.
type Options struct {
	// Nodes is how many kwok nodes Start creates and waits for. They carry
	// the label type=kwok and no taint, so DaemonSet pods land on them.
	Nodes int
	// APIQPS is kube-controller-manager's --kube-api-qps, and twice it its
	// --kube-api-burst; 0 keeps the upstream defaults (20 and 30), which
	// slow the DaemonSet controller down on large clusters.
	APIQPS float32
	// LeaseSeconds is how long kwok's node leases last (default 40); kwok
	// renews each a quarter of that apart. Thousands of nodes at 40 s
	// keep two cores busy renewing: a big run raises it, and the node
	// lifecycle controller's grace period grows with it.
	LeaseSeconds int
	// APIServerArgs are more flags for kube-apiserver (e.g. -v=1).
	APIServerArgs []string
	// Audit makes kube-apiserver log every request by a member of
	// AuditedGroup (and no one else) to an audit log that AuditEvents reads.
	Audit bool
}

// AuditedGroup is the group whose requests an Audit control plane logs:
// give it to KubeconfigFor to count what a client asks the API server.
const AuditedGroup = "xray-wizard:audited"

// auditPolicy logs the requests of AuditedGroup once each, when answered
// (a watch: when its response starts), and nothing else.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  userGroups: ["` + AuditedGroup + `"]
- level: None
`

// ControlPlane is a running control plane. Its fields are set by Start.
type ControlPlane struct {
	Kubeconfig string               // path of a cluster-admin kubeconfig (O=system:masters)
	Config     *rest.Config         // the same identity, for client-go
	Client     kubernetes.Interface // a clientset on Config
	Kube       kube.Interface       // the wizard's clientset on Config
	Server     string               // https://127.0.0.1:PORT
	Dir        string               // certificates, kubeconfigs, etcd data, one log per process; kept if the test fails

	t        testing.TB
	bin      string
	ca       *authority
	apiArgs  []string
	mu       sync.Mutex
	procs    map[string]*proc
	stopped  bool
	nodes    int // kwok nodes created so far, for unique names
	identity int // kubeconfigs written so far, for unique file names
}

// The processes in start order; Stop ends them in the reverse order.
var processes = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

// BinDir is where build.sh puts the binaries:
// $XRAY_WIZARD_CP_CACHE/bin, else $XDG_CACHE_HOME (or ~/.cache) under
// xray-wizard/controlplane-VERSION/bin.
func BinDir() string {
	if d := os.Getenv("XRAY_WIZARD_CP_CACHE"); d != "" {
		return filepath.Join(d, "bin")
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "xray-wizard", "controlplane-"+Version, "bin")
}

// Start starts a control plane with o.Nodes Ready kwok nodes and stops it
// when the test ends, removing Dir unless the test failed. It returns once /readyz is ok, the "default"
// ServiceAccount exists in "default" and every node is Ready. It fails the
// test, never skips it, when the binaries are not built or a process fails.
func Start(t testing.TB, o Options) *ControlPlane {
	t.Helper()
	bin := BinDir()
	var missing []string
	for _, b := range processes {
		if fi, err := os.Stat(filepath.Join(bin, b)); err != nil || fi.Mode()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the test control plane is not built (%s missing in %s): run make controlplane (e2e/controlplane/build.sh) first",
			strings.Join(missing, ", "), bin)
	}
	began := time.Now()
	dir, err := os.MkdirTemp("", "xray-wizard-controlplane-")
	if err != nil {
		t.Fatalf("test control plane: %v", err)
	}
	c := &ControlPlane{t: t, bin: bin, Dir: dir, procs: map[string]*proc{}}
	t.Cleanup(func() {
		c.Stop()
		if t.Failed() {
			t.Logf("test control plane: logs and state kept in %s", dir)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("test control plane: %v", err)
		}
	})
	c.writeFiles()
	f := func(name string) string { return filepath.Join(c.Dir, name) }

	etcdURL := "http://" + freeAddr(t)
	peerURL := "http://" + freeAddr(t)
	c.start("etcd", "--name=xray-wizard-test", "--data-dir="+f("etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=xray-wizard-test="+peerURL, "--initial-cluster-state=new",
		"--unsafe-no-fsync", "--log-level=warn")
	c.waitFor("etcd to be healthy", 20*time.Second, func() bool {
		resp, err := http.Get(etcdURL + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	c.Server = "https://" + freeAddr(t)
	c.apiArgs = []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + c.Server[strings.LastIndex(c.Server, ":")+1:],
		"--tls-cert-file=" + f("apiserver.crt"), "--tls-private-key-file=" + f("apiserver.key"),
		"--client-ca-file=" + f("ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + f("sa.pub"), "--service-account-signing-key-file=" + f("sa.key"),
		"--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true",
		"--endpoint-reconciler-type=none", // its Endpoints for 127.0.0.1 would be invalid
	}
	if o.Audit {
		if err := os.WriteFile(f("audit-policy.yaml"), []byte(auditPolicy), 0o600); err != nil {
			c.fatalf("%v", err)
		}
		c.apiArgs = append(c.apiArgs, "--audit-policy-file="+f("audit-policy.yaml"),
			"--audit-log-path="+f("audit.log"), "--audit-log-format=json", "--audit-log-mode=blocking")
	}
	c.apiArgs = append(c.apiArgs, o.APIServerArgs...)
	c.start("kube-apiserver", c.apiArgs...)
	c.Kubeconfig = c.writeKubeconfig("admin", "kubernetes-admin", "system:masters")
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		c.fatalf("loading %s: %v", c.Kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	c.Config = cfg
	c.Client, err = kubernetes.NewForConfig(cfg)
	if err != nil {
		c.fatalf("clientset: %v", err)
	}
	if c.Kube, err = kube.NewForConfig(cfg); err != nil {
		c.fatalf("clientset: %v", err)
	}
	c.waitFor("kube-apiserver's /readyz to be ok", 90*time.Second, c.apiReady)

	kcm := []string{"--kubeconfig=" + c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0",
		"--controllers=*", "--use-service-account-credentials=false",
		"--root-ca-file=" + f("ca.crt"), "--service-account-private-key-file=" + f("sa.key"),
		"--cluster-signing-cert-file=" + f("ca.crt"), "--cluster-signing-key-file=" + f("ca.key")}
	lease := 40
	if o.LeaseSeconds > 0 {
		lease = o.LeaseSeconds
		kcm = append(kcm, fmt.Sprintf("--node-monitor-grace-period=%ds", max(50, 2*lease)))
	}
	if o.APIQPS > 0 {
		kcm = append(kcm, fmt.Sprintf("--kube-api-qps=%g", o.APIQPS), fmt.Sprintf("--kube-api-burst=%d", int(2*o.APIQPS)))
	}
	c.start("kube-controller-manager", kcm...)
	c.start("kube-scheduler", "--kubeconfig="+c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0")
	c.start("kwok", "--kubeconfig="+c.Kubeconfig, "--config="+f("kwok-stages.yaml"),
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector="+NodeAnnotation+"=fake",
		// Off unless asked for, outside kwokctl: renew each node's Lease in
		// kube-node-lease as a kubelet does, for the node lifecycle controller.
		fmt.Sprintf("--node-lease-duration-seconds=%d", lease),
		// Fake addresses stay on loopback: anything that dials a node dials
		// this machine, never another network.
		"--node-ip=127.0.0.1", "--cidr=127.64.0.1/16")

	if o.Nodes > 0 {
		if err := c.AddNodes(o.Nodes); err != nil {
			t.Fatalf("test control plane: %v", err) // with the logs already
		}
	}
	c.waitFor(`the "default" ServiceAccount in "default"`, 60*time.Second, func() bool {
		_, err := c.Client.CoreV1().ServiceAccounts("default").Get(context.Background(), "default", metav1.GetOptions{})
		return err == nil
	})
	t.Logf("control plane %s up in %s with %d nodes (logs in %s)", c.Server, time.Since(began).Round(10*time.Millisecond), o.Nodes, c.Dir)
	return c
}

// AddNodes creates n more kwok nodes and waits until they are Ready and
// untainted. Each is named kwok-node-N and has the label type=kwok, the
// usual kubernetes.io/{hostname,os,arch} labels, and no taint of its own.
func (c *ControlPlane) AddNodes(n int) error {
	c.mu.Lock()
	first := c.nodes
	c.nodes += n
	c.mu.Unlock()
	ctx := context.Background()
	names := make(chan string)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := 0; w < min(n, 8); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{
					Name:        name,
					Annotations: map[string]string{NodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
					Labels: map[string]string{"type": "kwok", "kubernetes.io/hostname": name,
						"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"},
				}}
				if _, err := c.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
					errs <- fmt.Errorf("creating node %s: %w", name, err)
				}
			}
		}()
	}
	for i := first; i < first+n; i++ {
		names <- fmt.Sprintf("kwok-node-%d", i)
	}
	close(names)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	timeout := 30*time.Second + time.Duration(n)*100*time.Millisecond
	deadline := time.Now().Add(timeout)
	for {
		nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "type=kwok"})
		ready := 0
		if err == nil {
			for _, nd := range nodes.Items {
				var i int
				if _, e := fmt.Sscanf(nd.Name, "kwok-node-%d", &i); e != nil || i < first || i >= first+n {
					continue
				}
				// Ready, and without the not-ready taint the node lifecycle
				// controller put on it at registration and removes a while
				// after: DaemonSet pods do not tolerate it, so a node that
				// still has it is not yet one a DaemonSet wants.
				if len(nd.Spec.Taints) > 0 {
					continue
				}
				for _, cond := range nd.Status.Conditions {
					if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
						ready++
					}
				}
			}
		}
		if ready == n {
			return nil
		}
		if exited := c.exited(); exited != "" {
			return fmt.Errorf("waiting for %d kwok nodes to be Ready: %s%s", n, exited, c.Logs())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d kwok nodes Ready after %s (last list error: %v)%s", ready, n, timeout, err, c.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// StopAPIServer kills kube-apiserver, as a crash would: requests and watches
// then fail while etcd, the controllers and kwok keep running.
func (c *ControlPlane) StopAPIServer() {
	c.mu.Lock()
	p := c.procs["kube-apiserver"]
	delete(c.procs, "kube-apiserver")
	c.mu.Unlock()
	p.kill()
}

// StartAPIServer starts kube-apiserver again, on the same address with the
// same state, and waits until /readyz is ok. It does nothing if it runs.
func (c *ControlPlane) StartAPIServer() {
	c.t.Helper()
	c.mu.Lock()
	running := c.procs["kube-apiserver"] != nil
	c.mu.Unlock()
	if running {
		return
	}
	c.start("kube-apiserver", c.apiArgs...)
	c.waitFor("kube-apiserver's /readyz to be ok after a restart", 90*time.Second, c.apiReady)
}

// KubeconfigFor writes a kubeconfig for a restricted identity, a client
// certificate from the control plane's CA with CN=user and O=groups, and
// returns its path. The identity can do only what RBAC grants it.
func (c *ControlPlane) KubeconfigFor(user string, groups ...string) string {
	c.t.Helper()
	c.mu.Lock()
	c.identity++
	file := fmt.Sprintf("user%d-%s", c.identity, regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(user, "_"))
	c.mu.Unlock()
	return c.writeKubeconfig(file, user, groups...)
}

// Stop ends the processes this control plane started, and only those, and
// waits for them to exit. Start registers it with t.Cleanup.
func (c *ControlPlane) Stop() {
	c.mu.Lock()
	c.stopped = true
	var ps []*proc
	for i := len(processes) - 1; i >= 0; i-- {
		if p := c.procs[processes[i]]; p != nil {
			ps = append(ps, p)
			delete(c.procs, processes[i])
		}
	}
	c.mu.Unlock()
	for _, p := range ps {
		p.kill()
	}
}

// Logs is the last lines of each process's log, for failure messages.
func (c *ControlPlane) Logs() string {
	var b strings.Builder
	for _, name := range processes {
		data, err := os.ReadFile(filepath.Join(c.Dir, name+".log"))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		lines = lines[max(len(lines)-20, 0):]
		fmt.Fprintf(&b, "\n--- last lines of %s:\n%s", filepath.Join(c.Dir, name+".log"), strings.Join(lines, "\n"))
	}
	return b.String()
}

// AuditEvent is one request as the API server's audit log tells it.
type AuditEvent struct {
	AuditID    string `json:"auditID"`
	Stage      string `json:"stage"`
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"user"`
	ObjectRef *struct {
		Resource  string `json:"resource"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"objectRef"`
	Received time.Time `json:"requestReceivedTimestamp"`
}

// Resource is the event's resource ("pods"), or its path for the rest.
func (e AuditEvent) Resource() string {
	if e.ObjectRef != nil && e.ObjectRef.Resource != "" {
		return e.ObjectRef.Resource
	}
	path, _, _ := strings.Cut(e.RequestURI, "?")
	return path
}

// AuditEvents are the requests user made, one event per request, in the
// order the API server received them. The control plane must have been
// started with Options.Audit and user be in AuditedGroup.
func (c *ControlPlane) AuditEvents(user string) ([]AuditEvent, error) {
	data, err := os.ReadFile(filepath.Join(c.Dir, "audit.log"))
	if err != nil {
		return nil, fmt.Errorf("audit log (was the control plane started with Audit?): %w", err)
	}
	seen := map[string]bool{}
	var out []AuditEvent
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e AuditEvent
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.User.Username != user || seen[e.AuditID] {
			continue
		}
		seen[e.AuditID] = true
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received.Before(out[j].Received) })
	return out, nil
}

// ForcedWatchCloses counts the watches of key ("/pods/default") with the
// label selector labels that kube-apiserver closed because the watcher fell
// behind. It reads the API server's log, which says so at -v=1 and above
// (pass it in Options.APIServerArgs).
func (c *ControlPlane) ForcedWatchCloses(key, labels string) (int, error) {
	data, err := os.ReadFile(filepath.Join(c.Dir, "kube-apiserver.log"))
	if err != nil {
		return 0, err
	}
	want := fmt.Sprintf("key: %q, labels: %q,", key, labels)
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "watcher close due to unresponsiveness") && strings.Contains(line, want) {
			n++
		}
	}
	return n, nil
}

// ---- processes

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// kill ends the process if it still runs and waits until it has exited.
func (p *proc) kill() {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

func (c *ControlPlane) start(name string, args ...string) {
	c.t.Helper()
	// Appended to, so that a restarted apiserver's log follows its first one.
	logf, err := os.OpenFile(filepath.Join(c.Dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		c.fatalf("%v", err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "### %s %s %s\n", time.Now().Format(time.RFC3339), name, strings.Join(args, " "))
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.Dir
	cmd.Env = env(name, c.Dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	err = cmd.Start()
	if err == nil {
		p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
		go func() {
			p.err = cmd.Wait()
			close(p.done)
		}()
		c.procs[name] = p
	}
	c.mu.Unlock()
	if err != nil {
		c.fatalf("starting %s: %v", name, err)
	}
}

// env is the environment of a process: this one's, less the variables
// that would make it read configuration from elsewhere.
func env(name, dir string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ETCD_") || strings.HasPrefix(kv, "KWOK_") || strings.HasPrefix(kv, "KUBECONFIG=") {
			continue
		}
		out = append(out, kv)
	}
	if name == "kwok" {
		// kwok also reads ~/.kwok/kwok.yaml when it exists.
		out = append(out, "KWOK_WORKDIR="+filepath.Join(dir, "kwok"))
	}
	return out
}

// exited names the processes that have exited on their own, with their status.
func (c *ControlPlane) exited() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, name := range processes {
		p := c.procs[name]
		if p == nil {
			continue
		}
		select {
		case <-p.done:
			out = append(out, fmt.Sprintf("%s exited (%v)", name, p.err))
		default:
		}
	}
	return strings.Join(out, ", ")
}

// waitFor polls cond until it holds, and fails the test with the processes'
// logs if it does not within timeout or a process exits meanwhile.
func (c *ControlPlane) waitFor(what string, timeout time.Duration, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if exited := c.exited(); exited != "" {
			c.fatalf("waiting for %s: %s", what, exited)
		}
		if time.Now().After(deadline) {
			c.fatalf("%s did not happen within %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *ControlPlane) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("test control plane: %s%s", fmt.Sprintf(format, args...), c.Logs())
}

func (c *ControlPlane) apiReady() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	body, err := c.Client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err == nil && bytes.Equal(bytes.TrimSpace(body), []byte("ok"))
}

// IsUnavailable tells whether err is what a client sees while the apiserver
// is stopped: a refused connection or a timeout rather than an API status.
func IsUnavailable(err error) bool {
	var status apierrors.APIStatus
	if err == nil || errors.As(err, &status) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "connection refused")
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("test control plane: no free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// ---- files

// writeFiles writes the CA, the apiserver's serving certificate, the
// service-account key pair and kwok's stages into Dir.
func (c *ControlPlane) writeFiles() {
	c.t.Helper()
	var err error
	if c.ca, err = newAuthority(); err != nil {
		c.fatalf("CA: %v", err)
	}
	serving, err := c.ca.issue("kube-apiserver", nil, true)
	if err != nil {
		c.fatalf("serving certificate: %v", err)
	}
	saKey, saPub, err := newKeyPair()
	if err != nil {
		c.fatalf("service-account key: %v", err)
	}
	for name, data := range map[string][]byte{
		"ca.crt": c.ca.certPEM, "ca.key": c.ca.keyPEM,
		"apiserver.crt": serving.certPEM, "apiserver.key": serving.keyPEM,
		"sa.key": saKey, "sa.pub": saPub,
		"kwok-stages.yaml": kwokStages,
	} {
		if err := os.WriteFile(filepath.Join(c.Dir, name), data, 0o600); err != nil {
			c.fatalf("%v", err)
		}
	}
}

func (c *ControlPlane) writeKubeconfig(file, user string, groups ...string) string {
	c.t.Helper()
	id, err := c.ca.issue(user, groups, false)
	if err != nil {
		c.fatalf("client certificate for %s: %v", user, err)
	}
	path := filepath.Join(c.Dir, file+".kubeconfig")
	if err := os.WriteFile(path, kubeconfig(c.Server, c.ca.certPEM, id), 0o600); err != nil {
		c.fatalf("%v", err)
	}
	return path
}
