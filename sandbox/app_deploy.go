package sandbox

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// SampleApp is the workshop's sample app as its manifests declare it (what
// the workshop's earlier lab applies): a Deployment and a Service for each
// of frontend, prodcatalog and proddetail in namespace ns, every container
// sending its segments to the daemon at AWS_XRAY_DAEMON_ADDRESS
// xray-service.default:2000. The Deployments' pods are the controllers'
// to make.
func SampleApp(ns string) (deps []*appsv1.Deployment, svcs []*corev1.Service) {
	for i, a := range appServices {
		lbls := map[string]string{"app": a.deploy}
		deps = append(deps, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: a.deploy, Namespace: ns, Labels: lbls},
			Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: lbls},
				Template: appTemplate(i)},
		})
		typ := corev1.ServiceTypeClusterIP
		if a.deploy == "frontend" {
			typ = corev1.ServiceTypeLoadBalancer
		}
		svcs = append(svcs, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: a.deploy, Namespace: ns, Labels: lbls},
			Spec: corev1.ServiceSpec{Type: typ, Selector: lbls,
				Ports: []corev1.ServicePort{{Name: "http", Port: a.port, TargetPort: intstr.FromInt32(a.target), Protocol: corev1.ProtocolTCP}}},
		})
	}
	return deps, svcs
}

// appTemplate is the pod template of the app's i-th service.
func appTemplate(i int) corev1.PodTemplateSpec {
	a := appServices[i]
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": a.deploy}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: a.deploy, Image: fmt.Sprintf("public.ecr.aws/u2g6w7p2/eks-workshop-demo/%s:1.0", a.deploy),
		Env:   []corev1.EnvVar{{Name: "AWS_XRAY_DAEMON_ADDRESS", Value: "xray-service.default:2000"}},
		Ports: []corev1.ContainerPort{{ContainerPort: a.target, Protocol: corev1.ProtocolTCP}},
	}}}}
}
