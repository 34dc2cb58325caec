package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Diagnosis writes what the doctor found for a person: a line per check,
// and under each that is not ok what it saw, the fix and the command.
func Diagnosis(w io.Writer, d flow.Diagnosis, lang i18n.Lang) {
	t := lang.T
	head := t(i18n.CLIDoctorHealthy)
	if !d.Healthy() {
		head = t(i18n.CLIDoctorUnhealthy, d.Count(flow.CheckFail))
	}
	if d.Sandbox {
		head += " " + t(i18n.CLISandboxTag)
	}
	fmt.Fprintln(w, head)
	if d.Cluster != "" || d.Region != "" {
		fmt.Fprintf(w, "  %s: %s (%s)\n", t(i18n.CLICluster), d.Cluster, d.Region)
	}
	for _, f := range d.Findings {
		mark, _ := f.Status.Mark()
		fmt.Fprintf(w, "%s %-13s %s — %s\n", mark, f.ID, f.Title, f.Summary)
		if f.Status == flow.CheckOK {
			continue
		}
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "    · %s\n", strings.TrimSpace(e))
		}
		if f.Fix != "" {
			fmt.Fprintf(w, "    %s: %s\n", t(i18n.CLIFix), f.Fix)
		}
		if f.Command != "" {
			fmt.Fprintf(w, "    $ %s\n", f.Command)
		}
	}
}
