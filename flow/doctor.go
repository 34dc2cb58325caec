package flow

// CheckStatus is how one doctor check came out.
type CheckStatus string

// The statuses of a check, from the best.
const (
	CheckOK   CheckStatus = "ok"
	CheckWarn CheckStatus = "warn"
	CheckFail CheckStatus = "fail"
	// CheckSkip: the check could not look (what it needs is missing or
	// failed before it); the reason is in Evidence.
	CheckSkip CheckStatus = "skip"
)

// Mark is the check's sign — ✓ ok, ! warn, ✗ fail, – skipped — and its
// Level, the same on screen and in plain lines.
func (s CheckStatus) Mark() (string, Level) {
	switch s {
	case CheckWarn:
		return "!", LevelWarn
	case CheckFail:
		return "✗", LevelBad
	case CheckSkip:
		return "–", LevelDim
	}
	return "✓", LevelOK
}

// Finding is one doctor check: what it looked at, what it saw and, when
// something is wrong, the fix as a sentence and a command.
type Finding struct {
	ID       string      `json:"id"`
	Title    string      `json:"title"`
	Status   CheckStatus `json:"status"`
	Summary  string      `json:"summary"`
	Evidence []string    `json:"evidence,omitempty"`
	Fix      string      `json:"fix,omitempty"`
	Command  string      `json:"command,omitempty"`
}

// Diagnosis is what the doctor found.
type Diagnosis struct {
	Sandbox  bool      `json:"sandbox,omitempty"`
	Region   string    `json:"region,omitempty"`
	Cluster  string    `json:"cluster,omitempty"`
	Findings []Finding `json:"findings"`
}

// Healthy reports whether no check failed.
func (d Diagnosis) Healthy() bool {
	for _, f := range d.Findings {
		if f.Status == CheckFail {
			return false
		}
	}
	return true
}

// Count is how many findings have the status.
func (d Diagnosis) Count(s CheckStatus) int {
	n := 0
	for _, f := range d.Findings {
		if f.Status == s {
			n++
		}
	}
	return n
}
