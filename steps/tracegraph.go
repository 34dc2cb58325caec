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

// estimateCounts reads the number of traces a service map stands for, in
// the outcomes the count uses: every trace begins with one request from
// outside, the client node's edges to the root services, so their request
// counts (ok, 4xx, 429, 5xx) estimate the traces of the window. Without a
// client node, the root services' own requests stand in, which count the
// calls among them too. ByService is each traced service's requests. The
// map's window is the segments' times, not the trace ids' seconds, and one
// trace may call a service twice, so the figure is marked an estimate
// until the count ends. False when the map shows no requests.
func estimateCounts(g *flow.ServiceGraph) (flow.TraceCounts, bool) {
	c := flow.TraceCounts{ByService: map[string]int{}, Start: g.Start, End: g.End, Estimate: true}
	var roots []flow.ServiceStats
	for _, n := range g.Nodes {
		if n.Type == "client" {
			for _, e := range g.Edges {
				if e.From == n.ID {
					roots = append(roots, e.Stats)
				}
			}
		}
	}
	for _, n := range g.Nodes {
		if n.Type == "client" || n.Inferred {
			continue
		}
		c.ByService[n.Name] += n.Stats.Requests
	}
	if len(roots) == 0 {
		for _, n := range g.Nodes {
			if n.Root && n.Type != "client" {
				roots = append(roots, n.Stats)
			}
		}
	}
	for _, s := range roots {
		c.Total += s.Requests
		c.Fault += s.Faults
		c.Throttle += s.Throttle
		c.Error += s.Errors // 4xx other than 429, as the map now keeps them
	}
	c.OK = max(c.Total-c.Fault-c.Throttle-c.Error, 0)
	return c, c.Total > 0
}
