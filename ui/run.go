package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xray-wizard/xray-wizard/flow"
)

// Run shows the UI until the person leaves it and returns the run's
// summary. ctrl+c (or q, or SIGINT) cancels the context Start runs with,
// waits up to two seconds for Start to return, restores the terminal and
// returns the summary marked Interrupted; the caller exits 130. opts are
// passed to the Bubble Tea program (input, output, window size in tests).
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) (flow.Summary, error) {
	m := New(ctx, cfg)
	base := []tea.ProgramOption{
		tea.WithContext(ctx),
		// SIGINT (kill -INT, or a ctrl+c the terminal turned into a
		// signal) is handled as the ctrl+c key: cancel, wait, then leave.
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.InterruptMsg); ok {
				return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
			}
			return msg
		}),
	}
	p := tea.NewProgram(m, append(base, opts...)...)
	final, err := p.Run()
	// Whatever ended the program, the steps must end too.
	m.cancel()
	m.pump.close()
	if fm, ok := final.(*Model); ok {
		if sum, ok := fm.Summary(); ok {
			return sum, nil
		}
	}
	// The program ended before Start returned (SIGTERM, the caller's
	// context, an error): give the steps a moment to stop.
	sum := flow.Summary{Sandbox: cfg.Sandbox, DryRun: cfg.DryRun}
	select {
	case sum = <-m.pump.done:
	case <-time.After(giveUpAfter):
	}
	sum.Interrupted = true
	if err != nil && (errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted)) && !errors.Is(err, tea.ErrProgramPanic) {
		err = nil
	}
	return sum, err
}
