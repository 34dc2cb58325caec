package steps

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/valyala/fastjson"
)

// A count reads five fields of each trace summary, and X-Ray sends some
// thirty. The SDK decodes a page into a generic map first and then into
// its types, which makes decoding, not the network, the cost of counting
// 100,000 traces. slimSummaries decodes a successful GetTraceSummaries
// answer straight into the fields the count reads; errors (throttling
// included) still go through the SDK's own decoder and retries.

// slimPage is the part of a GetTraceSummaries answer a count reads, in
// plain values: one allocation a summary fewer than pointers would make.
type slimPage struct {
	NextToken      *string
	TraceSummaries []slimSummary
}

type slimSummary struct {
	Id                              string
	HasError, HasFault, HasThrottle bool
	ServiceIds                      []struct{ Name string }
}

// slimOf is the slim page behind an output the count's client returned.
func slimOf(out *xray.GetTraceSummariesOutput) *slimPage {
	p, _ := out.ResultMetadata.Get(slimKey{}).(*slimPage)
	return p
}

// serviceNames are the summary's service names, in its order.
func (s *slimSummary) serviceNames() []string {
	names := make([]string, len(s.ServiceIds))
	for i, id := range s.ServiceIds {
		names[i] = id.Name
	}
	return names
}

type slimKey struct{}

// parsers and bodies are reused from page to page.
var (
	parsers fastjson.ParserPool
	bodies  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// decodeSlim reads a GetTraceSummaries answer with fastjson, which parses a
// page several times faster than encoding/json and reuses its memory, and
// keeps the fields the count reads.
func decodeSlim(r io.Reader) (*slimPage, error) {
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(buf.Bytes())
	if err != nil {
		return nil, err
	}
	page := &slimPage{}
	if nt := v.GetStringBytes("NextToken"); nt != nil {
		s := string(nt)
		page.NextToken = &s
	}
	sums := v.GetArray("TraceSummaries")
	page.TraceSummaries = make([]slimSummary, len(sums))
	for i, sv := range sums {
		s := &page.TraceSummaries[i]
		s.Id = string(sv.GetStringBytes("Id"))
		s.HasError, s.HasFault, s.HasThrottle = sv.GetBool("HasError"), sv.GetBool("HasFault"), sv.GetBool("HasThrottle")
		ids := sv.GetArray("ServiceIds")
		s.ServiceIds = make([]struct{ Name string }, len(ids))
		for j, id := range ids {
			s.ServiceIds[j].Name = string(id.GetStringBytes("Name"))
		}
	}
	return page, nil
}

// slimSummaries adds the two middlewares: one next to the transport that
// decodes the body and leaves the SDK's decoder an empty object, and one
// around the SDK's decoder that puts the slim result in its place.
func slimSummaries(stack *middleware.Stack) error {
	read := middleware.DeserializeMiddlewareFunc("xray-wizard/slim-read", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if err != nil {
			return out, md, err
		}
		resp, ok := out.RawResponse.(*smithyhttp.Response)
		if !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 {
			return out, md, err
		}
		page, derr := decodeSlim(resp.Body)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if derr != nil {
			return out, md, &smithy.DeserializationError{Err: derr}
		}
		resp.Body = io.NopCloser(strings.NewReader("{}"))
		md.Set(slimKey{}, page)
		return out, md, nil
	})
	put := middleware.DeserializeMiddlewareFunc("xray-wizard/slim-result", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if err == nil {
			if page, ok := md.Get(slimKey{}).(*slimPage); ok {
				// The page rides in the metadata; the output carries what
				// the paginator reads.
				out.Result = &xray.GetTraceSummariesOutput{NextToken: page.NextToken}
			}
		}
		return out, md, err
	})
	if err := stack.Deserialize.Add(read, middleware.After); err != nil {
		return err
	}
	return stack.Deserialize.Insert(put, "OperationDeserializer", middleware.Before)
}
