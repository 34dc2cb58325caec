package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --dry-run's JSON carries the whole trust policy the iamsa step would
// write, not only its sub condition.
func TestDryRunJSONShowsTheTrustPolicy(t *testing.T) {
	r := run(t, time.Minute, nil, "--sandbox", "--dry-run", "--output", "json", "--steps", "oidc,iamsa")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var sum struct {
		Steps []struct {
			ID   string
			Plan struct {
				Changes []struct {
					Kind     string
					Document *struct {
						Statement []struct {
							Effect    string
							Principal struct{ Federated string }
							Action    string
							Condition map[string]map[string]string
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("stdout: %v\n%s", err, r.stdout)
	}
	for _, s := range sum.Steps {
		for _, c := range s.Plan.Changes {
			if c.Kind != "IAM role" {
				continue
			}
			if c.Document == nil || len(c.Document.Statement) != 1 {
				t.Fatalf("the role's change has no trust document: %+v", c)
			}
			st := c.Document.Statement[0]
			eq := st.Condition["StringEquals"]
			var sub, aud string
			for k, v := range eq {
				switch {
				case strings.HasSuffix(k, ":sub"):
					sub = v
				case strings.HasSuffix(k, ":aud"):
					aud = v
				}
			}
			if st.Effect != "Allow" || st.Action != "sts:AssumeRoleWithWebIdentity" || !strings.Contains(st.Principal.Federated, ":oidc-provider/") ||
				sub != "system:serviceaccount:default:xray-daemon" || aud != "sts.amazonaws.com" {
				t.Errorf("trust document %+v", st)
			}
			return
		}
	}
	t.Fatalf("no IAM role change in the plan:\n%s", r.stdout)
}

// jsonLines checks that every line of a debug log is one JSON object with
// no key given twice, and returns the objects.
func jsonLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		seen := map[string]bool{}
		depth := 0
		key := true
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("log line %d is not JSON: %v\n%s", n, err, sc.Text())
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
				key = depth == 1
				continue
			case string:
				if depth == 1 && key {
					if seen[v] {
						t.Errorf("log line %d has the key %q twice: %s", n, v, sc.Text())
					}
					seen[v] = true
					key = false
					continue
				}
			}
			key = depth == 1
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %d: %v", n, err)
		}
		out = append(out, m)
	}
	return out
}

// The debug log is JSON lines, one key once each, and records the SDK's
// retries when X-Ray throttles; the count says on stderr that it waits on
// throttling.
func TestDebugLogRecordsThrottling(t *testing.T) {
	vars, _ := serve(t, "--seed-traces", "1500", "--throttle-rate", "5")
	log := filepath.Join(t.TempDir(), "debug.log")
	r := run(t, 90*time.Second, environ(vars), "traces", "--output", "json", "--since", "20m", "--log-file", log)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "X-Ray is throttling the reads (429)") {
		t.Errorf("stderr does not say the count waits on throttling:\n%s", r.stderr)
	}
	retries := 0
	for _, l := range jsonLines(t, log) {
		if l["msg"] == "aws sdk" && strings.Contains(strings.ToLower(l["text"].(string)), "retr") {
			retries++
		}
	}
	if retries == 0 {
		t.Errorf("the debug log has no SDK retry line")
	}
}
