package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// The iamsa step with --identity pod-identity: EKS Pod Identity instead of
// IRSA. The role trusts the EKS service principal, and an association ties
// it to the service account; the pods get credentials from the
// eks-pod-identity-agent add-on (X-Ray daemon 3.6.0+ understands them).

const podIdentityAgent = "eks-pod-identity-agent"

var podIdentityTrust = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "pods.eks.amazonaws.com"},
		"Action":    []any{"sts:AssumeRole", "sts:TagSession"},
	}},
}

type piState struct {
	cluster    *ClusterInfo
	id         *Identity
	roleName   string
	roleARN    string
	agent      Agent
	roleExists bool
	trustOK    bool
	attached   bool
	assocRole  string // the associated role, "" when none
	assocID    string
	saExists   bool
}

func readPodIdentity(ctx context.Context, env *Env) (*piState, error) {
	id, err := env.Identity(ctx)
	if err != nil {
		return nil, err
	}
	c, err := env.Cluster(ctx)
	if err != nil {
		return nil, err
	}
	ns := env.Opts.Namespace
	s := &piState{cluster: c, id: id, roleName: RoleName(c.Name, ns, ServiceAccountName)}
	s.roleARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", id.Partition, id.Account, s.roleName)
	if s.agent, err = ReadAgent(ctx, env); err != nil {
		return nil, err
	}
	role, err := env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(s.roleName)})
	switch {
	case err == nil:
		s.roleExists = true
		s.roleARN = aws.ToString(role.Role.Arn)
		doc, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
		var have any
		_ = json.Unmarshal([]byte(doc), &have)
		want, _ := json.Marshal(podIdentityTrust)
		var w any
		_ = json.Unmarshal(want, &w)
		s.trustOK = reflect.DeepEqual(have, w)
		pol, err := env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(s.roleName)})
		if err != nil {
			return nil, env.AWSError("iam:ListAttachedRolePolicies", err)
		}
		s.attached = slices.ContainsFunc(pol.AttachedPolicies, func(p iamtypes.AttachedPolicy) bool { return aws.ToString(p.PolicyArn) == policyARN(id) })
	case IsCode(err, "NoSuchEntity"):
	default:
		return nil, env.AWSError("iam:GetRole", err)
	}
	list, err := env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: aws.String(c.Name), Namespace: aws.String(ns), ServiceAccount: aws.String(ServiceAccountName)})
	if err != nil {
		return nil, env.AWSError("eks:ListPodIdentityAssociations", err)
	}
	for _, a := range list.Associations {
		s.assocID = aws.ToString(a.AssociationId)
		d, err := env.EKS.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(c.Name), AssociationId: a.AssociationId})
		if err != nil {
			return nil, env.AWSError("eks:DescribePodIdentityAssociation", err)
		}
		s.assocRole = aws.ToString(d.Association.RoleArn)
	}
	if err := env.NeedKube(); err != nil {
		return nil, err
	}
	_, err = env.Kube.CoreV1().ServiceAccounts(ns).Get(ctx, ServiceAccountName, metav1.GetOptions{})
	switch {
	case err == nil:
		s.saExists = true
	case !apierrors.IsNotFound(err):
		return nil, env.KubeError("get", "serviceaccount "+ns+"/"+ServiceAccountName, err)
	}
	return s, nil
}

func (s *piState) done() bool {
	return s.agent.Ready() && s.roleExists && s.trustOK && s.attached && s.assocRole == s.roleARN && s.saExists
}

// plan says what the step would change. An agent that cannot serve stops
// it here, before anything is asked or made: its error says what to do.
func (s *piState) plan(env *Env) (flow.Plan, error) {
	if s.agent.Broken() {
		return flow.Plan{}, agentError(env, s.cluster.Name, s.agent)
	}
	ns := env.Opts.Namespace
	p := flow.Plan{Commands: []string{
		fmt.Sprintf("eksctl create podidentityassociation --cluster %s --region %s --namespace %s --service-account-name %s --permission-policy-arns %s",
			s.cluster.Name, env.Region(), ns, ServiceAccountName, policyARN(s.id)),
	}, Equivalent: []string{
		fmt.Sprintf("aws eks create-pod-identity-association --cluster-name %s --namespace %s --service-account %s --role-arn %s", s.cluster.Name, ns, ServiceAccountName, s.roleARN),
	}}
	switch {
	case s.agent.Missing():
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "EKS add-on", Name: podIdentityAgent, Detail: env.T(i18n.PlanAgentDetail)})
		p.Equivalent = append([]string{createAgentCommand(s.cluster.Name)}, p.Equivalent...)
	case s.agent.Starting():
		p.Note = env.T(i18n.PlanAgentWait, podIdentityAgent, s.agent.Status)
	}
	trust, _ := json.Marshal(podIdentityTrust)
	switch {
	case !s.roleExists:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "IAM role", Name: s.roleName, Detail: env.T(i18n.PlanTrust, "pods.eks.amazonaws.com"), Document: trust})
	case !s.trustOK:
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: "IAM role trust policy", Name: s.roleName, Detail: env.T(i18n.PlanTrust, "pods.eks.amazonaws.com"), Document: trust})
		p.Note = env.T(i18n.MsgTrustNeedsYou)
	}
	if !s.attached {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActAttach, Kind: "IAM policy", Name: XRayWritePolicy, Detail: s.roleName})
	}
	if s.assocRole != s.roleARN {
		act := flow.ActCreate
		if s.assocRole != "" {
			act = flow.ActUpdate
		}
		p.Changes = append(p.Changes, flow.Change{Action: act, Kind: "EKS Pod Identity association", Name: ns + "/" + ServiceAccountName, Detail: s.roleARN})
	}
	if !s.saExists {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: "ServiceAccount", Name: ns + "/" + ServiceAccountName})
	}
	return p, nil
}

func (s *piState) apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (string, error) {
	ns := env.Opts.Namespace
	cl := aws.String(s.cluster.Name)
	if s.agent.Missing() {
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgCreatingAddon, podIdentityAgent))
		if _, err := env.EKS.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: cl, AddonName: aws.String(podIdentityAgent)}); err != nil && !IsCode(err, "ResourceInUseException") {
			return "", env.AWSError("eks:CreateAddon", err)
		}
	}
	if !s.agent.Ready() {
		// Pods started before the agent runs get no credentials: the
		// daemon's must come after it.
		if err := waitAgent(ctx, env, r, s.cluster.Name); err != nil {
			return "", err
		}
	}
	trust, _ := json.Marshal(podIdentityTrust)
	switch {
	case !s.roleExists:
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgCreatingRole, s.roleName))
		arn, err := createDaemonRole(ctx, env, s.roleName, string(trust),
			fmt.Sprintf("X-Ray daemon of EKS cluster %s (%s/%s, EKS Pod Identity), made by xray-wizard", s.cluster.Name, ns, ServiceAccountName), s.cluster.Name)
		if err != nil {
			return "", err
		}
		if arn != "" {
			s.roleARN = arn
		}
	case !s.trustOK:
		if !in.Approved() {
			return "", &flow.Error{Cause: env.T(i18n.ErrTrustDiffers, s.roleName, "not pods.eks.amazonaws.com"), Fix: env.T(i18n.FixTrustDiffers)}
		}
		if _, err := env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(s.roleName), PolicyDocument: aws.String(string(trust))}); err != nil {
			return "", env.AWSError("iam:UpdateAssumeRolePolicy", err)
		}
	}
	if !s.attached {
		if err := attachWritePolicy(ctx, env, r, s.roleName, s.id, !s.roleExists); err != nil {
			return "", err
		}
	}
	if !s.saExists {
		ac := kube.NewObject("v1", "ServiceAccount", ns, ServiceAccountName).WithLabels(map[string]string{ManagedByLabel: ManagedByValue})
		if _, err := env.Kube.CoreV1().ServiceAccounts(ns).Apply(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager}); err != nil {
			return "", env.KubeError("apply", "serviceaccount "+ns+"/"+ServiceAccountName, err)
		}
	}
	if s.assocRole != s.roleARN {
		progress(env, r, flow.IDIAMSA, env.T(i18n.MsgAssociating, ns, ServiceAccountName))
		var err error
		if s.assocRole == "" {
			_, err = env.EKS.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: cl, Namespace: aws.String(ns),
				ServiceAccount: aws.String(ServiceAccountName), RoleArn: aws.String(s.roleARN), Tags: map[string]string{ManagedByLabel: ManagedByValue}})
			if err != nil {
				return "", env.AWSError("eks:CreatePodIdentityAssociation", err)
			}
		} else {
			_, err = env.EKS.UpdatePodIdentityAssociation(ctx, &eks.UpdatePodIdentityAssociationInput{ClusterName: cl, AssociationId: aws.String(s.assocID), RoleArn: aws.String(s.roleARN)})
			if err != nil {
				return "", env.AWSError("eks:UpdatePodIdentityAssociation", err)
			}
		}
	}
	return env.T(i18n.MsgPodIdentityDone, ns, ServiceAccountName, s.roleName), nil
}
