package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// bigTable is the daemon's pods on a cluster of n nodes, most Ready.
func bigTable(n int) *flow.PodTable {
	t := &flow.PodTable{Desired: n, Rows: make([]flow.PodRow, n)}
	for i := range t.Rows {
		r := flow.PodRow{Name: fmt.Sprintf("xray-daemon-%05d", i), Node: fmt.Sprintf("kwok-node-%d", i), Phase: "Running", Ready: i%10 != 0,
			Created: clock.Add(-time.Duration(i) * time.Second)}
		if !r.Ready {
			r.Phase = "ContainerCreating"
		} else {
			t.Ready++
		}
		t.Rows[i] = r
	}
	return t
}

// BenchmarkPodTableFrame is the time to draw one frame of the live pod
// table for 5,000 nodes (issue goal: at most 5 ms per frame).
func BenchmarkPodTableFrame(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("5000pods_%dx%d", size[0], size[1]), func(b *testing.B) {
			defer meetsFrameGoal(b)
			m := newModel(i18n.En, size[0], size[1])
			m = feed(m, append(upTo("pods"), ev("pods", flow.Pods, func(e *flow.Event) { e.Pods = bigTable(5000) }))...)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = m.View()
			}
		})
	}
}

// BenchmarkPodTableUpdate is the cost of taking in a new table of 5,000
// pods and drawing it.
func BenchmarkPodTableUpdate(b *testing.B) {
	defer meetsFrameGoal(b)
	m := newModel(i18n.En, 80, 24)
	m = feed(m, upTo("pods")...)
	tab := bigTable(5000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		nm, _ := m.Update(eventMsg{flow.Event{Step: "pods", Kind: flow.Pods, Pods: tab}})
		_ = nm.(*Model).View()
	}
}

var _ tea.Msg = eventMsg{}
