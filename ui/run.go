package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Run shows the UI until the person leaves it, and returns the run's
// summary. ctrl+c cancels the running step, restores the terminal and
// returns a summary marked Interrupted.
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) (flow.Summary, error) {
	m := New(ctx, cfg)
	opts = append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)
	p := tea.NewProgram(m, opts...)
	final, err := p.Run()
	// Whatever ended the program, the steps' goroutine must end too.
	m.cancel()
	fm, ok := final.(Model)
	if !ok {
		return flow.Summary{Interrupted: true}, err
	}
	if sum, ok := fm.Summary(); ok {
		return sum, nil
	}
	// The program ended before the steps did (its context was cancelled):
	// give them a moment to stop, then report the interruption.
	select {
	case sum := <-fm.done:
		sum.Interrupted = true
		return sum, nil
	case <-time.After(2 * time.Second):
	}
	return flow.Summary{Interrupted: true}, nil
}
