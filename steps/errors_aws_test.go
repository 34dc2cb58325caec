package steps_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// oneLine fails the test when a cause or fix takes more than a line.
func oneLine(t *testing.T, s flow.StepSummary) {
	t.Helper()
	for _, st := range []string{s.Detail, s.Fix} {
		if strings.Contains(st, "\n") {
			t.Errorf("more than one line: %q", st)
		}
	}
}

// No credentials anywhere: the SDK's chain ends at the instance metadata
// service, which has no role. The person reads what is missing and the ways
// to give it; the SDK's text goes to the debug log.
func TestNoCredentialsNamesTheWays(t *testing.T) {
	sb := startSandbox(t)
	imds := httptest.NewServer(http.NotFoundHandler()) // an instance without a role
	t.Cleanup(imds.Close)
	dir := t.TempDir()
	for _, lang := range []i18n.Lang{i18n.En, i18n.Ja} {
		for k, v := range map[string]string{
			"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "",
			"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
			"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
			"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL, "AWS_EC2_METADATA_DISABLED": "",
		} {
			t.Setenv(k, v)
		}
		cfg, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithRegion("us-west-2"), awsconfig.WithRetryMaxAttempts(1))
		if err != nil {
			t.Fatal(err)
		}
		cfg.BaseEndpoint = sb.AWSConfig().BaseEndpoint
		env := newEnv(sb, steps.Options{Lang: lang})
		env.UseAWS(cfg)
		var log bytes.Buffer
		env.Log = slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		s := runSteps(t, env, "preflight", nil).Steps[0]
		if s.Status != flow.Failed || s.Detail != lang.T(i18n.ErrNoCredentials, "sts:GetCallerIdentity") || s.Fix != lang.T(i18n.FixNoCredentials) {
			t.Errorf("%s: %+v", lang, s)
		}
		for _, w := range []string{"AWS_ACCESS_KEY_ID", "--profile", "Cloud9", "--sandbox"} {
			if !strings.Contains(s.Fix, w) {
				t.Errorf("%s: the fix does not name %s: %s", lang, w, s.Fix)
			}
		}
		if strings.Contains(s.Detail, "IMDS") {
			t.Errorf("%s: the SDK's text on screen: %s", lang, s.Detail)
		}
		if !strings.Contains(log.String(), "no EC2 IMDS role found") {
			t.Errorf("%s: the SDK's text is not in the debug log: %s", lang, log.String())
		}
		oneLine(t, s)
	}
}

// An endpoint that answers a server error after the retries, or something
// that is not an AWS response: one line each, and a fix.
func TestServerErrorsAndGarbage(t *testing.T) {
	sb := startSandbox(t)
	once := func(endpoint string) *steps.Env {
		env := newEnv(sb, steps.Options{})
		cfg := sb.AWSConfig()
		cfg.RetryMaxAttempts = 1
		if endpoint != "" {
			cfg.BaseEndpoint = aws.String(endpoint)
		}
		env.UseAWS(cfg)
		return env
	}
	serve := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}

	// AWS's own InternalFailure, from the sandbox.
	sb.AWS.SetFaults(sandbox.Fault{Action: "STS.GetCallerIdentity", Rate: 1, Status: 500, Code: "InternalFailure", Message: "oops"})
	s := runSteps(t, once(""), "preflight", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "answered HTTP 500") || !strings.Contains(s.Fix, "Run again") {
		t.Errorf("500 from AWS: %+v", s)
	}
	oneLine(t, s)
	sb.AWS.SetFaults()

	// A proxy's error page.
	proxy := serve(502, "<html><body>Bad Gateway</body></html>")
	s = runSteps(t, once(proxy), "preflight", nil).Steps[0]
	if s.Status != flow.Failed || !strings.Contains(s.Detail, "sts:GetCallerIdentity: "+proxy+" answered HTTP 502") || !strings.Contains(s.Fix, "AWS_ENDPOINT_URL") {
		t.Errorf("502 page: %+v", s)
	}
	oneLine(t, s)

	// Something that answers 200 with what is not AWS's protocol, for a
	// query (STS) and a JSON (EKS) API.
	for _, body := range []string{"hello, this is not AWS", "<html>sign in to the Wi-Fi</html>", "{not json"} {
		garbage := serve(200, body)
		s = runSteps(t, once(garbage), "preflight", nil).Steps[0]
		if s.Status != flow.Failed || !strings.Contains(s.Detail, "is not an AWS API response") || !strings.Contains(s.Fix, "HTTPS_PROXY") {
			t.Errorf("garbage %q: %+v", body, s)
		}
		oneLine(t, s)
		env := once(garbage)
		_, err := steps.ListClusters(context.Background(), env.EKS)
		if got := env.AWSError("eks:ListClusters", err).Error(); !strings.Contains(got, "is not an AWS API response") {
			t.Errorf("garbage %q from EKS: %s", body, got)
		}
	}
}
