package kubesim

import (
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/xray-wizard/xray-wizard/kube"
)

var kinds sync.Map // GroupVersionResource → GroupVersionKind

// kindOf finds the kind of a resource in client-go's scheme.
func kindOf(gvr schema.GroupVersionResource) (schema.GroupVersionKind, bool) {
	if k, ok := kinds.Load(gvr); ok {
		return k.(schema.GroupVersionKind), true
	}
	for gvk := range kube.Scheme.AllKnownTypes() {
		if gvk.GroupVersion() != gvr.GroupVersion() || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		if plural, _ := meta.UnsafeGuessKindToResource(gvk); plural == gvr {
			kinds.Store(gvr, gvk)
			return gvk, true
		}
	}
	return schema.GroupVersionKind{}, false
}

type replayWatch struct {
	src  watch.Interface
	out  chan watch.Event
	stop chan struct{}
	once sync.Once
}

func newReplayWatch(src watch.Interface, gone, snapshot []runtime.Object, sel labels.Selector) *replayWatch {
	w := &replayWatch{src: src, out: make(chan watch.Event), stop: make(chan struct{})}
	shown := map[string]bool{} // objects the reader was told exist
	keyOf := func(o runtime.Object) (string, labels.Set) {
		m, err := meta.Accessor(o)
		if err != nil {
			return "", nil
		}
		return m.GetNamespace() + "/" + m.GetName(), m.GetLabels()
	}
	filter := func(ev watch.Event) []watch.Event {
		key, lbls := keyOf(ev.Object)
		if key == "" {
			return []watch.Event{ev}
		}
		switch ev.Type {
		case watch.Added, watch.Modified:
			if sel.Matches(lbls) {
				if !shown[key] {
					shown[key] = true
					ev.Type = watch.Added
				}
				return []watch.Event{ev}
			}
			if shown[key] { // no longer selected: gone for this watch
				delete(shown, key)
				return []watch.Event{{Type: watch.Deleted, Object: ev.Object}}
			}
			return nil
		case watch.Deleted:
			if shown[key] {
				delete(shown, key)
				return []watch.Event{ev}
			}
			return nil
		}
		return []watch.Event{ev}
	}
	// The deletions since the reader's list first: a reader that never had
	// the object ignores them.
	var queue []watch.Event
	for _, o := range gone {
		if _, lbls := keyOf(o); sel.Matches(lbls) {
			queue = append(queue, watch.Event{Type: watch.Deleted, Object: o})
		}
	}
	for _, o := range snapshot {
		queue = append(queue, filter(watch.Event{Type: watch.Added, Object: o})...)
	}
	go func() {
		defer close(w.out)
		in := src.ResultChan()
		for in != nil || len(queue) > 0 {
			var out chan watch.Event
			var next watch.Event
			if len(queue) > 0 {
				out, next = w.out, queue[0]
			}
			select {
			case ev, ok := <-in:
				if !ok {
					in = nil
					continue
				}
				queue = append(queue, filter(ev)...)
			case out <- next:
				queue = queue[1:]
			case <-w.stop:
				return
			}
		}
	}()
	return w
}

func (w *replayWatch) Stop() {
	w.once.Do(func() {
		close(w.stop)
		w.src.Stop()
	})
}

func (w *replayWatch) ResultChan() <-chan watch.Event { return w.out }
