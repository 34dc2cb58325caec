package kubesim

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/xray-wizard/xray-wizard/kube"
)

// recorder writes a component's Events through the API as client-go's
// event recorder does, through its own correlator: a repeat of an event
// counts up the one recorded, more than 10 alike about one object within
// 10 minutes become one "(combined from similar events): " event, and an
// object that keeps failing gets at most 25 events and then one every 5
// minutes.
type recorder struct {
	cs         kube.Interface
	mu         sync.Mutex
	correlator *record.EventCorrelator
}

func newRecorder(cs kube.Interface) *recorder {
	return &recorder{cs: cs, correlator: record.NewEventCorrelator(clock.RealClock{})}
}

// components name the source of an event about a kind.
var components = map[string]string{"DaemonSet": "daemonset-controller", "Deployment": "deployment-controller", "Pod": "kubelet"}

// apiVersions are the API versions of the kinds events are about.
var apiVersions = map[string]string{"DaemonSet": "apps/v1", "Deployment": "apps/v1", "Pod": "v1"}

// record records an Event about an object.
func (r *recorder) record(kind, ns, name string, uid types.UID, typ, reason, msg string) {
	ctx := context.Background()
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	t := metav1.NewTime(now)
	src := corev1.EventSource{Component: components[kind]}
	e := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", name, now.UnixNano()), Namespace: ns},
		InvolvedObject: corev1.ObjectReference{Kind: kind, APIVersion: apiVersions[kind], Namespace: ns, Name: name, UID: uid},
		Reason:         reason, Message: msg, Type: typ, Count: 1, FirstTimestamp: t, LastTimestamp: t,
		Source: src, ReportingController: src.Component,
	}
	res, err := r.correlator.EventCorrelate(e)
	if err != nil || res.Skip {
		return
	}
	events := r.cs.CoreV1().Events(ns)
	var stored *corev1.Event
	if res.Event.Count > 1 {
		stored, err = events.Patch(ctx, res.Event.Name, types.StrategicMergePatchType, res.Patch, metav1.PatchOptions{})
	}
	if res.Event.Count <= 1 || apierrors.IsNotFound(err) {
		ev := res.Event.DeepCopy()
		ev.ResourceVersion = ""
		stored, err = events.Create(ctx, ev, metav1.CreateOptions{})
	}
	if err == nil {
		r.correlator.UpdateState(stored)
	}
}
