package steps

import (
	"context"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// failedCreateSettle is how long the pods step lets a DaemonSet's pods be
// missing, with a FailedCreate event about it, before it fails: a template
// just applied replaces the one an older event was about within it.
const failedCreateSettle = 3 * time.Second

// FailedCreate is the newest reason the DaemonSet controller gave, in a
// FailedCreate event about the collector's DaemonSet last seen at or after
// since, for not creating its pods (Pod Security, a quota, a missing
// ServiceAccount, a webhook): "" when it gave none.
func FailedCreate(ctx context.Context, env *Env, since time.Time) (string, error) {
	ns, name := env.Opts.Namespace, env.Collector().DaemonSet
	list, err := env.Kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{
		FieldSelector: "involvedObject.kind=DaemonSet,involvedObject.name=" + name + ",reason=FailedCreate"})
	if err != nil {
		return "", err
	}
	var msg string
	var newest time.Time
	for _, e := range list.Items {
		// Filtered here too, for an API server that ignores the selector.
		if e.InvolvedObject.Kind != "DaemonSet" || e.InvolvedObject.Name != name || e.Reason != "FailedCreate" {
			continue
		}
		at := eventTime(&e)
		if at.Before(since) || at.Before(newest) {
			continue
		}
		msg, newest = e.Message, at
	}
	return msg, nil
}

// NotCreatedSince is the time from which a FailedCreate event tells of pods
// not being created now: after the DaemonSet was made and after its newest
// pod was (a controller still creating pods is not stuck).
func NotCreatedSince(ds *appsv1.DaemonSet, pods []*corev1.Pod) time.Time {
	since := ds.CreationTimestamp.Time
	for _, p := range pods {
		// Times have whole seconds: an event in the second a pod was made
		// may be from before it.
		if t := p.CreationTimestamp.Add(time.Second); t.After(since) {
			since = t
		}
	}
	return since
}

// eventTime is when an event last happened, whichever API wrote it.
func eventTime(e *corev1.Event) time.Time {
	var series time.Time
	if e.Series != nil {
		series = e.Series.LastObservedTime.Time
	}
	for _, t := range []time.Time{series, e.LastTimestamp.Time, e.EventTime.Time, e.CreationTimestamp.Time} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// FailedCreateError is a FailedCreate event's message as a failure, with
// the fix for its kind of refusal.
func FailedCreateError(env *Env, msg string) *flow.Error {
	ns := env.Opts.Namespace
	low := strings.ToLower(msg)
	var fix string
	switch {
	case strings.Contains(msg, "PodSecurity"):
		fix = env.T(i18n.FixPodSecurity, ns, ns)
	case strings.Contains(low, "exceeded quota") || strings.Contains(low, "resourcequota"):
		fix = env.T(i18n.FixPodQuota, ns, ns)
	case strings.Contains(low, "serviceaccount") && strings.Contains(low, "not found"):
		fix = env.T(i18n.FixPodServiceAccount, ns, ServiceAccountName)
	case strings.Contains(low, "admission webhook"):
		fix = env.T(i18n.FixPodWebhook, ns)
	default:
		fix = env.T(i18n.FixPodsNotCreated, ns, env.Collector().DaemonSet)
	}
	return &flow.Error{Cause: env.T(i18n.ErrPodsNotCreated, failedCreateText(msg)), Fix: fix}
}

// failedCreateText is an event's message without the recorder's words
// around the API server's.
func failedCreateText(msg string) string {
	msg = strings.TrimPrefix(msg, "(combined from similar events): ")
	return strings.TrimPrefix(msg, "Error creating: ")
}
