package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkTraceCountVsAWSCLI counts the traces of a window in the sandbox's
// X-Ray, seeded with 100,000 traces ($XRAY_WIZARD_BENCH_TRACES) and answering
// each request after 5 ms, twice in one run: with `xray-wizard traces` and
// with the AWS CLI v2 paginating `aws xray get-trace-summaries` over the
// same window (Debian's awscli, /usr/bin/aws). Both must find every trace.
// Goals: the wizard's wall time ≤ 0.1 × the CLI's, its peak RSS ≤ 40 MB.
func BenchmarkTraceCountVsAWSCLI(b *testing.B) {
	if b.N > 1 {
		b.Fatal("one run is the measurement: use -benchtime 1x")
	}
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
	env, _ := serve(b, "--latency", "5ms", "--seed-traces", strconv.Itoa(n))
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir(), "LANG=C.UTF-8",
		"AWS_ACCESS_KEY_ID=" + env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + env["AWS_SECRET_ACCESS_KEY"],
		"AWS_REGION=" + env["AWS_REGION"], "AWS_DEFAULT_REGION=" + env["AWS_REGION"], "AWS_EC2_METADATA_DISABLED=true"}
	end := time.Now().Add(time.Minute)
	start := end.Add(-20 * time.Minute)

	// Each side runs more than once and its best run counts, as the
	// machine's other work comes and goes.
	b.ResetTimer()
	var wizTime, awsTime time.Duration
	var wizRSS, awsRSS peak
	var wizRuns, awsRuns []string
	for range 3 {
		wiz := exec.Command(bin, "traces", "-y", "--output", "json", "--since", "20m")
		wiz.Env = append(vars, "AWS_ENDPOINT_URL="+env["AWS_ENDPOINT_URL"])
		out, took, rss := measure(b, wiz)
		var got struct{ Traces struct{ Total int } }
		if err := json.Unmarshal(out, &got); err != nil {
			b.Fatalf("wizard output: %v\n%s", err, out)
		}
		if got.Traces.Total != n {
			b.Errorf("the wizard counted %d, seeded %d", got.Traces.Total, n)
		}
		wizRuns = append(wizRuns, fmt.Sprintf("%.2fs", took.Seconds()))
		if wizTime == 0 || took < wizTime {
			wizTime = took
		}
		if rss.total > wizRSS.total {
			wizRSS = rss
		}
	}
	// The CLI v2 of Debian predates AWS_ENDPOINT_URL: --endpoint-url. With
	// JSON output it gathers every page before the query counts them.
	for range 2 {
		aws := exec.Command(cli, "xray", "get-trace-summaries", "--endpoint-url", env["AWS_ENDPOINT_URL"],
			"--start-time", strconv.FormatInt(start.Unix(), 10), "--end-time", strconv.FormatInt(end.Unix(), 10),
			"--time-range-type", "TraceId", "--query", "length(TraceSummaries)", "--output", "json")
		aws.Env = vars
		out, took, rss := measure(b, aws)
		total, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil || total != n {
			b.Errorf("the AWS CLI counted %q, seeded %d", out, n)
		}
		awsRuns = append(awsRuns, fmt.Sprintf("%.2fs", took.Seconds()))
		if awsTime == 0 || took < awsTime {
			awsTime = took
		}
		if rss.total > awsRSS.total {
			awsRSS = rss
		}
	}
	b.StopTimer()
	ratio := wizTime.Seconds() / awsTime.Seconds()
	b.ReportMetric(wizTime.Seconds(), "wizard-s")
	b.ReportMetric(awsTime.Seconds(), "aws-cli-s")
	b.ReportMetric(ratio, "time-ratio")
	b.ReportMetric(wizRSS.total, "wizard-peak-RSS-MB")
	b.ReportMetric(awsRSS.total, "aws-cli-peak-RSS-MB")
	fmt.Printf("  %d traces, 5 ms a request: xray-wizard traces %.2fs (runs %s), aws xray get-trace-summaries %.2fs (runs %s): ratio %.3f, goal ≤ 0.1\n",
		n, wizTime.Seconds(), strings.Join(wizRuns, " "), awsTime.Seconds(), strings.Join(awsRuns, " "), ratio)
	fmt.Printf("  peak RSS: wizard %.1f MB (%.1f MB of it the mapped binary, %.1f MB its own memory; goal ≤ 40), AWS CLI %.1f MB\n",
		wizRSS.total, wizRSS.file, wizRSS.anon, awsRSS.total)
	if ratio > 0.1 {
		b.Errorf("wizard %.2fs is %.3f × the CLI's %.2fs, goal ≤ 0.1", wizTime.Seconds(), ratio, awsTime.Seconds())
	}
	if wizRSS.total > 40 {
		b.Errorf("wizard peak RSS %.1f MB, goal ≤ 40 MB", wizRSS.total)
	}
}

// peak is a process's peak resident memory in MB, and at that moment how
// much was file-backed (the mapped executable and libraries) and anonymous.
type peak struct{ total, file, anon float64 }

// measure runs cmd, following its memory in /proc, and returns its stdout,
// wall time and peak memory.
func measure(b *testing.B, cmd *exec.Cmd) ([]byte, time.Duration, peak) {
	b.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
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
	err := cmd.Wait()
	took := time.Since(start)
	cancel()
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Args[0], err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return []byte(stdout.String()), took, p
}
