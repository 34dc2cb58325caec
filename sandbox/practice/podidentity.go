package practice

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/steps"
)

// The modes that practise EKS Pod Identity (--identity pod-identity): the
// world is set up with it, and the doctor looks with it.

// podIdentityModes are the modes whose world gets its role by EKS Pod
// Identity.
var podIdentityModes = map[string]bool{"pod-identity-policy": true}

// Identity is how the mode's world gets the daemon's role: IRSA, as the
// lab, or EKS Pod Identity; the doctor is run with --identity as it.
func (m Mode) Identity() string {
	if podIdentityModes[m.Name] {
		return steps.IdentityPodIdentity
	}
	return steps.IdentityIRSA
}

// toPodIdentity readies a world that IRSA gave the daemon its role for
// EKS Pod Identity, as a person switching would: the service account's
// role annotation goes (kubectl annotate … eks.amazonaws.com/role-arn-), or
// the pods would keep IRSA's role.
func (b *breaker) toPodIdentity(ctx context.Context) error {
	if b.env.Opts.Identity != steps.IdentityPodIdentity {
		return nil
	}
	sa, err := b.kc.CoreV1().ServiceAccounts(b.ns).Get(ctx, steps.ServiceAccountName, metav1.GetOptions{})
	if err != nil || sa.Annotations[steps.RoleARNAnnotation] == "" {
		return nil // none yet: the wizard makes it
	}
	_, err = b.annotate(ctx, "")
	return err
}

// podIdentityPods restarts the daemon's pods that started before their
// service account's association (the wizard's pods step restarts only
// those without IRSA's role), as kubectl rollout restart would.
func (b *breaker) podIdentityPods(ctx context.Context) error {
	if b.env.Opts.Identity != steps.IdentityPodIdentity {
		return nil
	}
	pods, err := b.kc.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: steps.DaemonLabel})
	if err != nil {
		return err
	}
	for _, p := range pods.Items {
		if _, set := containerEnv(p.Spec.Containers, steps.PodIdentityEnv); !set {
			return b.restartDaemon(ctx)
		}
	}
	return nil
}

// podIdentityPolicy: AWSXRayDaemonWriteAccess detached from the role EKS
// Pod Identity gives the daemon's service account (as in the console).
func (b *breaker) podIdentityPolicy(ctx context.Context) error {
	c, err := b.env.Cluster(ctx)
	if err != nil {
		return err
	}
	list, err := b.env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(c.Name),
		Namespace: aws.String(b.ns), ServiceAccount: aws.String(steps.ServiceAccountName)})
	if err != nil {
		return err
	}
	if len(list.Associations) == 0 {
		return fmt.Errorf("no EKS Pod Identity association for %s/%s", b.ns, steps.ServiceAccountName)
	}
	out, err := b.env.EKS.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(c.Name),
		AssociationId: list.Associations[0].AssociationId})
	if err != nil {
		return err
	}
	arn := aws.ToString(out.Association.RoleArn)
	role := arn[strings.LastIndex(arn, "/")+1:]
	pols, err := b.env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return err
	}
	for _, p := range pols.AttachedPolicies {
		if strings.HasSuffix(aws.ToString(p.PolicyArn), "/"+steps.XRayWritePolicy) {
			if _, err := b.env.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: p.PolicyArn}); err != nil {
				return err
			}
		}
	}
	return nil
}
