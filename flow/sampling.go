package flow

// IDSampling is the sampling step: the X-Ray sampling rules in effect, and
// the workshop rule that records every request of the sample app.
const IDSampling = "sampling"

// SamplingRule is an X-Ray sampling rule as the wizard shows it.
type SamplingRule struct {
	Name          string  `json:"name"`
	Priority      int     `json:"priority"`
	ReservoirSize int     `json:"reservoirSize"`
	FixedRate     float64 `json:"fixedRate"`
	ServiceName   string  `json:"serviceName"`
	ServiceType   string  `json:"serviceType,omitempty"`
	Host          string  `json:"host,omitempty"`
	HTTPMethod    string  `json:"httpMethod,omitempty"`
	URLPath       string  `json:"urlPath,omitempty"`
	// Wizard marks the workshop rule the wizard made (tagged as its own).
	Wizard bool `json:"wizard,omitempty"`
	// Skipped says the SDKs pass the rule over: it matches on attributes
	// or on a resource ARN other than *, which an app on EKS has not.
	Skipped bool `json:"skipped,omitempty"`
}

// Sampling is what the sampling rules mean for the traces: the rules in
// effect, by priority, and, when the wizard sent the traffic, how many
// requests it sent and how many traces the rules should keep of them.
type Sampling struct {
	Rules        []SamplingRule `json:"rules"`
	RequestsSent int            `json:"requestsSent,omitempty"`
	// Expected is the traces the rules keep of RequestsSent, rounded;
	// nil when the wizard sent no traffic.
	Expected *int `json:"expected,omitempty"`
	// Rule is the rule that decides for the sample app's requests.
	Rule string `json:"rule,omitempty"`
}
