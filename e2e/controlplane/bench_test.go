package controlplane_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/e2e/controlplane"
)

// BenchmarkWaitAtScale runs the wizard's daemonset and pods steps, the built
// binary as a person runs it, on a control plane with 5,000 kwok nodes
// ($XRAY_WIZARD_BENCH_NODES to change), and reports what waiting for 5,000
// daemon pods costs: the wizard's peak RSS (goal ≤ 120 MB), the requests it
// made to the API server while waiting (goal: one list and one watch per
// resource, however long the wait; the events not at all while pods keep
// coming), and the time until every pod was Ready.
// Beside it, in the same run, `kubectl get pods -w` watches the same pods
// as the lab would have someone do, for its peak RSS.
//
// The API server's audit log counts the requests: the wizard and kubectl
// run as their own users, and only their requests are logged.
func BenchmarkWaitAtScale(b *testing.B) {
	if b.N > 1 {
		b.Fatal("one run is the measurement: use -benchtime 1x")
	}
	nodes := 5000
	if s := os.Getenv("XRAY_WIZARD_BENCH_NODES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("XRAY_WIZARD_BENCH_NODES=%q: want a number of nodes", s)
		}
		nodes = n
	}
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		b.Fatal("kubectl is not installed: the benchmark runs it beside the wizard")
	}
	began := time.Now()
	// The DaemonSet controller makes pods at its client's pace: 20 QPS by
	// default would take minutes for 5,000.
	cp := controlplane.Start(b, controlplane.Options{Nodes: nodes, APIQPS: 400, LeaseSeconds: 600, Audit: true,
		APIServerArgs: []string{"-v=1"}}) // -v=1 logs why the API server closes a watch
	b.Logf("control plane with %d Ready nodes in %s", nodes, time.Since(began).Round(time.Second))
	bin := buildWizard(b)
	wizardKC := cp.KubeconfigFor("xray-wizard-bench", "system:masters", controlplane.AuditedGroup)
	kubectlKC := cp.KubeconfigFor("kubectl-bench", "system:masters", controlplane.AuditedGroup)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	peer := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubectlKC, "get", "pods", "-n", "default",
		"-l", "app=xray-daemon", "-o", "wide", "--watch")
	peerOut, err := os.Create(filepath.Join(b.TempDir(), "kubectl.out"))
	if err != nil {
		b.Fatal(err)
	}
	peer.Stdout, peer.Stderr = peerOut, peerOut
	if err := peer.Start(); err != nil {
		b.Fatal(err)
	}

	peerPeak := watchPeak(peer.Process.Pid)
	b.ResetTimer()
	wiz := exec.CommandContext(ctx, bin, "--steps", "daemonset,pods", "-y", "--lang", "en",
		"--region", "us-west-2", "--kubeconfig", wizardKC, "--pods-timeout", "25m")
	wiz.Env = []string{"HOME=" + b.TempDir(), "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true"}
	stderr, err := wiz.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stdout strings.Builder
	wiz.Stdout = &stdout
	start := time.Now()
	if err := wiz.Start(); err != nil {
		b.Fatal(err)
	}
	wizPeak := watchPeak(wiz.Process.Pid)
	var lines []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if os.Getenv("XRAY_WIZARD_BENCH_LOG") != "" {
		_ = os.WriteFile(os.Getenv("XRAY_WIZARD_BENCH_LOG"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	}
	werr := wiz.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if werr != nil {
		b.Fatalf("wizard: %v\nstdout:\n%s\nstderr (last lines):\n%s", werr, stdout.String(), tail(lines, 30))
	}
	rss := wizPeak()
	peerRSS := peerPeak()
	_ = peer.Process.Signal(syscall.SIGTERM)
	_ = peer.Wait()
	peerOut.Close()

	// Every node has a Ready daemon pod: counted from the pods, since the
	// DaemonSet's status lags them by minutes at this size.
	pods, err := cp.Client.CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{LabelSelector: "app=xray-daemon"})
	if err != nil {
		b.Fatal(err)
	}
	ready, onNode := 0, map[string]bool{}
	for _, p := range pods.Items {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				ready++
				onNode[p.Spec.NodeName] = true
			}
		}
	}
	if ready != nodes || len(onNode) != nodes {
		b.Fatalf("%d Ready daemon pods on %d nodes, want %d", ready, len(onNode), nodes)
	}
	if want := fmt.Sprintf("%d/%d", nodes, nodes); !strings.Contains(strings.Join(lines, "\n"), want) {
		b.Errorf("the wizard never reported %s Ready:\n%s", want, tail(lines, 30))
	}

	events, err := cp.AuditEvents("xray-wizard-bench")
	if err != nil {
		b.Fatal(err)
	}
	// The wait begins with the pods step's first list: the daemonset step
	// before it gets and patches single objects and lists nothing.
	all, waiting := map[string]int{}, map[string]int{}
	total, inWait := 0, 0
	inWaitNow := false
	for _, e := range events {
		key := e.Verb + " " + e.Resource()
		if e.Verb == "list" && strings.Contains(e.RequestURI, "continue=") {
			// A list read a page at a time is one list.
			key += " (next page)"
		}
		all[key]++
		total++
		inWaitNow = inWaitNow || e.Verb == "list"
		if inWaitNow {
			waiting[key]++
			inWait++
		}
	}
	b.ReportMetric(rss, "wizard-peak-RSS-MB")
	b.ReportMetric(peerRSS, "kubectl-watch-peak-RSS-MB")
	b.ReportMetric(float64(inWait), "requests-while-waiting")
	b.ReportMetric(float64(total), "requests-in-all")
	b.ReportMetric(elapsed.Seconds(), "s-to-all-Ready")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("  %d nodes; %d daemon pods Ready in %s; wizard peak RSS %.1f MB (goal ≤ 120), kubectl get pods -w %.1f MB (ratio %.2f)\n",
		nodes, ready, elapsed.Round(time.Second), rss, peerRSS, rss/peerRSS)
	fmt.Printf("  requests while waiting: %d  %s\n", inWait, counts(waiting))
	fmt.Printf("  requests in all (apply + wait): %d  %s\n", total, counts(all))
	if rss > 120 {
		b.Errorf("wizard peak RSS %.1f MB, goal ≤ 120 MB", rss)
	}
	// One list per resource, whatever the wait. A watch is opened again
	// only when the API server closed it: on a saturated machine it closes
	// a watcher that falls behind a flood of events ("Forcing … watcher
	// close due to unresponsiveness" in its log, as it does to the
	// controllers' watches). Every extra watch must be one of those.
	for key, n := range waiting {
		if strings.HasPrefix(key, "list ") && !strings.HasSuffix(key, " (next page)") && n > 1 {
			b.Errorf("%d × %s while waiting: want one list per resource", n, key)
		}
	}
	forced, err := cp.ForcedWatchCloses("/pods/default", "app=xray-daemon")
	if err != nil {
		b.Fatal(err)
	}
	peerEvents, err := cp.AuditEvents("kubectl-bench")
	if err != nil {
		b.Fatal(err)
	}
	peerWatches := 0
	for _, e := range peerEvents {
		if e.Verb == "watch" && e.Resource() == "pods" {
			peerWatches++
		}
	}
	rewatch := waiting["watch pods"] - 1
	fmt.Printf("  watches of the pods opened again after the API server closed them: wizard %d, kubectl %d (closes in its log: %d)\n",
		rewatch, peerWatches-1, forced)
	b.ReportMetric(float64(rewatch), "pod-rewatches-after-server-close")
	if rewatch+peerWatches-1 > forced {
		b.Errorf("%d watches of the pods by the wizard and %d by kubectl, but the API server closed only %d: the wizard watched again on its own",
			waiting["watch pods"], peerWatches, forced)
	}
	if n := waiting["watch daemonsets"]; n > 1+mustForced(b, cp, "/daemonsets/default", "") {
		b.Errorf("%d watches of the DaemonSet while waiting", n)
	}
	// The DaemonSet's FailedCreate events are watched only when pods go
	// missing with none made for a while: on a healthy cluster, never.
	if n := waiting["watch events"]; n > 1+mustForced(b, cp, "/events/default", "") {
		b.Errorf("%d watches of the events while waiting", n)
	}
	// Besides one list per resource and the watches: a handful of gets
	// (the service account's role), whatever the wait.
	other := inWait
	for key, n := range waiting {
		if strings.HasPrefix(key, "list ") || strings.HasPrefix(key, "watch ") {
			other -= n
		}
	}
	if other > 3 {
		b.Errorf("%d requests while waiting besides the lists and watches, want a handful whatever the wait: %s", other, counts(waiting))
	}
}

func mustForced(b *testing.B, cp *controlplane.ControlPlane, key, labels string) int {
	n, err := cp.ForcedWatchCloses(key, labels)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// watchPeak follows a process's peak resident memory (VmHWM) until it
// exits, and returns a function that gives it in MB. It reads /proc rather
// than the exit's rusage: a child started with vfork, as Go starts them,
// reports the parent's peak as its own there.
func watchPeak(pid int) func() float64 {
	var mu sync.Mutex
	peak := 0.0
	read := func() bool {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return false
		}
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
				mu.Lock()
				peak = max(peak, kb/1024)
				mu.Unlock()
			}
		}
		return true
	}
	go func() {
		for read() {
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() float64 {
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func tail(lines []string, n int) string {
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// buildWizard builds the wizard's binary into the benchmark's folder.
func buildWizard(b *testing.B) string {
	b.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	bin := filepath.Join(b.TempDir(), "xray-wizard")
	// As make build builds it: static, trimmed, stripped.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building xray-wizard: %v\n%s", err, out)
	}
	return bin
}
