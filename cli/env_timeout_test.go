package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/xray-wizard/xray-wizard/steps"
)

// Every AWS request ends: an endpoint that takes it and never answers
// costs an attempt of at most a minute, never the run.
func TestAWSAttemptsEnd(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	cfg, err := awsConfig(context.Background(), steps.Options{Region: "us-west-2"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok || c.GetTimeout() <= 0 || c.GetTimeout() > 2*time.Minute {
		t.Errorf("the AWS HTTP client %T: no attempt timeout", cfg.HTTPClient)
	}
}
