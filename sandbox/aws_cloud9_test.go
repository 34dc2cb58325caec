package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
)

// lastBody is an HTTP client that keeps the last answer's body.
type lastBody struct {
	c    *http.Client
	body []byte
}

func (l *lastBody) Do(r *http.Request) (*http.Response, error) {
	resp, err := l.c.Do(r)
	if err != nil {
		return resp, err
	}
	l.body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(l.body))
	return resp, err
}

// The Cloud9 setting "AWS managed temporary credentials": while it is on,
// the terminal's credentials are Cloud9's temporary ones, which STS, EKS
// and X-Ray take and IAM refuses exactly as AWS does (403,
// InvalidClientTokenId, its message, the query protocol's error
// document); turned off, they are revoked and the instance role's are the
// terminal's again.
func TestCloud9ManagedCredentials(t *testing.T) {
	ctx := context.Background()
	a, cfg := awsTStart(t, AWSOptions{})
	if c9 := a.Cloud9(); c9.Managed || c9.ManagedCredentialsStatus != Cloud9ManagedDisabled || len(c9.EnvironmentID) != 32 {
		t.Fatalf("a fresh world's Cloud9: %+v", c9)
	}
	a.SetCloud9ManagedCredentials(true)
	managed := cfg
	managed.Credentials = a.terminalCredentials()
	got, err := managed.Credentials.Retrieve(ctx)
	if err != nil || got.AccessKeyID != Cloud9ManagedAccessKeyID || got.SessionToken == "" {
		t.Fatalf("the terminal's credentials: %+v, %v", got, err)
	}
	raw := &lastBody{c: &http.Client{Timeout: 10 * time.Second}}
	managed.HTTPClient = raw

	id, err := sts.NewFromConfig(managed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::123456789012:assumed-role/WSParticipantRole/Participant" {
		t.Fatalf("STS: %+v, %v", id, err)
	}
	_, err = iam.NewFromConfig(managed).ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if code, status := awsTCode(t, err); code != "InvalidClientTokenId" || status != 403 {
		t.Fatalf("IAM: %s %d (%v)", code, status, err)
	}
	want := regexp.MustCompile(`^<ErrorResponse xmlns="https://iam\.amazonaws\.com/doc/2010-05-08/"><Error><Type>Sender</Type>` +
		`<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid\.</Message></Error>` +
		`<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`)
	if !want.Match(raw.body) {
		t.Errorf("IAM's error document: %s", raw.body)
	}
	for _, call := range []func() error{
		func() error {
			_, err := iam.NewFromConfig(managed).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nosuch")})
			return err
		},
		func() error {
			_, err := iam.NewFromConfig(managed).CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(a.Issuer("eksworkshop-eksctl")), ClientIDList: []string{"sts.amazonaws.com"}})
			return err
		},
	} {
		if code, _ := awsTCode(t, call()); code != "InvalidClientTokenId" {
			t.Errorf("IAM: %s", code)
		}
	}
	if _, err := eks.NewFromConfig(managed).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("eksworkshop-eksctl")}); err != nil {
		t.Errorf("EKS: %v", err)
	}
	if _, err := xray.NewFromConfig(managed).GetTraceSummaries(ctx, &xray.GetTraceSummariesInput{StartTime: aws.Time(time.Now().Add(-time.Minute)), EndTime: aws.Time(time.Now())}); err != nil {
		t.Errorf("X-Ray: %v", err)
	}

	// Kept between runs.
	st := a.State()
	b := NewAWS(AWSOptions{})
	if err := b.Restore(st); err != nil {
		t.Fatal(err)
	}
	if b.Cloud9() != a.Cloud9() {
		t.Errorf("restored: %+v, saved %+v", b.Cloud9(), a.Cloud9())
	}

	// Turned off: Cloud9 revokes them; the instance role is the terminal's.
	a.SetCloud9ManagedCredentials(false)
	if _, err := sts.NewFromConfig(managed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		t.Error("the revoked managed credentials still work")
	} else if code, status := awsTCode(t, err); code != "InvalidClientTokenId" || status != 403 {
		t.Errorf("revoked: %s %d", code, status)
	}
	cfg.Credentials = a.terminalCredentials()
	if _, err := iam.NewFromConfig(cfg).ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{}); err != nil {
		t.Errorf("IAM with the instance role: %v", err)
	}
}
