package doctor

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// podsCreated: the DaemonSet controller can create the collector's pods. When
// Pod Security, a quota, a missing ServiceAccount or a webhook refuses
// them, the DaemonSet has FailedCreate events and no pods to look at: the
// events are the only place that says why.
func (d *dx) podsCreated(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if f, none := d.needCollector(); none {
		return f
	}
	if what, err := d.unread("daemonset/"+d.names().DaemonSet, d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if d.ds == nil {
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxNeedsCollector)}
	}
	if len(d.pods) >= int(d.ds.Status.DesiredNumberScheduled) {
		return ok(d.t(i18n.DxPodsCreatedOK))
	}
	pods := make([]*corev1.Pod, len(d.pods))
	for i := range d.pods {
		pods[i] = &d.pods[i]
	}
	msg, err := steps.FailedCreate(ctx, d.env, steps.NotCreatedSince(d.ds, pods))
	if err != nil {
		return d.cannotRead("events", d.ns, d.env.KubeError("list", "events", err))
	}
	if msg == "" {
		return ok(d.t(i18n.DxPodsCreatedOK))
	}
	// The fixes the wizard makes are printed as the wizard's command on
	// this world (the sandbox's included); the others are kubectl's.
	wizard := func(ids string) string { return d.wizard(ids, d.daemonForce(ctx)) }
	fe := steps.FailedCreateErrorWith(d.env, msg, wizard)
	command := "kubectl describe daemonset -n " + d.ns + " " + d.names().DaemonSet
	switch steps.RefusalOf(msg) {
	case steps.RefusedPodSecurity:
		command = wizard(flow.IDDaemonSet + "," + flow.IDPods)
	case steps.RefusedServiceAccount:
		command = wizard(flow.IDIAMSA + "," + flow.IDDaemonSet + "," + flow.IDPods)
	case steps.RefusedQuota:
		command = "kubectl describe resourcequota -n " + d.ns
	case steps.RefusedWebhook:
		command = "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations"
	}
	return bad(flow.CheckFail, fe.Cause, fe.Fix, command, msg)
}
