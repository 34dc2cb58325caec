package steps

import (
	"bytes"
	"context"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/listers"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// failedCreateSettle is how long the pods step lets a DaemonSet's pods be
// missing, with no new pod made, before it reads why: the DaemonSet
// controller makes pods in growing batches, and a template just applied
// replaces the one an older event was about within it.
const failedCreateSettle = 3 * time.Second

// failedCreateSelector selects the FailedCreate events of a DaemonSet.
func failedCreateSelector(name string) string {
	return "involvedObject.kind=DaemonSet,involvedObject.name=" + name + ",reason=FailedCreate"
}

// FailedCreate is the newest reason the DaemonSet controller gave, in a
// FailedCreate event about the collector's DaemonSet last seen at or after
// since, for not creating its pods (Pod Security, a quota, a missing
// ServiceAccount, a webhook): "" when it gave none. It lists the events
// once (the doctor); the pods step watches them instead (failedCreates).
func FailedCreate(ctx context.Context, env *Env, since time.Time) (string, error) {
	ns, name := env.Opts.Namespace, env.Collector().DaemonSet
	list, err := env.Kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: failedCreateSelector(name)})
	if err != nil {
		return "", err
	}
	events := make([]*corev1.Event, len(list.Items))
	for i := range list.Items {
		events[i] = &list.Items[i]
	}
	return newestFailedCreate(events, name, since), nil
}

// newestFailedCreate is the message of the newest FailedCreate event about
// DaemonSet name last seen at or after since, or "".
func newestFailedCreate(events []*corev1.Event, name string, since time.Time) string {
	var msg string
	var newest time.Time
	for _, e := range events {
		// Filtered here too, for an API server that ignores the selector.
		if e.InvolvedObject.Kind != "DaemonSet" || e.InvolvedObject.Name != name || e.Reason != "FailedCreate" {
			continue
		}
		at := eventTime(e)
		if at.Before(since) || at.Before(newest) {
			continue
		}
		msg, newest = e.Message, at
	}
	return msg
}

// failedCreates watches a DaemonSet's FailedCreate events, from an
// informer (one list, one watch) that the pods step starts only when its
// pods are missing and none has been made for a while: a healthy wait,
// however long, reads no events at all.
type failedCreates struct {
	f      kube.Informers
	inf    cache.SharedIndexInformer
	stop   chan struct{}
	lister listers.ResourceIndexer[*corev1.Event]
	name   string
}

// watchFailedCreates starts watching; poke is called on every event seen.
func watchFailedCreates(env *Env, poke func()) *failedCreates {
	ns, name := env.Opts.Namespace, env.Collector().DaemonSet
	w := &failedCreates{stop: make(chan struct{}), name: name}
	w.inf = w.f.Add(kube.NewInformer(env.Kube.CoreV1().Events(ns), &corev1.Event{}, kube.InformerOptions{
		Tweak: func(o *metav1.ListOptions) { o.FieldSelector = failedCreateSelector(name) }}))
	w.lister = kube.Lister[*corev1.Event](w.inf, corev1.Resource("events"), ns)
	h := func(any) { poke() }
	_, _ = w.inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: h, UpdateFunc: func(any, any) { poke() }})
	// Events the wizard may not read (RBAC) only leave the wait without
	// its explanation: said nowhere, never on the screen (client-go's own
	// handler would log on stderr, under the TUI).
	_ = w.inf.SetWatchErrorHandlerWithContext(func(context.Context, *cache.Reflector, error) {})
	w.f.Start(w.stop)
	return w
}

// newest is newestFailedCreate over the events seen so far ("" before the
// first list arrived).
func (w *failedCreates) newest(since time.Time) string {
	if w == nil || !w.inf.HasSynced() {
		return ""
	}
	events, _ := w.lister.List(labels.Everything())
	return newestFailedCreate(events, w.name, since)
}

// close stops the watch and waits for it.
func (w *failedCreates) close() {
	if w != nil {
		close(w.stop)
		w.f.Shutdown()
	}
}

// NotCreatedSince is the time from which a FailedCreate event tells of pods
// not being created now: after the DaemonSet's spec last changed (an event
// before is about a template that is gone) and after its newest pod was
// made (a controller still creating pods is not stuck).
func NotCreatedSince(ds *appsv1.DaemonSet, pods []*corev1.Pod) time.Time {
	since := ds.CreationTimestamp.Time
	// Times have whole seconds: an event in the second something changed
	// may be from before it.
	for _, m := range ds.ManagedFields {
		// A manager of the spec (not the controller writing the status).
		if m.Subresource == "" && m.Time != nil && m.FieldsV1 != nil && bytes.Contains(m.FieldsV1.Raw, []byte(`"f:spec"`)) {
			if t := m.Time.Add(time.Second); t.After(since) {
				since = t
			}
		}
	}
	for _, p := range pods {
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

// Refusal is what refused a DaemonSet's pods, as a FailedCreate event's
// message tells it (events carry text only: no reason code of the API
// server's refusal survives in them).
type Refusal int

// The refusals the pods step and the doctor know a fix for.
const (
	RefusedOther          Refusal = iota
	RefusedPodSecurity            // Pod Security admission
	RefusedQuota                  // a ResourceQuota
	RefusedServiceAccount         // the pods' ServiceAccount is missing
	RefusedWebhook                // an admission webhook
)

// RefusalOf reads a FailedCreate event's message.
func RefusalOf(msg string) Refusal {
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(msg, "violates PodSecurity"):
		return RefusedPodSecurity
	case strings.Contains(low, "exceeded quota") || strings.Contains(low, "resourcequota"):
		return RefusedQuota
	case strings.Contains(low, "serviceaccount") && strings.Contains(low, "not found"):
		return RefusedServiceAccount
	case strings.Contains(low, "admission webhook"):
		return RefusedWebhook
	}
	return RefusedOther
}

// FailedCreateError is a FailedCreate event's message as a failure, with
// the fix for its kind of refusal.
func FailedCreateError(env *Env, msg string) *flow.Error {
	return FailedCreateErrorWith(env, msg, env.wizardCommand)
}

// FailedCreateErrorWith is FailedCreateError with the wizard's command
// lines made by wizard (the doctor's, which reach its world).
func FailedCreateErrorWith(env *Env, msg string, wizard func(ids string) string) *flow.Error {
	ns, ds := env.Opts.Namespace, env.Collector().DaemonSet
	var fix string
	switch RefusalOf(msg) {
	case RefusedPodSecurity:
		fix = env.T(i18n.FixPodSecurity, ns, wizard("daemonset,pods"))
	case RefusedQuota:
		fix = env.T(i18n.FixPodQuota, ns, ns)
	case RefusedServiceAccount:
		fix = env.T(i18n.FixPodServiceAccount, ns, ServiceAccountName, wizard("iamsa,daemonset,pods"))
	case RefusedWebhook:
		fix = env.T(i18n.FixPodWebhook, ns)
	default:
		fix = env.T(i18n.FixPodsNotCreated, ns, ds)
	}
	return &flow.Error{Cause: env.T(i18n.ErrPodsNotCreated, ds, failedCreateText(msg)), Fix: fix}
}

// failedCreateText is an event's message without the recorder's words
// around the API server's.
func failedCreateText(msg string) string {
	msg = strings.TrimPrefix(msg, "(combined from similar events): ")
	return strings.TrimPrefix(msg, "Error creating: ")
}
