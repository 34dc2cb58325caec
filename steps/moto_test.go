package steps_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/peers"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

type moto = peers.Moto

func startMoto(t *testing.T) *moto { return peers.StartMoto(t) }

// calls records the operations the wizard's SDK clients make.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) add(op string) { c.mu.Lock(); c.ops = append(c.ops, op); c.mu.Unlock() }

func (c *calls) reset() { c.mu.Lock(); c.ops = nil; c.mu.Unlock() }

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ops...)
}

// mutating are the calls that change AWS state.
func (c *calls) mutating() []string {
	var out []string
	for _, op := range c.list() {
		action := op[strings.Index(op, ".")+1:]
		for _, p := range []string{"Create", "Attach", "Update", "Put", "Delete", "Tag", "Untag", "Add", "Detach"} {
			if strings.HasPrefix(action, p) {
				out = append(out, op)
			}
		}
	}
	return out
}

// config points the SDK at an endpoint, counting every call.
func config(endpoint string, rec *calls) aws.Config {
	cfg := aws.Config{Region: "us-west-2", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIASANDBOXUSER00001", "sandbox-secret", "")}
	if rec != nil {
		cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				rec.add(awsmiddleware.GetServiceID(ctx) + "." + awsmiddleware.GetOperationName(ctx))
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	}
	return cfg
}

func motoCluster(t *testing.T, m *moto, name string) *ekstypes.Cluster {
	t.Helper()
	out, err := eks.NewFromConfig(config(m.URL, nil)).CreateCluster(context.Background(), &eks.CreateClusterInput{
		Name: aws.String(name), RoleArn: aws.String("arn:aws:iam::123456789012:role/eksctl-cluster-ServiceRole"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}},
	})
	if err != nil {
		t.Fatalf("CreateCluster in moto: %v", err)
	}
	return out.Cluster
}

// awsCLI reads the account with the AWS CLI: an independent reader.
func awsCLI(t *testing.T, m *moto, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--output", "json")...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+m.URL, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "AWS_DEFAULT_REGION=us-west-2", "AWS_PAGER=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %v: %v", args, err)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, out)
	}
	return v
}

// The AWS steps against moto: what they made, read back by the AWS CLI, is
// what eksctl makes; a second run makes no mutating call.
func TestAWSStepsOnMoto(t *testing.T) {
	m := startMoto(t)
	c := motoCluster(t, m, "eksworkshop-eksctl")
	issuer := aws.ToString(c.Identity.Oidc.Issuer)
	hostPath := strings.TrimPrefix(issuer, "https://")
	kc := kube.NewFake(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}})
	rec := &calls{}
	newEnv := func() *steps.Env {
		env := steps.NewEnv(config(m.URL, rec), kc, steps.Options{})
		env.Thumbprint = func(context.Context, string) (string, error) { return "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", nil }
		return env
	}
	ss, _ := steps.Select("preflight,oidc,iamsa")
	sum := (&steps.Runner{Env: newEnv(), Steps: ss}).Run(context.Background(), &events{})
	wantStatuses(t, "first run", sum, flow.Done, flow.Created, flow.Created)
	// One OIDC provider, with the issuer's URL and the STS client ID.
	provs := awsCLI(t, m, "iam", "list-open-id-connect-providers")["OpenIDConnectProviderList"].([]any)
	if len(provs) != 1 {
		t.Fatalf("%d OIDC providers", len(provs))
	}
	arn := provs[0].(map[string]any)["Arn"].(string)
	if arn != "arn:aws:iam::123456789012:oidc-provider/"+hostPath {
		t.Errorf("provider ARN %s", arn)
	}
	prov := awsCLI(t, m, "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
	if !strings.HasSuffix(issuer, prov["Url"].(string)) || fmt.Sprint(prov["ClientIDList"]) != "[sts.amazonaws.com]" {
		t.Errorf("provider = %v", prov)
	}
	// The role trusts exactly the daemon's service account, for STS.
	roleName := steps.RoleName("eksworkshop-eksctl", "default", "xray-daemon")
	role := awsCLI(t, m, "iam", "get-role", "--role-name", roleName)["Role"].(map[string]any)
	trust := role["AssumeRolePolicyDocument"].(map[string]any)
	st := trust["Statement"].([]any)
	if len(st) != 1 {
		t.Fatalf("trust statements: %v", st)
	}
	s0 := st[0].(map[string]any)
	cond := s0["Condition"].(map[string]any)["StringEquals"].(map[string]any)
	if s0["Action"] != "sts:AssumeRoleWithWebIdentity" || s0["Principal"].(map[string]any)["Federated"] != arn ||
		len(cond) != 2 || cond[hostPath+":sub"] != "system:serviceaccount:default:xray-daemon" || cond[hostPath+":aud"] != "sts.amazonaws.com" {
		t.Errorf("trust policy = %v", trust)
	}
	tags := map[string]string{}
	for _, tg := range role["Tags"].([]any) {
		tm := tg.(map[string]any)
		tags[tm["Key"].(string)] = tm["Value"].(string)
	}
	if tags["app.kubernetes.io/managed-by"] != "xray-wizard" || tags["xray-wizard/cluster"] != "eksworkshop-eksctl" || tags["xray-wizard/namespace"] != "default" {
		t.Errorf("role tags = %v", tags)
	}
	pols := awsCLI(t, m, "iam", "list-attached-role-policies", "--role-name", roleName)["AttachedPolicies"].([]any)
	if len(pols) != 1 || pols[0].(map[string]any)["PolicyArn"] != "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" {
		t.Errorf("attached = %v", pols)
	}
	sa, err := kc.CoreV1().ServiceAccounts("default").Get(context.Background(), "xray-daemon", metav1.GetOptions{})
	if err != nil || sa.Annotations["eks.amazonaws.com/role-arn"] != role["Arn"] || sa.Labels["app.kubernetes.io/managed-by"] != "xray-wizard" {
		t.Errorf("service account = %+v, %v", sa, err)
	}

	// Second run: every step already done, zero mutating calls.
	rec.reset()
	sum = (&steps.Runner{Env: newEnv(), Steps: ss}).Run(context.Background(), &events{})
	wantStatuses(t, "second run", sum, flow.Done, flow.Unchanged, flow.Unchanged)
	for _, s := range sum.Steps {
		if s.ID != "preflight" && !strings.Contains(s.Detail, "already") {
			t.Errorf("second run %s: %q does not say already", s.ID, s.Detail)
		}
	}
	if mut := rec.mutating(); len(mut) != 0 {
		t.Errorf("second run made mutating calls: %v", mut)
	}
	if len(rec.list()) == 0 {
		t.Error("no calls recorded: the counter is broken")
	}
}

// answers are what one service said to one sequence of calls: for each
// call, the error code or the set of fields in its answer.
func answers(t *testing.T, endpoint string, cluster string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cfg := config(endpoint, nil)
	out := map[string]string{}
	record := func(name string, v any, err error) {
		if err != nil {
			out[name] = "error " + errorCode(err)
			return
		}
		out[name] = fieldsOf(v)
	}
	e := eks.NewFromConfig(cfg)
	dc, err := e.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	record("eks.DescribeCluster", clusterFields(dc), err)
	_, err = e.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("missing")})
	record("eks.DescribeCluster(missing)", nil, err)
	lc, err := e.ListClusters(ctx, &eks.ListClustersInput{})
	record("eks.ListClusters", lc.Clusters, err)
	return mergeIAM(t, ctx, cfg, out, record)
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

func clusterFields(dc *eks.DescribeClusterOutput) any {
	if dc == nil || dc.Cluster == nil {
		return nil
	}
	c := dc.Cluster
	issuer := ""
	if c.Identity != nil && c.Identity.Oidc != nil {
		issuer = aws.ToString(c.Identity.Oidc.Issuer)
	}
	return map[string]bool{"name": c.Name != nil, "arn": c.Arn != nil, "status": c.Status != "", "version": c.Version != nil,
		"endpoint": c.Endpoint != nil, "issuer": strings.HasPrefix(issuer, "https://oidc.eks.us-west-2.amazonaws.com/id/")}
}

// fieldsOf describes a value by the JSON fields it has, not their values.
func fieldsOf(v any) string {
	b, _ := json.Marshal(v)
	var m any
	_ = json.Unmarshal(b, &m)
	switch x := m.(type) {
	case map[string]any:
		var keys []string
		for k, val := range x {
			if val != nil && val != "" && val != false {
				keys = append(keys, k)
			}
		}
		return strings.Join(sortStrings(keys), ",")
	case []any:
		return fmt.Sprintf("list of %d", len(x))
	}
	return fmt.Sprint(m)
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// mergeIAM runs the IAM and STS calls the wizard makes, in its order.
func mergeIAM(t *testing.T, ctx context.Context, cfg aws.Config, out map[string]string, record func(string, any, error)) map[string]string {
	t.Helper()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	record("sts.GetCallerIdentity", map[string]bool{"account": aws.ToString(id.Account) != "", "arn": strings.HasPrefix(aws.ToString(id.Arn), "arn:aws:"), "userId": id.UserId != nil}, err)
	ic := iam.NewFromConfig(cfg)
	provARN := "arn:aws:iam::" + aws.ToString(id.Account) + ":oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/PARITY"
	_, err = ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)})
	record("iam.GetOpenIDConnectProvider(missing)", nil, err)
	cp, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://oidc.eks.us-west-2.amazonaws.com/id/PARITY"),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}})
	record("iam.CreateOpenIDConnectProvider", map[string]bool{"arn": cp != nil && aws.ToString(cp.OpenIDConnectProviderArn) == provARN}, err)
	_, err = ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://oidc.eks.us-west-2.amazonaws.com/id/PARITY"), ClientIDList: []string{"sts.amazonaws.com"}})
	record("iam.CreateOpenIDConnectProvider(again)", nil, err)
	gp, err := ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)})
	if err == nil {
		record("iam.GetOpenIDConnectProvider", map[string]any{"url": aws.ToString(gp.Url), "clientIDs": gp.ClientIDList, "thumbprints": gp.ThumbprintList}, nil)
	} else {
		record("iam.GetOpenIDConnectProvider", nil, err)
	}
	_, err = ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("parity-role")})
	record("iam.GetRole(missing)", nil, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	cr, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("parity-role"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamtypes.Tag{{Key: aws.String("app.kubernetes.io/managed-by"), Value: aws.String("xray-wizard")}}})
	record("iam.CreateRole", map[string]bool{"arn": cr != nil && strings.HasSuffix(aws.ToString(cr.Role.Arn), ":role/parity-role"), "roleId": cr != nil && strings.HasPrefix(aws.ToString(cr.Role.RoleId), "AROA")}, err)
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("parity-role"), AssumeRolePolicyDocument: aws.String(trust)})
	record("iam.CreateRole(again)", nil, err)
	gr, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("parity-role")})
	if err == nil {
		doc, _ := url.QueryUnescape(aws.ToString(gr.Role.AssumeRolePolicyDocument))
		var a, b any
		_ = json.Unmarshal([]byte(doc), &a)
		_ = json.Unmarshal([]byte(trust), &b)
		record("iam.GetRole", map[string]any{"trustSame": fmt.Sprint(a) == fmt.Sprint(b), "tags": len(gr.Role.Tags), "name": aws.ToString(gr.Role.RoleName)}, nil)
	} else {
		record("iam.GetRole", nil, err)
	}
	_, err = ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("parity-role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")})
	record("iam.AttachRolePolicy", map[string]bool{}, err)
	lp, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("parity-role")})
	if err == nil {
		record("iam.ListAttachedRolePolicies", lp.AttachedPolicies, nil)
	} else {
		record("iam.ListAttachedRolePolicies", nil, err)
	}
	_, err = ic.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("parity-role")})
	record("iam.DeleteRole(attached)", nil, err)
	_, err = ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("parity-role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	record("iam.AttachRolePolicy(missing policy)", nil, err)
	return out
}

// The sandbox answers the wizard's IAM, EKS and STS calls as moto does: the
// same fields and the same error codes, so it cannot drift from the real
// shapes unnoticed.
func TestSandboxMatchesMoto(t *testing.T) {
	m := startMoto(t)
	motoCluster(t, m, "eksworkshop-eksctl")
	sb := startSandbox(t)
	want := answers(t, m.URL, "eksworkshop-eksctl")
	got := answers(t, sb.Endpoint, "eksworkshop-eksctl")
	if len(want) < 15 {
		t.Fatalf("only %d answers compared", len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: sandbox %q, moto %q", k, got[k], w)
		}
	}
}
