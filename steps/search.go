package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	xraytypes "github.com/aws/aws-sdk-go-v2/service/xray/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Where X-Ray puts an account's spans. With CloudWatch Transaction Search
// on, spans go to CloudWatch Logs (aws/spans) and only an indexed share of
// the traces — 1 % by default — becomes X-Ray trace summaries: a count of
// GetTraceSummaries is then that share, not the whole.
const (
	DestinationXRay           = "XRay"
	DestinationCloudWatchLogs = "CloudWatchLogs"
)

// Indexing is where the spans go and the percentage of traces X-Ray
// indexes (100 when they go to X-Ray).
type Indexing struct {
	Destination string
	Percent     float64
}

// Partial reports whether X-Ray sees only a share of the traces.
func (ix Indexing) Partial() bool {
	return ix.Destination == DestinationCloudWatchLogs && ix.Percent < 100
}

// IndexingCommand raises the indexed share to every trace.
const IndexingCommand = `aws xray update-indexing-rule --name Default --rule '{"Probabilistic":{"DesiredSamplingPercentage":100}}'`

// Indexing asks X-Ray, once a run, where the spans go and what share is
// indexed. A read X-Ray refuses is an error the caller may report; the
// count goes on as if the spans went to X-Ray.
func (e *Env) Indexing(ctx context.Context) (Indexing, error) {
	e.mu.Lock()
	if e.indexing != nil {
		defer e.mu.Unlock()
		return *e.indexing, nil
	}
	e.mu.Unlock()
	ix := Indexing{Destination: DestinationXRay, Percent: 100}
	d, err := e.XRay.GetTraceSegmentDestination(ctx, &xray.GetTraceSegmentDestinationInput{})
	if err != nil {
		return ix, e.AWSError("xray:GetTraceSegmentDestination", err)
	}
	if d.Destination == xraytypes.TraceSegmentDestinationCloudWatchLogs {
		ix.Destination = DestinationCloudWatchLogs
		ix.Percent = 1 // the Default rule's, unless it says otherwise
		rules, err := e.XRay.GetIndexingRules(ctx, &xray.GetIndexingRulesInput{})
		if err != nil {
			return ix, e.AWSError("xray:GetIndexingRules", err)
		}
		for _, r := range rules.IndexingRules {
			p, ok := r.Rule.(*xraytypes.IndexingRuleValueMemberProbabilistic)
			if !ok || aws.ToString(r.Name) != "Default" {
				continue
			}
			switch {
			case p.Value.ActualSamplingPercentage != nil:
				ix.Percent = *p.Value.ActualSamplingPercentage
			case p.Value.DesiredSamplingPercentage != nil:
				ix.Percent = *p.Value.DesiredSamplingPercentage
			}
		}
	}
	e.mu.Lock()
	e.indexing = &ix
	e.mu.Unlock()
	return ix, nil
}

// withIndexing marks counts with where the spans go, and tells the person
// once a run when X-Ray sees only an indexed share.
func withIndexing(ctx context.Context, env *Env, r flow.Reporter, c *flow.TraceCounts) {
	ix, err := env.Indexing(ctx)
	if err != nil {
		env.Log.Warn("indexing", "err", err.Error())
	}
	c.Destination, c.IndexedPercent = ix.Destination, ix.Percent
	if ix.Partial() && r != nil && env.tellIndexing() {
		warn(env, r, flow.IDTraces, env.T(i18n.MsgTransactionSearch, fmt.Sprintf("%g", ix.Percent), IndexingCommand))
	}
}

// tellIndexing is true the first time it is asked in a run.
func (e *Env) tellIndexing() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	told := e.indexingTold
	e.indexingTold = true
	return !told
}
