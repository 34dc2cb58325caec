package steps

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	corev1 "k8s.io/api/core/v1"
)

// PodIdentityEnv is the variable EKS Pod Identity's webhook gives a pod
// whose service account has an association when the pod is created: the
// agent's address, where the SDKs get the role's credentials.
const PodIdentityEnv = "AWS_CONTAINER_CREDENTIALS_FULL_URI"

// podsWithoutAssociation finds, with EKS Pod Identity, the collector's
// pods that started before their service account's association: they have
// no agent address and run without the role, as IRSA's pods that started
// before the annotation do. Nothing when there is no association (the
// iamsa step and the doctor say so) or it cannot be read.
func podsWithoutAssociation(ctx context.Context, env *Env, pods []*corev1.Pod) []string {
	if env.EKS == nil {
		return nil
	}
	c, err := env.Cluster(ctx)
	if err != nil {
		return nil
	}
	list, err := env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: aws.String(c.Name), Namespace: aws.String(env.Opts.Namespace), ServiceAccount: aws.String(ServiceAccountName)})
	if err != nil || len(list.Associations) == 0 {
		return nil
	}
	return podsWithoutEnv(pods, PodIdentityEnv)
}
