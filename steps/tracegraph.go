package steps

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
)

// ServiceGraph reads X-Ray's service map for the window, every page of it:
// the services and the calls between them, with their request counts,
// errors, faults and mean response time. It is the map the console's
// service map page draws.
func ServiceGraph(ctx context.Context, env *Env, start, end time.Time) (*flow.ServiceGraph, error) {
	return serviceGraphWith(ctx, env, start, end, env.countPace())
}

func serviceGraphWith(ctx context.Context, env *Env, start, end time.Time, pace aws.Retryer) (*flow.ServiceGraph, error) {
	g, err := serviceGraph(ctx, env.XRay, start, end, func(o *xray.Options) { o.Retryer = pace })
	if err != nil {
		return nil, env.AWSError("xray:GetServiceGraph", err)
	}
	return g, nil
}

type graphAPI interface {
	GetServiceGraph(context.Context, *xray.GetServiceGraphInput, ...func(*xray.Options)) (*xray.GetServiceGraphOutput, error)
}

func serviceGraph(ctx context.Context, api graphAPI, start, end time.Time, opts ...func(*xray.Options)) (*flow.ServiceGraph, error) {
	g := &flow.ServiceGraph{Start: start, End: end, Nodes: []flow.ServiceNode{}, Edges: []flow.ServiceEdge{}}
	seen := map[int]bool{}
	p := xray.NewGetServiceGraphPaginator(api, &xray.GetServiceGraphInput{StartTime: aws.Time(start), EndTime: aws.Time(end)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx, opts...)
		if err != nil {
			return nil, err
		}
		for _, s := range out.Services {
			id := int(aws.ToInt32(s.ReferenceId))
			if seen[id] {
				continue
			}
			seen[id] = true
			n := flow.ServiceNode{ID: id, Name: aws.ToString(s.Name), Type: aws.ToString(s.Type), Root: aws.ToBool(s.Root)}
			if n.Name == "" {
				n.Name = n.Type
			}
			n.Inferred = s.AccountId == nil && n.Type != "client"
			if st := s.SummaryStatistics; st != nil {
				n.Stats = stats(st.TotalCount, st.OkCount, st.ErrorStatistics, st.FaultStatistics, st.TotalResponseTime)
			}
			g.Nodes = append(g.Nodes, n)
			for _, e := range s.Edges {
				edge := flow.ServiceEdge{From: id, To: int(aws.ToInt32(e.ReferenceId))}
				if st := e.SummaryStatistics; st != nil {
					edge.Stats = stats(st.TotalCount, st.OkCount, st.ErrorStatistics, st.FaultStatistics, st.TotalResponseTime)
				}
				g.Edges = append(g.Edges, edge)
			}
		}
	}
	// An edge to a node no page described is dropped rather than drawn
	// to nowhere.
	kept := g.Edges[:0]
	for _, e := range g.Edges {
		if seen[e.To] {
			kept = append(kept, e)
		}
	}
	g.Edges = kept
	return g, nil
}

func stats(total, ok *int64, errs *xraytypes.ErrorStatistics, faults *xraytypes.FaultStatistics, rt *float64) flow.ServiceStats {
	s := flow.ServiceStats{Requests: int(aws.ToInt64(total)), OK: int(aws.ToInt64(ok))}
	if errs != nil {
		// X-Ray's error total counts 429s too; here, as in the trace
		// counts, 429 is its own category and Errors the other 4xx.
		s.Throttle = int(aws.ToInt64(errs.ThrottleCount))
		s.Errors = max(int(aws.ToInt64(errs.TotalCount))-s.Throttle, 0)
	}
	if faults != nil {
		s.Faults = int(aws.ToInt64(faults.TotalCount))
	}
	if s.Requests > 0 {
		s.AvgLatencyMs = aws.ToFloat64(rt) / float64(s.Requests) * 1000
	}
	return s
}
