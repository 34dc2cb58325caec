package steps_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// A storm of throttling and server errors: the SDK's retryer carries the
// run through.
func TestRunSurvivesThrottlingAndServerErrors(t *testing.T) {
	sb := startSandbox(t)
	sb.AWS.SetFaults(
		sandbox.Fault{Action: "*", Rate: 0.3, Status: 429, Code: "ThrottlingException", Message: "Rate exceeded"},
		sandbox.Fault{Action: "*", Rate: 0.1, Status: 500, Code: "InternalFailure", Message: "internal"},
	)
	cfg := sb.AWSConfig()
	cfg.RetryMaxAttempts = 10
	env := newEnv(sb, steps.Options{})
	env.UseAWS(cfg)
	ss, _ := steps.Select("preflight,oidc,iamsa")
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	wantStatuses(t, "through the faults", sum, flow.Done, flow.Created, flow.Created)
	total := 0
	for _, n := range sb.AWS.Calls() {
		total += n
	}
	if total < 15 {
		t.Errorf("only %d calls: the faults were not exercised", total)
	}
}

// AccessDenied on CreateRole: one line naming the action, the caller and
// where the permission is; nothing is left half made.
func TestAccessDeniedOnCreateRole(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	ss, _ := steps.Select("preflight,oidc,iamsa")
	sb.AWS.SetFaults(sandbox.Fault{Action: "IAM.CreateRole", Rate: 1, Status: 403, Code: "AccessDenied",
		Message: "User: arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0sandbox is not authorized to perform: iam:CreateRole"})
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	s := sum.Steps[2]
	want := "AWS denied iam:CreateRole to arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0sandbox"
	if s.Status != flow.Failed || s.Detail != want || !strings.Contains(s.Fix, "assets/iam-policy.json") || strings.Contains(s.Detail, "\n") {
		t.Fatalf("iamsa = %+v", s)
	}
	if !sum.Failed() {
		t.Error("summary does not say it failed (exit 1)")
	}
	roles, err := iam.NewFromConfig(sb.AWSConfig()).ListRoles(context.Background(), &iam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 0 {
		t.Errorf("roles after the failure: %v %v", roles, err)
	}
}

// AccessDenied on AttachRolePolicy: the role just made is taken away again,
// so no role is left without its policy.
func TestNoRoleWithoutItsPolicy(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	ss, _ := steps.Select("preflight,oidc,iamsa")
	sb.AWS.SetFaults(sandbox.Fault{Action: "IAM.AttachRolePolicy", Rate: 1, Status: 403, Code: "AccessDenied", Message: "denied"})
	sum := (&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	if sum.Steps[2].Status != flow.Failed || !strings.Contains(sum.Steps[2].Detail, "iam:AttachRolePolicy") {
		t.Fatalf("iamsa = %+v", sum.Steps[2])
	}
	roles, _ := iam.NewFromConfig(sb.AWSConfig()).ListRoles(context.Background(), &iam.ListRolesInput{})
	if len(roles.Roles) != 0 {
		t.Errorf("a role was left without its policy: %s", aws.ToString(roles.Roles[0].RoleName))
	}
}

// The least-privilege policy in assets/ allows every call the wizard makes,
// and nothing it never makes.
func TestLeastPrivilegePolicyMatchesCalls(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "assets", "iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Statement []struct {
			Action any
		}
	}
	if err := json.Unmarshal(raw, &pol); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, st := range pol.Statement {
		switch a := st.Action.(type) {
		case string:
			allowed[a] = true
		case []any:
			for _, x := range a {
				allowed[x.(string)] = true
			}
		}
	}
	// Every call of a full run, a second run, and a run that repairs a
	// rollback, through the SDK counter.
	sb := startSandbox(t)
	rec := &calls{}
	cfg := config(sb.Endpoint, rec)
	run := func() {
		env := newEnv(sb, steps.Options{Requests: 3, SamplingRule: steps.SamplingRecordAll})
		env.UseAWS(cfg)
		(&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{})
	}
	run()
	// The second run with Transaction Search on: the count reads the
	// indexing rule too.
	if _, err := xray.NewFromConfig(sb.AWSConfig()).UpdateTraceSegmentDestination(context.Background(),
		&xray.UpdateTraceSegmentDestinationInput{Destination: xraytypes.TraceSegmentDestinationCloudWatchLogs}); err != nil {
		t.Fatal(err)
	}
	run()
	sb.AWS.SetFaults(sandbox.Fault{Action: "IAM.AttachRolePolicy", Rate: 1, Status: 403, Code: "AccessDenied", Message: "denied"})
	env := newEnv(sb, steps.Options{Namespace: "other"})
	env.UseAWS(cfg)
	ss, _ := steps.Select("iamsa")
	(&steps.Runner{Env: env, Steps: ss}).Run(context.Background(), &events{})
	// A provider without the STS audience, a role whose trust differs (the
	// person confirms the fix), and a cluster found by listing them.
	sb.AWS.SetFaults()
	sb2 := startSandbox(t)
	cfg2 := config(sb2.Endpoint, rec)
	ic := iam.NewFromConfig(sb2.AWSConfig())
	issuer := sb2.AWS.Issuer("eksworkshop-eksctl")
	if _, err := ic.CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"other"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(steps.RoleName("eksworkshop-eksctl", "default", "xray-daemon")),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	env = newEnv(sb2, steps.Options{})
	env.UseAWS(cfg2)
	env.KubeCluster = ""
	ss, _ = steps.Select("preflight,oidc,iamsa")
	sum := (&steps.Runner{Env: env, Steps: ss, Confirm: yes{}}).Run(context.Background(), &events{})
	for _, s := range sum.Steps {
		if !s.Status.OK() {
			t.Fatalf("repair run: %s %s %s", s.ID, s.Status, s.Detail)
		}
	}
	// EKS Pod Identity, from nothing.
	sb3 := startSandbox(t)
	env = newEnv(sb3, steps.Options{Identity: steps.IdentityPodIdentity, Requests: 3})
	env.UseAWS(config(sb3.Endpoint, rec))
	(&steps.Runner{Env: env, Steps: steps.All()}).Run(context.Background(), &events{})
	(&steps.Runner{Env: env, Steps: steps.All()[:3]}).Run(context.Background(), &events{})
	// The doctor and cleanup (the provider too), with both identities.
	doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
	(&steps.Runner{Env: env, Steps: []steps.Step{steps.Cleanup{IncludeOIDC: true}}}).Run(context.Background(), &events{})
	env = newEnv(sb, steps.Options{Requests: 3})
	env.UseAWS(cfg)
	doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
	if sum := (&steps.Runner{Env: env, Steps: []steps.Step{steps.Cleanup{IncludeOIDC: true}}}).Run(context.Background(), &events{}); sum.Failed() {
		t.Fatalf("cleanup: %+v", sum.Steps)
	}
	used := map[string]bool{}
	prefix := map[string]string{"STS": "sts", "IAM": "iam", "EKS": "eks", "XRay": "xray"}
	for _, op := range rec.list() {
		svc, action, _ := strings.Cut(op, ".")
		used[prefix[svc]+":"+action] = true
	}
	for a := range used {
		if !allowed[a] {
			t.Errorf("the wizard calls %s, which assets/iam-policy.json does not allow", a)
		}
	}
	for a := range allowed {
		// Tagging and passing a role are permissions of other calls
		// (CreateRole and CreateSamplingRule with tags,
		// CreatePodIdentityAssociation); an association is updated only
		// when it points at another role, the workshop sampling rule only
		// when someone changed it.
		if !used[a] && a != "iam:TagOpenIDConnectProvider" && a != "iam:TagRole" && a != "iam:PassRole" && a != "eks:UpdatePodIdentityAssociation" &&
			a != "xray:TagResource" && a != "xray:UpdateSamplingRule" {
			t.Errorf("assets/iam-policy.json allows %s, which the wizard never calls", a)
		}
	}
}

// yes is a person who confirms every plan on screen.
type yes struct{}

func (yes) Confirm(context.Context, flow.StepInfo, flow.Plan) (flow.Consent, error) {
	return flow.Approved, nil
}
