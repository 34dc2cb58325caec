package steps

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// IAMServiceAccount gives the daemon's service account an IAM role that may
// write to X-Ray, as `eksctl create iamserviceaccount` does, with direct IAM
// calls instead of a CloudFormation stack.
type IAMServiceAccount struct{}

// ID names the step.
func (IAMServiceAccount) ID() string { return flow.IDIAMSA }

// Info describes the step.
func (IAMServiceAccount) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:    flow.IDIAMSA,
		Title: env.T(i18n.IAMSATitle),
		Why:   env.T(i18n.IAMSAWhy),
		Commands: []string{fmt.Sprintf(
			"eksctl create iamserviceaccount --name %s --namespace %s --cluster %s --region %s --attach-policy-arn arn:aws:iam::aws:policy/%s --approve --override-existing-serviceaccounts",
			ServiceAccountName, env.Opts.Namespace, clusterArg(env), env.Region(), XRayWritePolicy)},
	}
}

// RoleName is the deterministic name of the daemon's role: at most 64
// characters, with a hash of the whole when the readable form is too long.
func RoleName(cluster, namespace, sa string) string {
	name := fmt.Sprintf("xray-wizard-%s-%s-%s", cluster, namespace, sa)
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:55] + "-" + hex.EncodeToString(sum[:])[:8]
}

// policyARN is the managed policy the daemon needs, in the caller's partition.
func policyARN(id *Identity) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", id.Partition, XRayWritePolicy)
}

// trustPolicy is the IRSA trust: only the daemon's service account, through
// the cluster's OIDC provider, with the STS audience.
type trustPolicy struct {
	Version   string           `json:"Version"`
	Statement []trustStatement `json:"Statement"`
}

type trustStatement struct {
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal"`
	Action    any                       `json:"Action"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func irsaTrust(provider, issuerHostPath, namespace, sa string) trustPolicy {
	return trustPolicy{
		Version: "2012-10-17",
		Statement: []trustStatement{{
			Effect:    "Allow",
			Principal: map[string]any{"Federated": provider},
			Action:    "sts:AssumeRoleWithWebIdentity",
			Condition: map[string]map[string]any{"StringEquals": {
				issuerHostPath + ":sub": "system:serviceaccount:" + namespace + ":" + sa,
				issuerHostPath + ":aud": OIDCAudience,
			}},
		}},
	}
}

func (p trustPolicy) JSON() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// trustDiff compares a role's trust policy (as IAM returns it, URL-encoded)
// with the wanted one and says what differs; "" when they mean the same.
func trustDiff(have string, want trustPolicy) string {
	if dec, err := url.QueryUnescape(have); err == nil {
		have = dec
	}
	var got trustPolicy
	if err := json.Unmarshal([]byte(have), &got); err != nil {
		return "unreadable trust policy"
	}
	norm := func(p trustPolicy) []byte {
		b, _ := json.Marshal(p)
		var v any
		_ = json.Unmarshal(b, &v)
		b, _ = json.Marshal(v)
		return b
	}
	if string(norm(got)) == string(norm(want)) {
		return ""
	}
	var diffs []string
	w := want.Statement[0]
	if len(got.Statement) != 1 {
		diffs = append(diffs, fmt.Sprintf("%d statements, want 1", len(got.Statement)))
	}
	for _, s := range got.Statement {
		if !reflect.DeepEqual(s.Principal, w.Principal) {
			diffs = append(diffs, fmt.Sprintf("principal %v, want %v", s.Principal, w.Principal))
		}
		for k, v := range w.Condition["StringEquals"] {
			if g := s.Condition["StringEquals"][k]; !reflect.DeepEqual(g, v) {
				diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", k, g, v))
			}
		}
		for k := range s.Condition["StringEquals"] {
			if _, ok := w.Condition["StringEquals"][k]; !ok {
				diffs = append(diffs, fmt.Sprintf("extra condition %s", k))
			}
		}
	}
	if len(diffs) == 0 {
		diffs = append(diffs, "statement differs")
	}
	return strings.Join(diffs, "; ")
}

// irsaState is what exists now.
type irsaState struct {
	provider    string
	cluster     *ClusterInfo
	id          *Identity
	roleName    string
	roleARN     string
	roleExists  bool
	trustDiff   string
	attached    bool
	providerOK  bool
	sa          *corev1.ServiceAccount
	saForeign   bool // exists and was not made by this wizard or eksctl
	saAnnotated bool
	want        trustPolicy
}

func readIRSA(ctx context.Context, env *Env) (*irsaState, error) {
	provider, c, err := env.ProviderARN(ctx)
	if err != nil {
		return nil, err
	}
	id, _ := env.Identity(ctx)
	ns := env.Opts.Namespace
	s := &irsaState{provider: provider, cluster: c, id: id, roleName: RoleName(c.Name, ns, ServiceAccountName)}
	s.roleARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", id.Partition, id.Account, s.roleName)
	s.want = irsaTrust(provider, c.IssuerHostPath(), ns, ServiceAccountName)
	p, err := oidcState(ctx, env, provider)
	if err != nil {
		return nil, err
	}
	s.providerOK = p != nil
	role, err := env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(s.roleName)})
	switch {
	case err == nil:
		s.roleExists = true
		s.roleARN = aws.ToString(role.Role.Arn)
		s.trustDiff = trustDiff(aws.ToString(role.Role.AssumeRolePolicyDocument), s.want)
		pol, err := env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(s.roleName)})
		if err != nil {
			return nil, env.AWSError("iam:ListAttachedRolePolicies", err)
		}
		s.attached = slices.ContainsFunc(pol.AttachedPolicies, func(p iamtypes.AttachedPolicy) bool {
			return aws.ToString(p.PolicyArn) == policyARN(id)
		})
	case IsCode(err, "NoSuchEntity"):
	default:
		return nil, env.AWSError("iam:GetRole", err)
	}
	if err := env.NeedKube(); err != nil {
		return nil, err
	}
	sa, err := env.Kube.CoreV1().ServiceAccounts(ns).Get(ctx, ServiceAccountName, metav1.GetOptions{})
	switch {
	case err == nil:
		s.sa = sa
		s.saAnnotated = sa.Annotations[RoleARNAnnotation] == s.roleARN
		mb := sa.Labels[ManagedByLabel]
		s.saForeign = mb != ManagedByValue && mb != "eksctl"
	case apierrors.IsNotFound(err):
	default:
		return nil, env.KubeError("get", "serviceaccount "+ns+"/"+ServiceAccountName, err)
	}
	return s, nil
}

// IRSAView is what the doctor reads of IRSA: the cluster's OIDC provider
// and whether IAM has it, the cluster, and the daemon's service account
// (nil when there is none).
type IRSAView struct {
	Provider       string
	ProviderOK     bool
	Cluster        *ClusterInfo
	ServiceAccount *corev1.ServiceAccount
	want           trustPolicy
}

// ReadIRSA reads IRSA as the iamsa step does, changing nothing.
func ReadIRSA(ctx context.Context, env *Env) (*IRSAView, error) {
	s, err := readIRSA(ctx, env)
	if err != nil {
		return nil, err
	}
	return &IRSAView{Provider: s.provider, ProviderOK: s.providerOK, Cluster: s.cluster, ServiceAccount: s.sa, want: s.want}, nil
}

// TrustDiff says how a role's trust policy (as IAM returns it) differs from
// the one IRSA needs for the daemon's service account; "" when they mean
// the same.
func (v *IRSAView) TrustDiff(have string) string { return trustDiff(have, v.want) }

func (s *irsaState) done() bool {
	return s.providerOK && s.roleExists && s.trustDiff == "" && s.attached && s.sa != nil && s.saAnnotated
}

// Check reads the role, its trust and policy, and the service account.
func (IAMServiceAccount) Check(ctx context.Context, env *Env) (Status, error) {
	if env.Opts.Identity == IdentityPodIdentity {
		s, err := readPodIdentity(ctx, env)
		if err != nil || !s.done() {
			return Status{}, err
		}
		return Status{Done: true, Detail: env.T(i18n.MsgPodIdentityAlready, env.Opts.Namespace, ServiceAccountName, s.roleName)}, nil
	}
	s, err := readIRSA(ctx, env)
	if err != nil {
		return Status{}, err
	}
	if s.done() {
		return Status{Done: true, Detail: env.T(i18n.MsgIRSAAlready, env.Opts.Namespace, ServiceAccountName, s.roleName)}, nil
	}
	return Status{}, nil
}

// Plan lists the role, policy and service account changes.
func (st IAMServiceAccount) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	if env.Opts.Identity == IdentityPodIdentity {
		s, err := readPodIdentity(ctx, env)
		if err != nil {
			return flow.Plan{}, err
		}
		return s.plan(env)
	}
	s, err := readIRSA(ctx, env)
	if err != nil {
		return flow.Plan{}, err
	}
	ns := env.Opts.Namespace
	p := flow.Plan{Commands: st.Info(env).Commands}
	p.Equivalent = append(p.Equivalent,
		fmt.Sprintf("aws iam create-role --role-name %s --assume-role-policy-document file://trust.json", s.roleName),
		fmt.Sprintf("aws iam attach-role-policy --role-name %s --policy-arn %s", s.roleName, policyARN(s.id)),
		fmt.Sprintf("kubectl annotate serviceaccount -n %s %s %s=%s", ns, ServiceAccountName, RoleARNAnnotation, s.roleARN),
	)
	if !s.providerOK {
		p.Note = env.T(i18n.MsgIRSANeedsOIDC)
	}
	switch {
	case !s.roleExists:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "IAM role", Name: s.roleName,
			Detail:   env.T(i18n.PlanTrust, fmt.Sprintf("%s:sub = system:serviceaccount:%s:%s", s.cluster.IssuerHostPath(), ns, ServiceAccountName)),
			Document: json.RawMessage(s.want.JSON())})
	case s.trustDiff != "":
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: "IAM role trust policy", Name: s.roleName, Detail: s.trustDiff,
			Document: json.RawMessage(s.want.JSON())})
		p.Note = env.T(i18n.MsgTrustNeedsYou)
	}
	if !s.attached {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActAttach, Kind: "IAM policy", Name: XRayWritePolicy, Detail: s.roleName})
	}
	switch {
	case s.sa == nil:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "ServiceAccount", Name: ns + "/" + ServiceAccountName, Detail: RoleARNAnnotation + "=" + s.roleARN})
	case !s.saAnnotated:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: "ServiceAccount", Name: ns + "/" + ServiceAccountName, Detail: RoleARNAnnotation + "=" + s.roleARN})
		if s.saForeign && !env.Opts.OverrideExistingSA {
			p.Note = env.T(i18n.MsgSAForeign, ns, ServiceAccountName)
		}
	}
	return p, nil
}

// Apply creates or repairs the role, attaches the policy and annotates the
// service account. Each part is skipped when already right.
func (IAMServiceAccount) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	if env.Opts.Identity == IdentityPodIdentity {
		s, err := readPodIdentity(ctx, env)
		if err != nil {
			return Outcome{}, err
		}
		detail, err := s.apply(ctx, env, in, r)
		return Done(detail), err
	}
	s, err := readIRSA(ctx, env)
	if err != nil {
		return Outcome{}, err
	}
	ns := env.Opts.Namespace
	if !s.providerOK {
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrNoOIDCProvider, s.cluster.Name), Fix: env.T(i18n.FixNoOIDCProvider, s.cluster.Name, env.Region())}
	}
	if s.sa != nil && !s.saAnnotated && s.saForeign && !env.Opts.OverrideExistingSA && !in.Approved() {
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrSAForeign, ns, ServiceAccountName), Fix: env.T(i18n.FixSAForeign)}
	}
	if !s.roleExists {
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgCreatingRole, s.roleName))
		arn, err := createDaemonRole(ctx, env, s.roleName, s.want.JSON(),
			fmt.Sprintf("X-Ray daemon of EKS cluster %s (%s/%s), made by xray-wizard", s.cluster.Name, ns, ServiceAccountName),
			s.cluster.Name, iamtypes.Tag{Key: aws.String("alpha.eksctl.io/cluster-name"), Value: aws.String(s.cluster.Name)})
		if err != nil {
			return Outcome{}, err
		}
		if arn != "" {
			s.roleARN = arn
		}
	} else if s.trustDiff != "" {
		if !in.Approved() {
			return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrTrustDiffers, s.roleName, s.trustDiff), Fix: env.T(i18n.FixTrustDiffers)}
		}
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgFixingTrust, s.roleName, s.trustDiff))
		if _, err := env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(s.roleName), PolicyDocument: aws.String(s.want.JSON()),
		}); err != nil {
			return Outcome{}, env.AWSError("iam:UpdateAssumeRolePolicy", err)
		}
	}
	if !s.attached {
		if err := attachWritePolicy(ctx, env, r, s.roleName, s.id, !s.roleExists); err != nil {
			return Outcome{}, err
		}
	}
	if s.sa == nil || !s.saAnnotated {
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgAnnotatingSA, ns, ServiceAccountName))
		ac := kube.NewObject("v1", "ServiceAccount", ns, ServiceAccountName).
			WithAnnotations(map[string]string{RoleARNAnnotation: s.roleARN})
		if s.sa == nil || madeByWizard(s.sa) {
			// Only what the wizard makes carries its label, so cleanup
			// deletes that and, of an eksctl or Helm account, takes back
			// only the annotation.
			ac.WithLabels(map[string]string{ManagedByLabel: ManagedByValue})
		}
		_, err := env.Kube.CoreV1().ServiceAccounts(ns).Apply(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
		if err != nil {
			return Outcome{}, env.KubeError("apply", "serviceaccount "+ns+"/"+ServiceAccountName, err)
		}
	}
	return Done(env.T(i18n.MsgIRSADone, ns, ServiceAccountName, s.roleName)), nil
}

// createDaemonRole makes the daemon's role with its trust and the tags that
// let cleanup find it; extra tags come first. It returns the role's ARN, or
// "" when a role of that name already exists.
func createDaemonRole(ctx context.Context, env *Env, name, trust, description, cluster string, extra ...iamtypes.Tag) (string, error) {
	tags := append(extra,
		iamtypes.Tag{Key: aws.String("xray-wizard/cluster"), Value: aws.String(cluster)},
		iamtypes.Tag{Key: aws.String("xray-wizard/namespace"), Value: aws.String(env.Opts.Namespace)},
		iamtypes.Tag{Key: aws.String("xray-wizard/service-account"), Value: aws.String(ServiceAccountName)},
		iamtypes.Tag{Key: aws.String(ManagedByLabel), Value: aws.String(ManagedByValue)},
	)
	out, err := env.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String(description), Tags: tags})
	switch {
	case err == nil:
		return aws.ToString(out.Role.Arn), nil
	case IsCode(err, "EntityAlreadyExists"):
		return "", nil
	}
	return "", env.AWSError("iam:CreateRole", err)
}

// attachWritePolicy attaches AWSXRayDaemonWriteAccess. When it fails on a
// role made a moment before, the role goes again: a role without its policy
// is half made.
func attachWritePolicy(ctx context.Context, env *Env, r flow.Reporter, role string, id *Identity, madeNow bool) error {
	progress(env, r, flow.IDIAMSA, env.T(i18n.MsgAttaching, XRayWritePolicy))
	_, err := env.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN(id))})
	if err == nil {
		return nil
	}
	err = env.AWSError("iam:AttachRolePolicy", err)
	if madeNow {
		_, _ = env.IAM.DeleteRole(context.WithoutCancel(ctx), &iam.DeleteRoleInput{RoleName: aws.String(role)})
	}
	return err
}
