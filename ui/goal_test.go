package ui

import (
	"testing"
	"time"
)

// frameGoal is the most one frame may take (the pod table at 5,000 pods,
// the service map, the final screen).
const frameGoal = 5 * time.Millisecond

// meetsFrameGoal fails the benchmark when its frames took longer than the
// goal on average. Deferred at its start, it reads the timer once the loop
// is done.
func meetsFrameGoal(b *testing.B) {
	b.Helper()
	if b.N == 0 {
		return
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(frameGoal.Nanoseconds()), "goal-ns/op")
	if per > frameGoal {
		b.Errorf("%s a frame, goal ≤ %s", per, frameGoal)
	}
}
