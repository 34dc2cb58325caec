package steps_test

import (
	"context"
	"testing"
	"time"

	"github.com/xray-wizard/xray-wizard/steps"
)

// The newest trace before a window, found through the real X-Ray client on
// the sandbox: the nearest hour first, then further back, none past the
// look-back.
func TestNewestTrace(t *testing.T) {
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	now := time.Now().Truncate(time.Second)
	if _, err := sb.AWS.SeedTracesOver(300, now.Add(-9*time.Hour), now.Add(-8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	newest := now.Add(-7*time.Hour - 30*time.Minute)
	if _, err := sb.AWS.SeedTracesOver(1, newest, newest); err != nil {
		t.Fatal(err)
	}
	got, found, err := steps.NewestTrace(context.Background(), env, now.Add(-15*time.Minute), 24*time.Hour)
	if err != nil || !found || !got.Equal(newest) {
		t.Fatalf("NewestTrace = %s, %v, %v; want %s", got, found, err, newest)
	}
	// Looking back less far than it is: none.
	if _, found, err := steps.NewestTrace(context.Background(), env, now.Add(-15*time.Minute), 6*time.Hour); err != nil || found {
		t.Errorf("6h back: found %v, %v", found, err)
	}
	// Before the newest: the next older.
	got, found, err = steps.NewestTrace(context.Background(), env, newest.Add(-time.Second), 24*time.Hour)
	if err != nil || !found || got.Before(now.Add(-8*time.Hour-time.Minute)) || got.After(now.Add(-8*time.Hour)) {
		t.Errorf("before the newest: %s, %v, %v", got, found, err)
	}
}

func TestSinceFor(t *testing.T) {
	for age, want := range map[time.Duration]string{
		10 * time.Minute: "30m", 29 * time.Minute: "30m", 30 * time.Minute: "1h", 58 * time.Minute: "1h",
		59*time.Minute + 30*time.Second: "2h", 5 * time.Hour: "6h", 23 * time.Hour: "24h", 30 * time.Hour: "48h", 100 * time.Hour: "720h",
	} {
		if got := steps.SinceFor(age); got != want {
			t.Errorf("SinceFor(%s) = %s, want %s", age, got, want)
		}
	}
}
