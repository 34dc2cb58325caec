package kubesim

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/kube"
)

// recorder writes a component's Events through the API, counting repeats
// as client-go's event recorder does.
type recorder struct {
	cs     kube.Interface
	mu     sync.Mutex
	events map[string]*corev1.Event
}

func newRecorder(cs kube.Interface) *recorder {
	return &recorder{cs: cs, events: map[string]*corev1.Event{}}
}

// components name the source of an event about a kind.
var components = map[string]string{"DaemonSet": "daemonset-controller", "Deployment": "deployment-controller", "Pod": "kubelet"}

// record records an Event about an object.
func (r *recorder) record(kind, ns, name, typ, reason, msg string) {
	ctx := context.Background()
	r.mu.Lock()
	defer r.mu.Unlock()
	key := kind + "/" + ns + "/" + name + "/" + reason + "/" + msg
	e := r.events[key]
	now := metav1.Now()
	if e == nil {
		e = &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", name, time.Now().UnixNano()), Namespace: ns},
			InvolvedObject: corev1.ObjectReference{Kind: kind, Namespace: ns, Name: name},
			Reason:         reason, Message: msg, Type: typ, Count: 1, FirstTimestamp: now, LastTimestamp: now,
			Source: corev1.EventSource{Component: components[kind]},
		}
		r.events[key] = e
		_, _ = r.cs.CoreV1().Events(ns).Create(ctx, e.DeepCopy(), metav1.CreateOptions{})
		return
	}
	e.Count++
	e.LastTimestamp = now
	_, _ = r.cs.CoreV1().Events(ns).Update(ctx, e.DeepCopy(), metav1.UpdateOptions{})
}
