package kubesim

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/xray-wizard/xray-wizard/kube"
)

// LoadBalancer gives a Service of type LoadBalancer its load balancer after
// a delay, as the AWS Load Balancer Controller would. The load balancer
// listens where the process behind it does, on loopback: its hostname is
// localhost, and the Service's port is Port (targetPort stays TargetPort).
type LoadBalancer struct {
	Namespace, Service string
	Port, TargetPort   int
	Delay              time.Duration
}

// Run provisions the load balancer, through the Service's spec and its
// status subresource, unless ctx ends first.
func (lb LoadBalancer) Run(ctx context.Context, cs kube.Interface, log *slog.Logger) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(lb.Delay):
	}
	svcs := cs.CoreV1().Services(lb.Namespace)
	patch := fmt.Sprintf(`{"spec":{"ports":[{"name":"http","port":%d,"targetPort":%d,"protocol":"TCP"}]}}`, lb.Port, lb.TargetPort)
	opts := metav1.PatchOptions{FieldManager: "aws-load-balancer-controller"}
	if _, err := svcs.Patch(ctx, lb.Service, types.MergePatchType, []byte(patch), opts); err != nil {
		log.Debug("sandbox lb", "err", err)
		return
	}
	svc, err := svcs.Get(ctx, lb.Service, metav1.GetOptions{})
	if err != nil {
		return
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "localhost"}}
	if _, err := svcs.UpdateStatus(ctx, svc, metav1.UpdateOptions{FieldManager: "aws-load-balancer-controller"}); err != nil {
		log.Debug("sandbox lb", "err", err)
	}
}
