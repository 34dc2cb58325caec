package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
)

// What the doctor reads in a Collector's log is what the real Collector
// writes, with the wizard's config: an export X-Ray refuses is an error the
// doctor names in the SDK's own words; a Collector whose exports arrive has
// started and logs no failure (it logs none of the batches it sends); an
// exporter without a region stops the Collector with the line the doctor's
// region check looks for. (The sandbox's simulated Collector writes the
// same lines: the doctor's own tests read those.)
func TestCollectorLogAsTheDoctorReadsIt(t *testing.T) {
	otelcol := tool(t, "otelcol-xray")
	env := serve(t)
	region, endpoint := env["AWS_REGION"], env["AWS_ENDPOINT_URL"]

	// collector runs the Collector with config and an access key; it
	// returns its log, and a stop that ends it and returns its whole log.
	collector := func(t *testing.T, config, keyID string) (log *syncBuffer, exited chan struct{}) {
		t.Helper()
		file := filepath.Join(t.TempDir(), "collector.yaml")
		if err := os.WriteFile(file, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		col := exec.CommandContext(ctx, otelcol, "--config="+file)
		col.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + keyID,
			"AWS_SECRET_ACCESS_KEY=" + env["AWS_SECRET_ACCESS_KEY"], "AWS_EC2_METADATA_DISABLED=true"}
		log, exited = &syncBuffer{}, make(chan struct{})
		col.Stdout, col.Stderr = log, log
		if err := col.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { _ = col.Wait(); close(exited) }()
		t.Cleanup(func() {
			cancel()
			<-exited
			if t.Failed() {
				t.Logf("the Collector's log:\n%s", log.String())
			}
		})
		return log, exited
	}
	waitLog := func(t *testing.T, log *syncBuffer, exited chan struct{}, s string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(log.String(), s); time.Sleep(50 * time.Millisecond) {
			select {
			case <-exited:
				t.Fatalf("the Collector exited before its log said %q", s)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("the Collector's log did not say %q within 30 s", s)
			}
		}
	}

	t.Run("an export X-Ray refuses", func(t *testing.T) {
		p := ports{xray: freePort(t), grpc: freePort(t), http: freePort(t), metrics: freePort(t)}
		log, exited := collector(t, collectorConfig(t, region, endpoint, p), "AKIAUNKNOWNKEY000000")
		waitLog(t, log, exited, "Everything is ready")
		sendSDKSegments(t, fmt.Sprintf("127.0.0.1:%d", p.xray), []int{200})
		waitLog(t, log, exited, "Exporting failed")
		cl := doctor.ReadCollectorLog(log.String())
		if !cl.Started || len(cl.ExportErrors) == 0 || cl.NoRegion != "" {
			t.Fatalf("the doctor read %+v", cl)
		}
		if e := cl.ExportErrors[0]; !strings.HasPrefix(e, "operation error XRay: PutTraceSegments") || !strings.Contains(e, "UnrecognizedClientException") {
			t.Errorf("the export's error as the doctor reads it: %q", e)
		}
	})

	t.Run("exports that arrive", func(t *testing.T) {
		p := ports{xray: freePort(t), grpc: freePort(t), http: freePort(t), metrics: freePort(t)}
		log, exited := collector(t, collectorConfig(t, region, endpoint, p), env["AWS_ACCESS_KEY_ID"])
		waitLog(t, log, exited, "Everything is ready")
		sendSDKSegments(t, fmt.Sprintf("127.0.0.1:%d", p.xray), []int{200, 200})
		// X-Ray has them: the Collector exported them.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Second) {
			r := exec.Command(wizard, "traces", "--output", "json", "--since", "5m")
			r.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}, environ(env)...)
			out, _ := r.Output()
			var got struct{ Traces flow.TraceCounts }
			if json.Unmarshal(out, &got) == nil && got.Traces.ByService["Frontend"] >= 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("X-Ray has not the Collector's traces within 30 s:\n%s", out)
			}
		}
		cl := doctor.ReadCollectorLog(log.String())
		if !cl.Started || cl.Ready == "" || len(cl.ExportErrors) != 0 || cl.NoRegion != "" {
			t.Errorf("the doctor read %+v", cl)
		}
	})

	t.Run("an exporter without a region", func(t *testing.T) {
		p := ports{xray: freePort(t), grpc: freePort(t), http: freePort(t), metrics: freePort(t)}
		var cfg map[string]any
		if err := sigsyaml.Unmarshal([]byte(collectorConfig(t, region, endpoint, p)), &cfg); err != nil {
			t.Fatal(err)
		}
		delete(cfg["exporters"].(map[string]any)["awsxray"].(map[string]any), "region")
		raw, _ := sigsyaml.Marshal(cfg)
		log, exited := collector(t, string(raw), env["AWS_ACCESS_KEY_ID"])
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			t.Fatal("the Collector without a region did not exit within 30 s")
		}
		cl := doctor.ReadCollectorLog(log.String())
		if cl.Started || !strings.Contains(cl.NoRegion, "ec2imds: GetRegion") {
			t.Errorf("the doctor read %+v", cl)
		}
	})
}
