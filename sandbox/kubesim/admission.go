package kubesim

import (
	"fmt"
	"path"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// The annotations and paths of EKS's pod identity webhook.
const (
	roleARNAnnotation  = "eks.amazonaws.com/role-arn"
	audienceAnnotation = "eks.amazonaws.com/audience"
	// IRSATokenDir is where a pod with an IAM role finds its token.
	IRSATokenDir  = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
	irsaTokenFile = IRSATokenDir + "/token"
	// PodIdentityURI is the EKS Pod Identity agent's credentials address.
	PodIdentityURI   = "http://169.254.170.23/v1/credentials"
	podIdentityToken = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
)

// Admission is what EKS's pod identity webhook knows: the cluster's region
// and the roles of EKS Pod Identity associations.
type Admission struct {
	Region string
	// PodIdentityRole finds the role EKS Pod Identity gives a service
	// account, or "".
	PodIdentityRole func(namespace, serviceAccount string) string
}

// admitPod is EKS's pod identity webhook: a pod whose service account has
// an IAM role annotation gets the role's environment and a projected token
// (IRSA); one whose service account has an EKS Pod Identity association
// gets the agent's credentials address. Only at creation: pods that
// started before the annotation keep running without it.
func (s *APIServer) admitPod(p *corev1.Pod) error {
	sa := p.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
		p.Spec.ServiceAccountName = sa
	}
	obj, err := s.cs.Tracker().Get(corev1.SchemeGroupVersion.WithResource("serviceaccounts"), p.Namespace, sa)
	if err != nil {
		// As the ServiceAccount admission plugin: no pod without its account.
		// The API server names the pod (generateName) before admission.
		name := p.Name
		if name == "" {
			name = p.GenerateName
		}
		return apierrors.NewForbidden(corev1.Resource("pods"), name,
			fmt.Errorf("error looking up service account %s/%s: serviceaccount %q not found", p.Namespace, sa, sa))
	}
	acct := obj.(*corev1.ServiceAccount)
	var env []corev1.EnvVar
	var mount *corev1.VolumeMount
	if role := acct.Annotations[roleARNAnnotation]; role != "" {
		aud := acct.Annotations[audienceAnnotation]
		if aud == "" {
			aud = "sts.amazonaws.com"
		}
		env = []corev1.EnvVar{
			{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
			{Name: "AWS_DEFAULT_REGION", Value: s.admission.Region},
			{Name: "AWS_REGION", Value: s.admission.Region},
			{Name: "AWS_ROLE_ARN", Value: role},
			{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: irsaTokenFile},
		}
		mount = &corev1.VolumeMount{Name: "aws-iam-token", MountPath: IRSATokenDir, ReadOnly: true}
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "aws-iam-token", VolumeSource: corev1.VolumeSource{
			Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
				Audience: aud, ExpirationSeconds: ptr(int64(86400)), Path: "token"}}}}}})
	} else if s.admission.PodIdentityRole != nil && s.admission.PodIdentityRole(p.Namespace, sa) != "" {
		env = []corev1.EnvVar{
			{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
			{Name: "AWS_DEFAULT_REGION", Value: s.admission.Region},
			{Name: "AWS_REGION", Value: s.admission.Region},
			{Name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", Value: PodIdentityURI},
			{Name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", Value: podIdentityToken},
		}
		mount = &corev1.VolumeMount{Name: "eks-pod-identity-token", MountPath: path.Dir(podIdentityToken), ReadOnly: true}
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "eks-pod-identity-token", VolumeSource: corev1.VolumeSource{
			Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
				Audience: "pods.eks.amazonaws.com", ExpirationSeconds: ptr(int64(86400)), Path: path.Base(podIdentityToken)}}}}}})
	}
	if mount == nil {
		return nil
	}
	for i := range p.Spec.Containers {
		ct := &p.Spec.Containers[i]
		for _, e := range env {
			if !slices.ContainsFunc(ct.Env, func(x corev1.EnvVar) bool { return x.Name == e.Name }) {
				ct.Env = append(ct.Env, e)
			}
		}
		ct.VolumeMounts = append(ct.VolumeMounts, *mount)
	}
	return nil
}
