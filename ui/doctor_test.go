package ui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// A diagnosis as the doctor makes it on a setup from the lab's file.
func diagnosis() flow.Diagnosis {
	return flow.Diagnosis{Region: "us-west-2", Cluster: "eksworkshop-eksctl", Findings: []flow.Finding{
		{ID: "credentials", Title: "AWS credentials", Status: flow.CheckOK, Summary: "working as arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0abc; IAM answers"},
		{ID: "rbac", Title: "Daemon's RBAC (the lab's ClusterRoleBinding)", Status: flow.CheckWarn,
			Summary:  "ClusterRoleBinding xray-daemon gives the daemon cluster-admin, which it never uses",
			Evidence: []string{"API server v1.34.4", "ClusterRoleBinding xray-daemon → cluster-admin"},
			Fix:      "Delete the binding: the daemon never calls the Kubernetes API.", Command: "kubectl delete clusterrolebinding xray-daemon"},
		{ID: "daemonset", Title: "Daemon DaemonSet, image and command", Status: flow.CheckFail,
			Summary:  "image public.ecr.aws/xray/aws-xray-daemon:3.6.6 has no /usr/bin/xray (its daemon is /xray): the pods crash with \"no such file\"",
			Evidence: []string{`image public.ecr.aws/xray/aws-xray-daemon:3.6.6, command "/usr/bin/xray -c /aws/xray/config.yaml"`},
			Fix:      "Run the image's own binary, /xray: apply the wizard's manifest.", Command: "xray-wizard --steps daemonset,pods --force"},
		{ID: "pods-role", Title: "Daemon pods have the role", Status: flow.CheckSkip, Summary: "not checked: what it needs could not be read", Evidence: []string{"no daemon pods in default"}},
	}}
}

func TestDoctorScreens(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Ja} {
		t.Run(string(l), func(t *testing.T) {
			m := newDoctor(context.Background(), DoctorConfig{Lang: l, Sandbox: true, NoColor: true})
			nm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			nm, _ = nm.(*Model).Update(batchMsg{eventMsg{flow.Event{Kind: flow.Progress, Message: l.T(i18n.DxTitleRegion)}}})
			running := ansi.Strip(nm.(*Model).View().Content)
			contains(t, "running", running, l.T(i18n.DxTitleRegion))
			nm, _ = nm.(*Model).Update(doctorDoneMsg{diagnosis()})
			golden.RequireEqual(t, ansi.Strip(nm.(*Model).View().Content))
			// q leaves.
			if _, cmd := nm.(*Model).Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
				t.Error("q does not quit")
			}
		})
	}
}
