// Command otlpsend sends traces made with the OpenTelemetry Go SDK over OTLP
// (HTTP) to a Collector, for the e2e tests in e2e/collector: each trace is a
// SERVER span of one service that calls a second service (a CLIENT span and
// that service's SERVER span), answering the HTTP status codes given, in
// turn. Trace ids carry their start time in their first 4 bytes, as X-Ray
// requires of the ids it accepts.
package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// xrayIDs makes trace ids X-Ray accepts: the time first, then random bytes.
type xrayIDs struct{}

func (xrayIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	var t trace.TraceID
	_, _ = rand.Read(t[4:])
	binary.BigEndian.PutUint32(t[:4], uint32(time.Now().Unix()))
	return t, xrayIDs{}.NewSpanID(context.Background(), t)
}

func (xrayIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	var s trace.SpanID
	_, _ = rand.Read(s[:])
	return s
}

func provider(ctx context.Context, endpoint, service string) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(service))
	return sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res),
		sdktrace.WithIDGenerator(xrayIDs{}), sdktrace.WithSampler(sdktrace.AlwaysSample())), nil
}

func server(ctx context.Context, tr trace.Tracer, name string, status int, parent context.Context) (context.Context, trace.Span) {
	ctx, span := tr.Start(parent, "GET /"+name, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", "GET"), attribute.String("url.path", "/"+name),
			attribute.String("http.method", "GET"), attribute.String("http.target", "/"+name)))
	return ctx, span
}

func end(span trace.Span, status int) {
	span.SetAttributes(attribute.Int("http.response.status_code", status), attribute.Int("http.status_code", status))
	if status >= 500 {
		span.SetStatus(codes.Error, strconv.Itoa(status))
	}
	span.End()
}

func main() {
	endpoint := flag.String("endpoint", "", "the Collector's OTLP/HTTP host:port (loopback)")
	front := flag.String("service", "Otel-Frontend", "the calling service")
	back := flag.String("calls", "Otel-Catalog", "the service it calls")
	statuses := flag.String("statuses", "200", "comma-separated HTTP status codes, one trace each")
	flag.Parse()
	if !strings.HasPrefix(*endpoint, "127.0.0.1:") {
		fmt.Fprintln(os.Stderr, "otlpsend: --endpoint must be 127.0.0.1:PORT")
		os.Exit(2)
	}
	ctx := context.Background()
	fp, err := provider(ctx, *endpoint, *front)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bp, err := provider(ctx, *endpoint, *back)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ft, bt := fp.Tracer("otlpsend"), bp.Tracer("otlpsend")
	n := 0
	for _, s := range strings.Split(*statuses, ",") {
		status, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "otlpsend: bad status", s)
			os.Exit(2)
		}
		rctx, root := server(ctx, ft, "products", status, ctx)
		cctx, call := ft.Start(rctx, "GET "+*back, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("http.request.method", "GET"), attribute.String("http.method", "GET"),
				attribute.String("url.full", "http://"+strings.ToLower(*back)+"/catalog"), attribute.String("http.url", "http://"+strings.ToLower(*back)+"/catalog"),
				attribute.String("peer.service", *back)))
		_, callee := server(cctx, bt, "catalog", 200, cctx)
		time.Sleep(2 * time.Millisecond)
		end(callee, 200)
		end(call, 200)
		end(root, status)
		n++
	}
	for _, p := range []*sdktrace.TracerProvider{fp, bp} {
		if err := p.Shutdown(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Println(n)
}
