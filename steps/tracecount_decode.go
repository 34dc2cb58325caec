package steps

import (
	"context"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	jsoniter "github.com/json-iterator/go"
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
	// names backs the summaries' ServiceIds: one allocation for the page's
	// service names, not a few for each summary.
	names []struct{ Name string }
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

type slimKey struct{}

// decodeSlim reads a GetTraceSummaries answer as a stream of tokens, keeping
// the fields the count reads and skipping the rest as they pass: its
// memory is a small read buffer, whatever the size of the page, where a
// parser building the whole document held some half a megabyte a page for
// each of the sub-windows paged at once.
func decodeSlim(r io.Reader) (*slimPage, error) {
	it := jsoniter.Parse(jsoniter.ConfigDefault, r, 4096)
	page := &slimPage{}
	it.ReadObjectCB(func(it *jsoniter.Iterator, field string) bool {
		switch field {
		case "NextToken":
			if it.WhatIsNext() == jsoniter.NilValue {
				it.Skip()
				break
			}
			nt := it.ReadString()
			page.NextToken = &nt
		case "TraceSummaries":
			it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
				page.TraceSummaries = append(page.TraceSummaries, readSummary(it, page))
				return it.Error == nil
			})
		default:
			it.Skip()
		}
		return it.Error == nil
	})
	if it.Error != nil {
		return nil, it.Error
	}
	return page, nil
}

// readSummary reads one trace summary's Id, outcome flags and service
// names, the names kept in the page's backing list.
func readSummary(it *jsoniter.Iterator, page *slimPage) slimSummary {
	var s slimSummary
	it.ReadObjectCB(func(it *jsoniter.Iterator, field string) bool {
		switch field {
		case "Id":
			s.Id = it.ReadString()
		case "HasError":
			s.HasError = readBool(it)
		case "HasFault":
			s.HasFault = readBool(it)
		case "HasThrottle":
			s.HasThrottle = readBool(it)
		case "ServiceIds":
			if page.names == nil {
				page.names = make([]struct{ Name string }, 0, 512)
			}
			first := len(page.names)
			it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
				var name string
				it.ReadObjectCB(func(it *jsoniter.Iterator, field string) bool {
					if field == "Name" && it.WhatIsNext() == jsoniter.StringValue {
						name = it.ReadString()
					} else {
						it.Skip()
					}
					return it.Error == nil
				})
				page.names = append(page.names, struct{ Name string }{name})
				return it.Error == nil
			})
			s.ServiceIds = page.names[first:len(page.names):len(page.names)]
		default:
			it.Skip()
		}
		return it.Error == nil
	})
	return s
}

// readBool reads a boolean, false for null.
func readBool(it *jsoniter.Iterator) bool {
	if it.WhatIsNext() == jsoniter.BoolValue {
		return it.ReadBool()
	}
	it.Skip()
	return false
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
