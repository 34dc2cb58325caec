package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// SamplingLine is the counts' sampling line: "sent N requests · the rules
// keep about M · X-Ray has K" when the wizard sent the traffic, else the
// rules in effect; "" when the rules are not known.
func SamplingLine(lang i18n.Lang, c *flow.TraceCounts) string {
	if c == nil || c.Sampling == nil {
		return ""
	}
	sp := c.Sampling
	if sp.Expected != nil {
		return lang.T(i18n.SamplingSentKeepsHas, sp.RequestsSent, *sp.Expected, c.Total)
	}
	var parts []string
	for _, r := range sp.Rules {
		if r.Skipped {
			continue
		}
		p := fmt.Sprintf("%s %d/s + %s %%", r.Name, r.ReservoirSize, strconv.FormatFloat(100*r.FixedRate, 'f', -1, 64))
		if r.ServiceName != "*" && r.ServiceName != "" {
			p = fmt.Sprintf("%s (%s) %d/s + %s %%", r.Name, r.ServiceName, r.ReservoirSize, strconv.FormatFloat(100*r.FixedRate, 'f', -1, 64))
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ""
	}
	return lang.T(i18n.SamplingRulesOnly, strings.Join(parts, " · "))
}
