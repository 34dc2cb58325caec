package kube

import (
	"context"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/listers"
	"k8s.io/client-go/tools/cache"
)

// InformerOptions shape an informer's list and watch.
type InformerOptions struct {
	// Tweak changes the list and watch options (a label selector).
	Tweak func(*metav1.ListOptions)
	// Transform slims objects before they are cached.
	Transform cache.TransformFunc
}

// NewInformer is a shared informer over one resource, listing and watching
// through c and indexed by namespace, as client-go's generated informers
// are.
func NewInformer[T runtime.Object, L runtime.Object](c Client[T, L], example T, o InformerOptions) cache.SharedIndexInformer {
	tweak := func(lo *metav1.ListOptions) {
		if o.Tweak != nil {
			o.Tweak(lo)
		}
	}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, lo metav1.ListOptions) (runtime.Object, error) {
			tweak(&lo)
			return c.List(ctx, lo)
		},
		WatchFuncWithContext: func(ctx context.Context, lo metav1.ListOptions) (watch.Interface, error) {
			tweak(&lo)
			return c.Watch(ctx, lo)
		},
	}
	inf := cache.NewSharedIndexInformerWithOptions(lw, example, cache.SharedIndexInformerOptions{
		Indexers: cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc},
	})
	if o.Transform != nil {
		_ = inf.SetTransform(o.Transform)
	}
	return inf
}

// Lister reads an informer's cache of one resource in a namespace ("" for
// every namespace), as client-go's generated listers do.
func Lister[T runtime.Object](inf cache.SharedIndexInformer, resource schema.GroupResource, namespace string) listers.ResourceIndexer[T] {
	return listers.NewNamespaced(listers.New[T](inf.GetIndexer(), resource), namespace)
}

// Informers run together: started at once, synced, and waited for after
// their stop channel closes, as client-go's informer factory does.
type Informers struct {
	list []cache.SharedIndexInformer
	wg   sync.WaitGroup
}

// Add takes an informer into the group and returns it.
func (g *Informers) Add(inf cache.SharedIndexInformer) cache.SharedIndexInformer {
	g.list = append(g.list, inf)
	return inf
}

// Start runs every informer until stop closes.
func (g *Informers) Start(stop <-chan struct{}) {
	for _, inf := range g.list {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			inf.Run(stop)
		}()
	}
}

// WaitForCacheSync waits until every informer has listed, or stop closes;
// it says whether all did.
func (g *Informers) WaitForCacheSync(stop <-chan struct{}) bool {
	synced := make([]cache.InformerSynced, len(g.list))
	for i, inf := range g.list {
		synced[i] = inf.HasSynced
	}
	return cache.WaitForCacheSync(stop, synced...)
}

// Shutdown waits for the informers to stop (close Start's channel first).
func (g *Informers) Shutdown() { g.wg.Wait() }
