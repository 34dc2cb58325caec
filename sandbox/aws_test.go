package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"
)

// awsTStart serves a sandbox account on a free loopback port and returns
// it with an SDK config for the sandbox user.
func awsTStart(t *testing.T, o AWSOptions) (*AWS, aws.Config) {
	t.Helper()
	a := NewAWS(o)
	endpoint, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q", endpoint)
	}
	return a, aws.Config{Region: a.Region(), BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")}
}

// awsTAs is cfg with other credentials.
func awsTAs(cfg aws.Config, key, secret, token string) aws.Config {
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	return cfg
}

// awsTCode is the error code and HTTP status an SDK error carries.
func awsTCode(t *testing.T, err error) (string, int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status
}

// awsTToken mints a service account token as EKS does, unsigned: the
// sandbox's STS reads the claims only.
func awsTToken(iss, sub string, aud any, exp time.Time) string {
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "test"})
	body, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "aud": aud, "iat": exp.Add(-time.Hour).Unix(), "exp": exp.Unix()})
	return enc.EncodeToString(head) + "." + enc.EncodeToString(body) + "." + enc.EncodeToString([]byte("not-checked"))
}

// awsTTrust is eksctl's IRSA trust policy for a service account.
func awsTTrust(providerARN, issuer, ns, sa string) string {
	hp := strings.TrimPrefix(issuer, "https://")
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"%s:sub":"system:serviceaccount:%s:%s","%s:aud":"sts.amazonaws.com"}}}]}`,
		providerARN, hp, ns, sa, hp)
}

// awsTIRSA does what eksctl's associate-iam-oidc-provider and create
// iamserviceaccount do in IAM and returns the role's ARN.
func awsTIRSA(t *testing.T, cfg aws.Config, issuer, role, ns, sa string, policies ...string) string {
	t.Helper()
	ctx, ic := context.Background(), iam.NewFromConfig(cfg)
	arn := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(issuer, "https://")
	if _, err := ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}); err != nil {
		if _, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(awsTTrust(arn, issuer, ns, sa))})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range policies {
		if _, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

const awsTWritePolicy = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"

// Who the sandbox's keys are, and what an unknown key gets: STS's and the
// REST services' own error for it.
func TestAWSCallerIdentity(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	ctx := context.Background()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0sandbox" || aws.ToString(id.Account) != "123456789012" ||
		!strings.HasPrefix(aws.ToString(id.UserId), "AROA") || !strings.HasSuffix(aws.ToString(id.UserId), ":i-0sandbox") {
		t.Errorf("sandbox user: %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId))
	}
	node, err := sts.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(node.Arn); got != "arn:aws:sts::123456789012:assumed-role/eksctl-eksworkshop-eksctl-nodegroup-NodeInstanceRole/i-0node" {
		t.Errorf("node role: %s", got)
	}

	bad := awsTAs(cfg, "ASIAEXPIREDEXPIRED00", "x", "token")
	bad.RetryMaxAttempts = 1
	_, err = sts.NewFromConfig(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, status := awsTCode(t, err); code != "InvalidClientTokenId" || status != 403 {
		t.Errorf("STS with an unknown key: %s %d", code, status)
	}
	_, err = iam.NewFromConfig(bad).ListRoles(ctx, &iam.ListRolesInput{})
	if code, status := awsTCode(t, err); code != "InvalidClientTokenId" || status != 403 {
		t.Errorf("IAM with an unknown key: %s %d", code, status)
	}
	_, err = eks.NewFromConfig(bad).ListClusters(ctx, &eks.ListClustersInput{})
	if code, status := awsTCode(t, err); code != "UnrecognizedClientException" || status != 403 {
		t.Errorf("EKS with an unknown key: %s %d", code, status)
	}
	_, err = xray.NewFromConfig(bad).GetServiceGraph(ctx, &xray.GetServiceGraphInput{StartTime: aws.Time(time.Now().Add(-time.Minute)), EndTime: aws.Time(time.Now())})
	if code, status := awsTCode(t, err); code != "UnrecognizedClientException" || status != 403 {
		t.Errorf("X-Ray with an unknown key: %s %d", code, status)
	}
	// Unsigned, for an action that needs a signature.
	anon := cfg
	anon.Credentials = aws.AnonymousCredentials{}
	_, err = iam.NewFromConfig(anon).ListRoles(ctx, &iam.ListRolesInput{})
	if code, status := awsTCode(t, err); code != "MissingAuthenticationToken" || status != 403 {
		t.Errorf("unsigned IAM call: %s %d", code, status)
	}
}

// The OIDC provider's life in IAM, with IAM's errors as the SDK types
// them.
func TestAWSOIDCProvider(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx, ic := context.Background(), iam.NewFromConfig(cfg)
	issuer := a.Issuer("eksworkshop-eksctl")
	if !strings.HasPrefix(issuer, "https://oidc.eks.us-west-2.amazonaws.com/id/") || len(strings.TrimPrefix(issuer, "https://oidc.eks.us-west-2.amazonaws.com/id/")) != 32 {
		t.Fatalf("issuer %q", issuer)
	}
	arn := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(issuer, "https://")

	_, err := ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) || nse.ErrorMessage() != "OpenIDConnect Provider not found for arn "+arn {
		t.Fatalf("missing provider: %v", err)
	}
	if _, status := awsTCode(t, err); status != 404 {
		t.Errorf("NoSuchEntity status %d", status)
	}

	out, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"},
		Tags: []iamtypes.Tag{{Key: aws.String("alpha.eksctl.io/cluster-name"), Value: aws.String("eksworkshop-eksctl")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.OpenIDConnectProviderArn) != arn || len(out.Tags) != 1 {
		t.Errorf("created %s %v", aws.ToString(out.OpenIDConnectProviderArn), out.Tags)
	}
	_, err = ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || !strings.Contains(exists.ErrorMessage(), issuer) {
		t.Errorf("duplicate provider: %v", err)
	}
	if _, status := awsTCode(t, err); status != 409 {
		t.Errorf("EntityAlreadyExists status %d", status)
	}
	_, err = ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com/x"), ThumbprintList: []string{"short"}})
	if code, status := awsTCode(t, err); code != "ValidationError" || status != 400 {
		t.Errorf("short thumbprint: %s %d", code, status)
	}

	if _, err := ic.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("example")}); err != nil {
		t.Fatal(err)
	}
	got, err := ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	// IAM gives the URL without its scheme.
	if aws.ToString(got.Url) != strings.TrimPrefix(issuer, "https://") || !slices.Equal(got.ClientIDList, []string{"sts.amazonaws.com", "example"}) ||
		!slices.Equal(got.ThumbprintList, []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}) || got.CreateDate == nil || len(got.Tags) != 1 {
		t.Errorf("provider: %s %v %v %v %v", aws.ToString(got.Url), got.ClientIDList, got.ThumbprintList, got.CreateDate, got.Tags)
	}
	list, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(list.OpenIDConnectProviderList) != 1 || aws.ToString(list.OpenIDConnectProviderList[0].Arn) != arn {
		t.Errorf("list: %v %v", list, err)
	}
	if _, err := ic.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = ic.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if !errors.As(err, &nse) {
		t.Errorf("deleting twice: %v", err)
	}
}

// A role with a trust policy, tags and the X-Ray write policy, read back
// as IAM shows it; IAM's conflicts and validation errors.
func TestAWSRoles(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx, ic := context.Background(), iam.NewFromConfig(cfg)
	issuer := a.Issuer("eksworkshop-eksctl")
	provider := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(issuer, "https://")
	trust := awsTTrust(provider, issuer, "default", "xray-daemon")
	out, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("xray-daemon-role"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("the daemon's role"), Tags: []iamtypes.Tag{{Key: aws.String("app.kubernetes.io/managed-by"), Value: aws.String("eksctl")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/xray-daemon-role" || !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || len(aws.ToString(r.RoleId)) != 21 ||
		aws.ToString(r.Path) != "/" || r.CreateDate == nil {
		t.Errorf("created %s %s %s %v", aws.ToString(r.Arn), aws.ToString(r.RoleId), aws.ToString(r.Path), r.CreateDate)
	}

	got, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil {
		t.Fatal(err)
	}
	// IAM returns the trust policy URL-encoded and the SDK does not decode it.
	doc := aws.ToString(got.Role.AssumeRolePolicyDocument)
	if !strings.HasPrefix(doc, "%7B%22Version%22%3A%222012-10-17%22") || strings.Contains(doc, "{") {
		t.Errorf("trust policy not URL-encoded as IAM sends it: %s", doc)
	}
	if plain, err := url.QueryUnescape(doc); err != nil || plain != trust {
		t.Errorf("trust policy decodes to %q (%v), want %q", plain, err, trust)
	}
	if aws.ToString(got.Role.Description) != "the daemon's role" || aws.ToInt32(got.Role.MaxSessionDuration) != 3600 || len(got.Role.Tags) != 1 {
		t.Errorf("role: %+v", got.Role)
	}

	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("xray-daemon-role"), AssumeRolePolicyDocument: aws.String(trust)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "Role with name xray-daemon-role already exists." {
		t.Errorf("duplicate role: %v", err)
	}
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65)), AssumeRolePolicyDocument: aws.String(trust)})
	if code, status := awsTCode(t, err); code != "ValidationError" || status != 400 {
		t.Errorf("65-character role name: %s %d", code, status)
	}
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 64)), AssumeRolePolicyDocument: aws.String(`{"Version":`)})
	var malformed *iamtypes.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Errorf("invalid JSON: %v", err)
	}
	_, err = ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nosuch")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) || nse.ErrorMessage() != "The role with name nosuch cannot be found." {
		t.Errorf("missing role: %v", err)
	}

	// Attach: the AWS managed policies exist, others do not.
	for _, p := range []string{awsTWritePolicy, "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess", awsTWritePolicy} {
		if _, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("xray-daemon-role"), PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("xray-daemon-role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	if !errors.As(err, &nse) || !strings.Contains(nse.ErrorMessage(), "does not exist or is not attachable") {
		t.Errorf("attaching a missing policy: %v", err)
	}
	lp, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range lp.AttachedPolicies {
		names = append(names, aws.ToString(p.PolicyName))
	}
	if !slices.Equal(names, []string{"AWSXRayDaemonWriteAccess", "AWSXrayReadOnlyAccess"}) {
		t.Errorf("attached %v", names)
	}
	_, err = ic.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("xray-daemon-role")})
	var conflict *iamtypes.DeleteConflictException
	if !errors.As(err, &conflict) {
		t.Errorf("deleting a role with policies: %v", err)
	}
	if _, status := awsTCode(t, err); status != 409 {
		t.Errorf("DeleteConflict status %d", status)
	}

	// The managed policy's document, URL-encoded as IAM sends documents.
	pol, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(awsTWritePolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(pol.Policy.AttachmentCount) != 1 || aws.ToString(pol.Policy.PolicyName) != "AWSXRayDaemonWriteAccess" {
		t.Errorf("policy %+v", pol.Policy)
	}
	pv, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(awsTWritePolicy), VersionId: pol.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := url.QueryUnescape(aws.ToString(pv.PolicyVersion.Document))
	var pdoc struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal([]byte(plain), &pdoc); err != nil || len(pdoc.Statement) != 1 ||
		!slices.Equal(pdoc.Statement[0].Action, []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"}) {
		t.Errorf("policy document %q: %v", plain, err)
	}

	// Trust policy update, tags.
	if _, err := ic.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("xray-daemon-role"), PolicyDocument: aws.String("{")}); !errors.As(err, &malformed) {
		t.Errorf("updating to invalid JSON: %v", err)
	}
	if _, err := ic.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("xray-daemon-role"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("obs")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("xray-daemon-role"), TagKeys: []string{"app.kubernetes.io/managed-by"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := ic.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("tags %v %v", tags, err)
	}

	// ListRoles pages with Marker; PathPrefix selects.
	for i := range 4 {
		path := "/"
		if i%2 == 1 {
			path = "/service/"
		}
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("extra-%d", i)), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	pages := 0
	for p := iam.NewListRolesPaginator(ic, &iam.ListRolesInput{MaxItems: aws.Int32(2)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Roles {
			all = append(all, aws.ToString(r.RoleName))
		}
	}
	if pages != 3 || !slices.Equal(all, []string{"extra-0", "extra-1", "extra-2", "extra-3", "xray-daemon-role"}) {
		t.Errorf("%d pages: %v", pages, all)
	}
	sub, err := ic.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/service/")})
	if err != nil || len(sub.Roles) != 2 || aws.ToString(sub.Roles[0].Arn) != "arn:aws:iam::123456789012:role/service/extra-1" {
		t.Errorf("path prefix: %v %v", sub, err)
	}

	// Detached, the role can go.
	for _, p := range []string{awsTWritePolicy, "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess"} {
		if _, err := ic.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("xray-daemon-role"), PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ic.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("xray-daemon-role")}); err != nil {
		t.Fatal(err)
	}

	// The node role may not touch IAM.
	_, err = iam.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", "")).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("extra-0")})
	if code, status := awsTCode(t, err); code != "AccessDenied" || status != 403 {
		t.Errorf("node role on IAM: %s %d", code, status)
	}
}

// IRSA through STS: a token whose issuer, audience and subject the trust
// policy allows gets credentials; every mismatch gets STS's error.
func TestAWSAssumeRoleWithWebIdentity(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx := context.Background()
	issuer := a.Issuer("eksworkshop-eksctl")
	roleARN := awsTIRSA(t, cfg, issuer, "xray-daemon-role", "default", "xray-daemon", awsTWritePolicy)
	anon := cfg
	anon.Credentials = aws.AnonymousCredentials{}
	sc := sts.NewFromConfig(anon)
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return sc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
			RoleSessionName: aws.String("xray-daemon-session"), WebIdentityToken: aws.String(token)})
	}
	later := time.Now().Add(time.Hour)

	out, err := assume(awsTToken(issuer, "system:serviceaccount:default:xray-daemon", []string{"sts.amazonaws.com"}, later))
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SecretAccessKey) == "" || aws.ToString(c.SessionToken) == "" ||
		c.Expiration == nil || c.Expiration.Before(time.Now().Add(50*time.Minute)) {
		t.Errorf("credentials %+v", c)
	}
	provider := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(issuer, "https://")
	if aws.ToString(out.SubjectFromWebIdentityToken) != "system:serviceaccount:default:xray-daemon" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != provider || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/xray-daemon-role/xray-daemon-session" ||
		!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":xray-daemon-session") {
		t.Errorf("answer %s %s %s %+v", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.Provider), out.AssumedRoleUser)
	}
	// The credentials are the role's.
	id, err := sts.NewFromConfig(awsTAs(cfg, aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Errorf("caller with the role's credentials: %v %v", id, err)
	}
	// Without their session token they are not accepted.
	_, err = sts.NewFromConfig(awsTAs(cfg, aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := awsTCode(t, err); code != "InvalidClientTokenId" {
		t.Errorf("temporary key without its token: %s", code)
	}

	// The trust policy names another service account: AccessDenied.
	_, err = assume(awsTToken(issuer, "system:serviceaccount:default:other", "sts.amazonaws.com", later))
	if code, status := awsTCode(t, err); code != "AccessDenied" || status != 403 {
		t.Errorf("wrong sub: %s %d", code, status)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "Not authorized to perform sts:AssumeRoleWithWebIdentity" {
		t.Errorf("wrong sub message %q", ae.ErrorMessage())
	}
	// An issuer with no IAM OIDC provider.
	other := "https://oidc.eks.us-west-2.amazonaws.com/id/0000000000000000000000000000FFFF"
	_, err = assume(awsTToken(other, "system:serviceaccount:default:xray-daemon", "sts.amazonaws.com", later))
	var iit *ststypes.InvalidIdentityTokenException
	if !errors.As(err, &iit) || iit.ErrorMessage() != "No OpenIDConnect provider found in your account for "+other {
		t.Errorf("unknown issuer: %v", err)
	}
	// An audience the provider does not list.
	_, err = assume(awsTToken(issuer, "system:serviceaccount:default:xray-daemon", "other-audience", later))
	if !errors.As(err, &iit) || iit.ErrorMessage() != "Incorrect token audience" {
		t.Errorf("wrong audience: %v", err)
	}
	// An expired token.
	_, err = assume(awsTToken(issuer, "system:serviceaccount:default:xray-daemon", "sts.amazonaws.com", time.Now().Add(-time.Minute)))
	var expired *ststypes.ExpiredTokenException
	if !errors.As(err, &expired) {
		t.Errorf("expired token: %v", err)
	}
	// Not a JWT.
	_, err = assume("not-a-jwt")
	if !errors.As(err, &iit) {
		t.Errorf("not a JWT: %v", err)
	}
	// A role that does not exist.
	_, err = sc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/nosuch"),
		RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(awsTToken(issuer, "system:serviceaccount:default:xray-daemon", "sts.amazonaws.com", later))})
	if code, _ := awsTCode(t, err); code != "AccessDenied" {
		t.Errorf("missing role: %s", code)
	}
}

// EKS Pod Identity's role: trusted by pods.eks.amazonaws.com with
// sts:AssumeRole and sts:TagSession, as EKS requires.
func TestAWSAssumeRolePodIdentity(t *testing.T) {
	_, cfg := awsTStart(t, AWSOptions{})
	ctx, ic := context.Background(), iam.NewFromConfig(cfg)
	trust := func(actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":` + actions + `}]}`
	}
	for name, doc := range map[string]string{"pi-good": trust(`["sts:AssumeRole","sts:TagSession"]`), "pi-notag": trust(`"sts:AssumeRole"`)} {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	sc := sts.NewFromConfig(cfg)
	out, err := sc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-good"), RoleSessionName: aws.String("eks-pod")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/pi-good/eks-pod" {
		t.Errorf("assumed %+v", out.AssumedRoleUser)
	}
	_, err = sc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-notag"), RoleSessionName: aws.String("eks-pod")})
	if code, status := awsTCode(t, err); code != "AccessDenied" || status != 403 {
		t.Errorf("trust without sts:TagSession: %s %d", code, status)
	}
	// The node role is not the Pod Identity agent.
	_, err = sts.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", "")).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-good"), RoleSessionName: aws.String("node")})
	if code, _ := awsTCode(t, err); code != "AccessDenied" {
		t.Errorf("node role assuming: %s", code)
	}
}

// Injected faults come back in each protocol's shape, and the codes the
// sandbox uses for throttling and server errors are the ones the SDK's
// standard retryer retries, so a client with it rides out a 30% storm.
func TestAWSFaults(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx := context.Background()
	once := cfg
	once.RetryMaxAttempts = 1

	a.SetFaults(Fault{Action: "IAM.CreateRole", Rate: 1, Status: 403, Code: "AccessDenied", Message: "denied by the test"})
	_, err := iam.NewFromConfig(once).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Statement":[]}`)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != "denied by the test" {
		t.Errorf("IAM fault: %v", err)
	}
	if _, err := iam.NewFromConfig(once).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("a fault on CreateRole hit ListRoles: %v", err)
	}

	now := time.Now()
	window := &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)), EndTime: aws.Time(now)}
	a.SetFaults(Fault{Action: "XRay.GetTraceSummaries", Rate: 1, Status: 429, Code: "ThrottledException"})
	_, err = xray.NewFromConfig(once).GetTraceSummaries(ctx, window)
	var throttled *xraytypes.ThrottledException
	if !errors.As(err, &throttled) {
		t.Errorf("X-Ray fault: %v", err)
	}
	a.SetFaults(Fault{Action: "DescribeCluster", Rate: 1, Status: 404, Code: "ResourceNotFoundException", Message: "gone"})
	_, err = eks.NewFromConfig(once).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("eksworkshop-eksctl")})
	var rnf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "gone" {
		t.Errorf("EKS fault by bare action name: %v", err)
	}

	// What the sandbox sends for throttling and server errors, in each
	// protocol, is what the standard retryer retries.
	retryable := retry.IsErrorRetryables(retry.DefaultRetryables)
	for _, f := range []Fault{
		{Action: "*", Rate: 1, Status: 429, Code: "ThrottledException"},
		{Action: "*", Rate: 1, Status: 400, Code: "Throttling"},
		{Action: "*", Rate: 1, Status: 500, Code: "InternalFailure"},
		{Action: "*", Rate: 1, Status: 503, Code: "ServiceUnavailable"},
	} {
		a.SetFaults(f)
		calls := map[string]error{}
		_, calls["sts"] = sts.NewFromConfig(once).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		_, calls["iam"] = iam.NewFromConfig(once).ListRoles(ctx, &iam.ListRolesInput{})
		_, calls["eks"] = eks.NewFromConfig(once).ListClusters(ctx, &eks.ListClustersInput{})
		_, calls["xray"] = xray.NewFromConfig(once).GetTraceSummaries(ctx, window)
		for svc, err := range calls {
			code, status := awsTCode(t, err)
			if code != f.Code || status != f.Status {
				t.Errorf("%s %s: got %s %d", svc, f.Code, code, status)
			}
			if retryable.IsErrorRetryable(err) != aws.TrueTernary {
				t.Errorf("%s %s %d: not retryable for the SDK", svc, f.Code, f.Status)
			}
		}
	}

	// Without a code, each service's own throttling answer.
	a.SetFaults(Fault{Action: "*", Rate: 1, Status: 429})
	_, err = iam.NewFromConfig(once).ListRoles(ctx, &iam.ListRolesInput{})
	if code, status := awsTCode(t, err); code != "Throttling" || status != 400 || retryable.IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("IAM's own throttling: %s %d", code, status)
	}
	_, err = xray.NewFromConfig(once).GetTraceSummaries(ctx, window)
	if !errors.As(err, &throttled) || retryable.IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("X-Ray's own throttling: %v", err)
	}
	_, err = eks.NewFromConfig(once).ListClusters(ctx, &eks.ListClustersInput{})
	if code, status := awsTCode(t, err); code != "ThrottlingException" || status != 429 || retryable.IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("EKS's own throttling: %s %d", code, status)
	}

	// A storm: 30% throttled, 10% internal errors, on every call.
	a.SetFaults(Fault{Action: "*", Rate: 0.3, Status: 429, Code: "ThrottledException", Message: "Rate exceeded"},
		Fault{Action: "*", Rate: 0.1, Status: 500, Code: "InternalFailure"})
	storm := cfg
	storm.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 10
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		})
	}
	before := a.Calls()
	for i := range 20 {
		if _, err := xray.NewFromConfig(storm).GetTraceSummaries(ctx, window); err != nil {
			t.Fatalf("call %d through the storm: %v", i, err)
		}
		if _, err := iam.NewFromConfig(storm).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
			t.Fatalf("IAM call %d through the storm: %v", i, err)
		}
	}
	after := a.Calls()
	if n := after["XRay.GetTraceSummaries"] - before["XRay.GetTraceSummaries"]; n <= 20 {
		t.Errorf("%d attempts for 20 calls: no fault was injected", n)
	}
	if n := after["IAM.ListRoles"] - before["IAM.ListRoles"]; n <= 20 {
		t.Errorf("%d IAM attempts for 20 calls: no fault was injected", n)
	}
	a.SetFaults()
	if _, err := sts.NewFromConfig(once).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("faults cleared: %v", err)
	}
}

// Calls counts per Service.Action; Reset forgets the account's changes
// but keeps its clusters' issuers.
func TestAWSCallsAndReset(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	ctx := context.Background()
	issuer := a.Issuer("eksworkshop-eksctl")
	awsTIRSA(t, cfg, issuer, "r1", "default", "xray-daemon", awsTWritePolicy)
	calls := a.Calls()
	for op, want := range map[string]int{"IAM.GetOpenIDConnectProvider": 1, "IAM.CreateOpenIDConnectProvider": 1, "IAM.CreateRole": 1, "IAM.AttachRolePolicy": 1} {
		if calls[op] != want {
			t.Errorf("%s called %d times, want %d (%v)", op, calls[op], want, calls)
		}
	}
	a.Reset()
	if len(a.Calls()) != 0 || a.Issuer("eksworkshop-eksctl") != issuer {
		t.Errorf("after Reset: calls %v, issuer %q", a.Calls(), a.Issuer("eksworkshop-eksctl"))
	}
	_, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r1")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Errorf("role after Reset: %v", err)
	}
}

// The handler answers what is not an AWS call as the services do.
func TestAWSUnknownRoutes(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	resp, err := http.Get(aws.ToString(cfg.BaseEndpoint) + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-Errortype") != "UnknownOperationException" {
		t.Errorf("unknown path: %d %q", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
	resp, err = http.PostForm(aws.ToString(cfg.BaseEndpoint)+"/", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"1999-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unknown version: %d", resp.StatusCode)
	}
	if a.Calls()["STS.GetCallerIdentity"] != 0 {
		t.Errorf("an unknown version counted as STS: %v", a.Calls())
	}
}

// The SDK's own web identity provider (what the X-Ray daemon uses under
// IRSA) works against the sandbox's STS, caching and all.
func TestAWSWebIdentityProvider(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{})
	issuer := a.Issuer("eksworkshop-eksctl")
	roleARN := awsTIRSA(t, cfg, issuer, "xray-daemon-role", "default", "xray-daemon", awsTWritePolicy)
	anon := cfg
	anon.Credentials = aws.AnonymousCredentials{}
	token := awsTToken(issuer, "system:serviceaccount:default:xray-daemon", []string{"sts.amazonaws.com"}, time.Now().Add(time.Hour))
	prov := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(anon), roleARN, awsTTokenFunc(token))
	irsa := cfg
	irsa.Credentials = aws.NewCredentialsCache(prov)
	ctx := context.Background()
	for range 3 {
		id, err := sts.NewFromConfig(irsa).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || !strings.HasPrefix(aws.ToString(id.Arn), "arn:aws:sts::123456789012:assumed-role/xray-daemon-role/") {
			t.Fatalf("caller %v %v", id, err)
		}
	}
	if n := a.Calls()["STS.AssumeRoleWithWebIdentity"]; n != 1 {
		t.Errorf("AssumeRoleWithWebIdentity called %d times: the SDK's cache should hold the credentials", n)
	}
}

type awsTTokenFunc string

func (f awsTTokenFunc) GetIdentityToken() ([]byte, error) { return []byte(f), nil }

// The account's options: region, account id, clock and latency show in
// what it answers.
func TestAWSOptions(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, cfg := awsTStart(t, AWSOptions{Region: "eu-west-1", AccountID: "111122223333", Clusters: []string{"lab"}, Latency: 30 * time.Millisecond,
		Now: func() time.Time { return now }})
	ctx := context.Background()
	if a.Region() != "eu-west-1" || cfg.Region != "eu-west-1" || !strings.HasPrefix(a.Issuer("lab"), "https://oidc.eks.eu-west-1.amazonaws.com/id/") || a.Issuer("eksworkshop-eksctl") != "" {
		t.Errorf("region %s, issuers %q %q", a.Region(), a.Issuer("lab"), a.Issuer("eksworkshop-eksctl"))
	}
	start := time.Now()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111122223333" || aws.ToString(id.Arn) != "arn:aws:sts::111122223333:assumed-role/workshop-admin/i-0sandbox" {
		t.Errorf("identity %v %v", id, err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %v, under the 30ms latency", d)
	}
	out, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Statement":[]}`)})
	if err != nil || !out.Role.CreateDate.Equal(now) || aws.ToString(out.Role.Arn) != "arn:aws:iam::111122223333:role/r" {
		t.Errorf("role %+v %v", out, err)
	}
	dc, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("lab")})
	if err != nil || aws.ToString(dc.Cluster.Arn) != "arn:aws:eks:eu-west-1:111122223333:cluster/lab" || !dc.Cluster.CreatedAt.Before(now) {
		t.Errorf("cluster %+v %v", dc, err)
	}
	node, err := sts.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(node.Arn) != "arn:aws:sts::111122223333:assumed-role/eksctl-lab-nodegroup-NodeInstanceRole/i-0node" {
		t.Errorf("node %v %v", node, err)
	}
}
