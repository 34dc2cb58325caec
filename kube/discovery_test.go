package kube

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// An API server that takes the request and never answers holds a
// discovery call only as long as its context: the wizard's waits all end.
func TestDiscoveryEndsWithItsContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	cs, err := NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func(context.Context) error{
		"ServerVersion": func(ctx context.Context) error { _, err := cs.Discovery().ServerVersion(ctx); return err },
		"ServerGroups":  func(ctx context.Context) error { _, err := cs.Discovery().ServerGroups(ctx); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := call(ctx)
		cancel()
		if err == nil || time.Since(start) > 5*time.Second {
			t.Errorf("%s on a server that never answers: %v after %s", name, err, time.Since(start))
		}
	}
	if DiscoveryTimeout <= 0 || DiscoveryTimeout > time.Minute {
		t.Errorf("DiscoveryTimeout %s: a call without a deadline of its own must still end", DiscoveryTimeout)
	}
}
