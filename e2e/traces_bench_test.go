package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// traceShape is where the seeded traces lie and the window counted.
type traceShape struct {
	name  string
	seed  []string      // sandbox serve's placing flags
	since time.Duration // the window: the last since
}

// The shapes: the traces of the last 15 minutes in a window as short, the
// same traces in a 6-hour window, traces spread evenly over 6 hours, and a
// 15-minute bunch in the middle of a 24-hour window (longer than one
// request of X-Ray may span).
var traceShapes = []traceShape{
	{"bunched-15m-in-20m", nil, 20 * time.Minute},
	{"even-6h", []string{"--seed-span", "5h58m", "--seed-ago", "5s"}, 6 * time.Hour},
	{"bunched-15m-in-6h", nil, 6 * time.Hour},
	{"bunched-15m-mid-24h", []string{"--seed-ago", "12h"}, 24 * time.Hour},
}

// BenchmarkTraceCountVsAWSCLI counts the traces of a window in the sandbox's
// X-Ray, seeded with 100,000 traces ($XRAY_WIZARD_BENCH_TRACES) and answering
// each request after 5 ms, for each shape (traceShapes): with `xray-wizard
// traces` and with the AWS CLI v2 paginating `aws xray get-trace-summaries`
// over the same window (Debian's awscli, /usr/bin/aws), in the same run.
// Both must find every trace. The wizard's first figure (the service map's
// estimate) and its exact count are timed from its lines on stderr.
// Goals, each shape: the wizard's wall time ≤ 0.1 × the CLI's, its peak
// RSS ≤ 40 MB, the estimate before the exact count.
func BenchmarkTraceCountVsAWSCLI(b *testing.B) {
	n := 100000
	if s := os.Getenv("XRAY_WIZARD_BENCH_TRACES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("XRAY_WIZARD_BENCH_TRACES=%q: want a number of traces", s)
		}
		n = v
	}
	const cli = "/usr/bin/aws"
	if _, err := os.Stat(cli); err != nil {
		b.Fatalf("%s is missing: the benchmark compares against the AWS CLI v2 (apt-get install awscli)", cli)
	}
	// The wizard runs from a plain copy of the built binary, as an install
	// writes it: the file the Go linker writes itself is mapped, on this
	// machine's kernel, in larger page-cache blocks, some 4 MB more of it
	// resident for the same bytes and the same run.
	wizBin := filepath.Join(b.TempDir(), "xray-wizard")
	if err := copyFile(bin, wizBin); err != nil {
		b.Fatal(err)
	}
	for _, shape := range traceShapes {
		if f := os.Getenv("XRAY_WIZARD_BENCH_SHAPES"); f != "" && !slices.Contains(strings.Split(f, ","), shape.name) {
			continue
		}
		b.Run(shape.name, func(b *testing.B) { benchTraceShape(b, wizBin, cli, n, shape) })
	}
}

func benchTraceShape(b *testing.B, wizBin, cli string, n int, shape traceShape) {
	if b.N > 1 {
		b.Fatal("one run is the measurement: use -benchtime 1x")
	}
	env, _ := serve(b, append([]string{"--latency", "5ms", "--seed-traces", strconv.Itoa(n)}, shape.seed...)...)
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir(), "LANG=C.UTF-8",
		"AWS_ACCESS_KEY_ID=" + env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + env["AWS_SECRET_ACCESS_KEY"],
		"AWS_REGION=" + env["AWS_REGION"], "AWS_DEFAULT_REGION=" + env["AWS_REGION"], "AWS_EC2_METADATA_DISABLED=true"}

	// Each side runs more than once and its best run counts, as the
	// machine's other work comes and goes.
	b.ResetTimer()
	var wizTime, awsTime, firstAt, exactAt time.Duration
	var wizRSS, awsRSS peak
	var wizRuns, awsRuns []string
	for range 3 {
		wiz := exec.Command(wizBin, "traces", "-y", "--output", "json", "--since", shape.since.String())
		wiz.Env = append(vars, "AWS_ENDPOINT_URL="+env["AWS_ENDPOINT_URL"])
		r := measure(b, wiz, "about ", " traces: ")
		var got struct{ Traces struct{ Total int } }
		if err := json.Unmarshal(r.out, &got); err != nil {
			b.Fatalf("wizard output: %v\n%s", err, r.out)
		}
		if got.Traces.Total != n {
			b.Errorf("the wizard counted %d, seeded %d", got.Traces.Total, n)
		}
		est, exact := r.at[0], r.at[1]
		if est == 0 || exact == 0 || est > exact {
			b.Errorf("the estimate at %s, the exact count at %s: want the estimate first\n%s", est, exact, r.stderr)
		}
		wizRuns = append(wizRuns, fmt.Sprintf("%.2fs", r.took.Seconds()))
		if wizTime == 0 || r.took < wizTime {
			wizTime, firstAt, exactAt = r.took, est, exact
		}
		if r.rss.total > wizRSS.total {
			wizRSS = r.rss
		}
	}
	// The CLI v2 of Debian predates AWS_ENDPOINT_URL: --endpoint-url. With
	// JSON output it gathers every page before the query counts them.
	for range 2 {
		end := time.Now()
		start := end.Add(-shape.since)
		aws := exec.Command(cli, "xray", "get-trace-summaries", "--endpoint-url", env["AWS_ENDPOINT_URL"],
			"--start-time", strconv.FormatInt(start.Unix(), 10), "--end-time", strconv.FormatInt(end.Unix(), 10),
			"--time-range-type", "TraceId", "--query", "length(TraceSummaries)", "--output", "json")
		aws.Env = vars
		r := measure(b, aws)
		total, err := strconv.Atoi(strings.TrimSpace(string(r.out)))
		if err != nil || total != n {
			b.Errorf("the AWS CLI counted %q, seeded %d", r.out, n)
		}
		awsRuns = append(awsRuns, fmt.Sprintf("%.2fs", r.took.Seconds()))
		if awsTime == 0 || r.took < awsTime {
			awsTime = r.took
		}
		if r.rss.total > awsRSS.total {
			awsRSS = r.rss
		}
	}
	b.StopTimer()
	ratio := wizTime.Seconds() / awsTime.Seconds()
	b.ReportMetric(wizTime.Seconds(), "wizard-s")
	b.ReportMetric(firstAt.Seconds(), "first-figure-s")
	b.ReportMetric(awsTime.Seconds(), "aws-cli-s")
	b.ReportMetric(ratio, "time-ratio")
	b.ReportMetric(wizRSS.total, "wizard-peak-RSS-MB")
	b.ReportMetric(awsRSS.total, "aws-cli-peak-RSS-MB")
	fmt.Printf("  %s (--since %s), %d traces, 5 ms a request: xray-wizard traces %.2fs (runs %s; first figure at %.2fs, exact count at %.2fs), aws xray get-trace-summaries %.2fs (runs %s): ratio %.3f, goal ≤ 0.1\n",
		shape.name, shape.since, n, wizTime.Seconds(), strings.Join(wizRuns, " "), firstAt.Seconds(), exactAt.Seconds(),
		awsTime.Seconds(), strings.Join(awsRuns, " "), ratio)
	fmt.Printf("  %s peak RSS: wizard %.1f MB (%.1f MB of it the mapped binary, %.1f MB its own memory; goal ≤ 40), AWS CLI %.1f MB\n",
		shape.name, wizRSS.total, wizRSS.file, wizRSS.anon, awsRSS.total)
	if ratio > 0.1 {
		b.Errorf("%s: wizard %.2fs is %.3f × the CLI's %.2fs, goal ≤ 0.1", shape.name, wizTime.Seconds(), ratio, awsTime.Seconds())
	}
	if wizRSS.total > 40 {
		b.Errorf("%s: wizard peak RSS %.1f MB, goal ≤ 40 MB", shape.name, wizRSS.total)
	}
}

// copyFile copies the file at from to a new executable file at to.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(struct{ io.Writer }{out}, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// peak is a process's peak resident memory in MB, and at that moment how
// much was file-backed (the mapped executable and libraries) and anonymous.
type peak struct{ total, file, anon float64 }

// measured is one run: its stdout and stderr, wall time, peak memory, and
// when the first stderr line holding each of the marks given came.
type measured struct {
	out, stderr []byte
	took        time.Duration
	rss         peak
	at          []time.Duration
}

// measure runs cmd, following its memory in /proc and its stderr line by
// line, and returns what it measured.
func measure(b *testing.B, cmd *exec.Cmd, marks ...string) measured {
	b.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	at := make([]time.Duration, len(marks))
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			line := sc.Text()
			for i, m := range marks {
				if at[i] == 0 && strings.Contains(line, m) {
					at[i] = time.Since(start)
				}
			}
			stderr.WriteString(line + "\n")
		}
	}()
	var mu sync.Mutex
	var p peak
	sample := func() {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if err != nil {
			return
		}
		var hwm, file, anon float64
		for _, line := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			switch k {
			case "VmHWM":
				hwm = kb / 1024
			case "RssFile":
				file = kb / 1024
			case "RssAnon":
				anon = kb / 1024
			}
		}
		mu.Lock()
		if hwm > p.total {
			p.total = hwm
		}
		if file+anon >= p.file+p.anon {
			p.file, p.anon = file, anon
		}
		mu.Unlock()
	}
	go func() {
		for ctx.Err() == nil {
			sample()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	<-read
	err = cmd.Wait()
	took := time.Since(start)
	cancel()
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Args[0], err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return measured{out: []byte(stdout.String()), stderr: []byte(stderr.String()), took: took, rss: p, at: at}
}
