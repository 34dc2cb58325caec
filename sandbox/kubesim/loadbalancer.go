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
// status subresource, Delay after the Service is there without one — at
// start, or when it is made again (the sample app deployed anew) — until
// ctx ends.
func (lb LoadBalancer) Run(ctx context.Context, cs kube.Interface, log *slog.Logger) {
	svcs := cs.CoreV1().Services(lb.Namespace)
	var seen types.UID // the Service provisioned last, or waited for
	var due time.Time
	tk := time.NewTicker(lbPoll)
	defer tk.Stop()
	for {
		svc, err := svcs.Get(ctx, lb.Service, metav1.GetOptions{})
		switch {
		case err != nil:
			seen = ""
		case len(svc.Status.LoadBalancer.Ingress) > 0:
			seen = svc.UID
		case svc.UID != seen:
			// A Service without a load balancer: it gets one after the delay.
			seen, due = svc.UID, time.Now().Add(lb.Delay)
		case !time.Now().Before(due):
			if err := lb.provision(ctx, svcs); err != nil {
				log.Debug("sandbox lb", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}

// lbPoll is how often the load balancer controller looks at its Service.
const lbPoll = 100 * time.Millisecond

func (lb LoadBalancer) provision(ctx context.Context, svcs kube.Client[*corev1.Service, *corev1.ServiceList]) error {
	patch := fmt.Sprintf(`{"spec":{"ports":[{"name":"http","port":%d,"targetPort":%d,"protocol":"TCP"}]}}`, lb.Port, lb.TargetPort)
	opts := metav1.PatchOptions{FieldManager: "aws-load-balancer-controller"}
	if _, err := svcs.Patch(ctx, lb.Service, types.MergePatchType, []byte(patch), opts); err != nil {
		return err
	}
	svc, err := svcs.Get(ctx, lb.Service, metav1.GetOptions{})
	if err != nil {
		return err
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "localhost"}}
	_, err = svcs.UpdateStatus(ctx, svc, metav1.UpdateOptions{FieldManager: "aws-load-balancer-controller"})
	return err
}
