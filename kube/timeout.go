package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// ResponseTimeout is the longest the wizard waits for an API server to
// start answering a request: one that takes the connection and never
// answers must not hold a run for ever. A watch's answer starts at once
// (its events stream after), so it is not cut.
const ResponseTimeout = 30 * time.Second

// WithResponseTimeout wraps a transport so that a request whose response
// has not begun within d fails; once it has begun, the body is read for
// as long as the request's own context allows (rest.Config.WrapTransport).
func WithResponseTimeout(d time.Duration) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper { return &headerTimeout{rt: rt, d: d} }
}

type headerTimeout struct {
	rt http.RoundTripper
	d  time.Duration
}

func (h *headerTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	// A timeout, as callers tell one (errors.Is DeadlineExceeded).
	noAnswer := fmt.Errorf("no answer within %s: %w", h.d, context.DeadlineExceeded)
	timer := time.AfterFunc(h.d, func() { cancel(noAnswer) })
	resp, err := h.rt.RoundTrip(req.WithContext(ctx))
	if !timer.Stop() && err != nil {
		cancel(nil)
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, context.Cause(ctx))
	}
	if err != nil {
		cancel(nil)
		return nil, err
	}
	// The body lives on under ctx: closing it lets ctx go.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: func() { cancel(nil) }}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	once   sync.Once
	cancel func()
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.once.Do(c.cancel)
	return err
}
