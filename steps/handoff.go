package steps

import (
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Handoff is what the steps before this one found, and how the person
// answered this step's plan: the values one step hands to the next, passed
// explicitly. The runner owns it; each Apply gets a copy.
type Handoff struct {
	// AppURL is the sample app's URL, once the app step found it.
	AppURL string
	// TrafficStart is when the app step began sending requests, the start
	// of the trace window (zero when it sent none).
	TrafficStart time.Time
	// TrafficEnd is when the app step's last answer came, and RequestsSent
	// how many requests it sent (zero when it sent none).
	TrafficEnd   time.Time
	RequestsSent int
	// Consent is the answer to this step's plan.
	Consent flow.Consent
	// Ask asks about a change a step finds it needs while it runs, such as
	// restarting pods that started before their role.
	Ask flow.Confirmer
}

// Approved reports whether a person, not -y, said yes to the step's plan.
func (h Handoff) Approved() bool { return h.Consent == flow.Approved }

// Outcome is how a step's Apply ended: the detail line for the summary and
// what it hands on. A failed Apply may still hand on what it found (the
// counts seen before the wait ran out).
type Outcome struct {
	Detail string
	// Result, when set, is what the step did, where its plan could not
	// know (the pods step restarting pods); else the runner reads it from
	// the plan.
	Result       flow.Result
	AppURL       string
	TrafficStart time.Time
	TrafficEnd   time.Time
	RequestsSent int
	Counts       *flow.TraceCounts
	Graph        *flow.ServiceGraph
}

// Done is an Outcome with only a detail line.
func Done(detail string) Outcome { return Outcome{Detail: detail} }

// merge takes what o hands on into h.
func (h *Handoff) merge(o Outcome) {
	if o.AppURL != "" {
		h.AppURL = o.AppURL
	}
	if !o.TrafficStart.IsZero() && h.TrafficStart.IsZero() {
		h.TrafficStart = o.TrafficStart
	}
	if !o.TrafficEnd.IsZero() {
		h.TrafficEnd, h.RequestsSent = o.TrafficEnd, o.RequestsSent
	}
}
