// Package ui is the wizard's terminal UI: a Bubble Tea state machine that
// draws the events the steps report and asks the person before each change.
// It knows nothing of AWS or Kubernetes: it sees only flow values. Update
// changes state and returns commands; all IO runs in commands; View only
// reads state.
package ui

import (
	"context"
	"os"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Config is what the UI shows and how it runs the steps.
type Config struct {
	Lang    i18n.Lang
	Sandbox bool
	DryRun  bool
	Steps   []flow.StepInfo
	// Start runs the steps, reporting to rep and asking c before changes;
	// it returns when done or when ctx is cancelled.
	Start func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary
	// NoColor draws without colours (NO_COLOR is set).
	NoColor bool
	// Now is the clock (tests fix it).
	Now func() time.Time
}

type phase int

const (
	phaseRunning phase = iota
	phaseConfirm
	phaseDone
)

// stepState is what the UI knows of one step.
type stepState struct {
	info     flow.StepInfo
	result   flow.Result // "" while pending or running
	started  bool
	progress []string
	warnings []string
	plan     *flow.Plan
	err      *flow.Error
	detail   string
}

// Messages.
type (
	eventMsg   struct{ ev flow.Event }
	confirmMsg struct {
		step  string
		plan  flow.Plan
		reply chan bool
	}
	doneMsg struct{ sum flow.Summary }
	tickMsg time.Time
)

// Model is the UI's state.
type Model struct {
	cfg     Config
	lang    i18n.Lang
	st      styles
	keys    keyMap
	help    help.Model
	spin    spinner.Model
	width   int
	height  int
	now     time.Time
	phase   phase
	steps   []stepState
	cur     int
	target  string
	pods    *flow.PodTable
	load    *flow.TrafficStats
	url     string
	counts  *flow.TraceCounts
	confirm *confirmMsg
	sum     *flow.Summary
	scroll  int
	full    bool
	// cancelling is set once ctrl+c was pressed while steps ran.
	cancelling bool

	// The bridge to the steps' goroutine.
	ctx    context.Context
	cancel context.CancelFunc
	events chan tea.Msg
	done   chan flow.Summary
}

// New makes the model. ctx bounds the steps' run.
func New(ctx context.Context, cfg Config) Model {
	if cfg.Lang == "" {
		cfg.Lang = i18n.En
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if !cfg.NoColor && os.Getenv("NO_COLOR") != "" {
		cfg.NoColor = true
	}
	ctx, cancel := context.WithCancel(ctx)
	m := Model{
		cfg: cfg, lang: cfg.Lang, st: newStyles(cfg.NoColor), keys: newKeys(cfg.Lang),
		help: help.New(), width: 80, height: 24, now: cfg.Now(),
		ctx: ctx, cancel: cancel, events: make(chan tea.Msg, 64), done: make(chan flow.Summary, 1),
	}
	if cfg.NoColor {
		plain := lipgloss.NewStyle()
		m.help.Styles = help.Styles{Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain}
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.st.title))
	for _, in := range cfg.Steps {
		m.steps = append(m.steps, stepState{info: in})
	}
	return m
}

// Init starts the steps, the event pump, the spinner and the clock.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.startSteps(), m.waitEvent(), m.spin.Tick, tick())
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// startSteps runs Start in a command: its events and confirmations come back
// through the events channel.
func (m Model) startSteps() tea.Cmd {
	ctx, ch, done, start := m.ctx, m.events, m.done, m.cfg.Start
	return func() tea.Msg {
		sum := start(ctx, bridge{ctx: ctx, ch: ch}, bridge{ctx: ctx, ch: ch})
		done <- sum
		return doneMsg{sum}
	}
}

// waitEvent waits for the next message from the steps' goroutine.
func (m Model) waitEvent() tea.Cmd {
	ch := m.events
	return func() tea.Msg { return <-ch }
}

// bridge is the Reporter and Confirmer the steps see.
type bridge struct {
	ctx context.Context
	ch  chan tea.Msg
}

func (b bridge) Report(e flow.Event) {
	select {
	case b.ch <- eventMsg{e}:
	case <-b.ctx.Done():
	}
}

func (b bridge) Confirm(ctx context.Context, step flow.StepInfo, plan flow.Plan) (bool, error) {
	reply := make(chan bool, 1)
	select {
	case b.ch <- confirmMsg{step: step.ID, plan: plan, reply: reply}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case ok := <-reply:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (m *Model) index(id string) int {
	for i, s := range m.steps {
		if s.info.ID == id {
			return i
		}
	}
	return -1
}

// Update changes state and returns commands; it does no IO of its own.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		m.now = time.Time(msg)
		if m.phase == phaseDone {
			return m, nil
		}
		return m, tick()
	case spinner.TickMsg:
		if m.phase == phaseDone {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case eventMsg:
		m.apply(msg.ev)
		return m, m.waitEvent()
	case confirmMsg:
		m.confirm = &msg
		m.phase = phaseConfirm
		if i := m.index(msg.step); i >= 0 {
			m.cur = i
			m.steps[i].plan = &msg.plan
		}
		return m, m.waitEvent()
	case doneMsg:
		m.sum = &msg.sum
		m.phase = phaseDone
		m.confirm = nil
		if m.cancelling || msg.sum.Interrupted {
			m.sum.Interrupted = true
			return m, tea.Quit
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.String() == "ctrl+c":
		if m.phase == phaseDone {
			return m, tea.Quit
		}
		// Cancel the running step; Start returns, and doneMsg quits.
		m.cancelling = true
		m.answer(false)
		m.cancel()
		return m, nil
	case key.Matches(msg, m.keys.Help):
		m.full = !m.full
		return m, nil
	}
	switch m.phase {
	case phaseConfirm:
		switch {
		case key.Matches(msg, m.keys.Apply):
			m.answer(true)
			m.phase = phaseRunning
		case key.Matches(msg, m.keys.Skip):
			m.answer(false)
			m.phase = phaseRunning
		case msg.String() == "q":
			m.cancelling = true
			m.answer(false)
			m.cancel()
		}
	case phaseRunning:
		if msg.String() == "q" {
			m.cancelling = true
			m.cancel()
		}
	case phaseDone:
		switch {
		case key.Matches(msg, m.keys.Up):
			if m.scroll > 0 {
				m.scroll--
			}
		case key.Matches(msg, m.keys.Down):
			m.scroll++
		case key.Matches(msg, m.keys.Exit):
			return m, tea.Quit
		}
	}
	return m, nil
}

// answer replies to a pending confirmation, once.
func (m *Model) answer(ok bool) {
	if m.confirm == nil {
		return
	}
	m.confirm.reply <- ok
	m.confirm = nil
}

// apply folds a step event into the state.
func (m *Model) apply(e flow.Event) {
	i := m.index(e.Step)
	if i < 0 {
		return
	}
	s := &m.steps[i]
	switch e.Kind {
	case flow.Started:
		m.cur = i
		s.started = true
	case flow.Planning:
		s.plan = e.Plan
	case flow.Progress:
		s.progress = append(s.progress, e.Message)
		if len(s.progress) > 4 {
			s.progress = s.progress[len(s.progress)-4:]
		}
	case flow.Warning:
		s.warnings = append(s.warnings, e.Message)
	case flow.Target:
		m.target = e.Message
	case flow.Pods:
		m.pods = e.Pods
	case flow.URL:
		m.url = e.Message
	case flow.Traffic:
		m.load = e.Load
	case flow.Traces:
		m.counts = e.Counts
	case flow.Finished:
		s.result = e.Result
		s.detail = e.Message
		s.err = e.Err
	}
}

// Summary is the run's outcome once it is done.
func (m Model) Summary() (flow.Summary, bool) {
	if m.sum == nil {
		return flow.Summary{}, false
	}
	return *m.sum, true
}
