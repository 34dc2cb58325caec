// Package ui is the wizard's full-screen terminal UI: a Bubble Tea model
// that draws the events the steps report and asks the person before each
// change. It knows nothing of AWS or Kubernetes; it sees only flow values.
//
// There is one model, with a pointer receiver, for both screens: the
// wizard (its phases run, confirm, cancel and final) and the doctor (its
// checks, then its findings). Both draw in the same frame (frame.go).
// Update only changes state and returns commands; every bit of IO (running
// the steps, waiting for their events, answering their questions, the
// clock) happens in commands. View only reads the state: the clock it
// shows is the model's, moved by a tick.
package ui

import (
	"context"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Config is what the UI shows and how it runs the steps.
type Config struct {
	Lang    i18n.Lang
	Sandbox bool // every screen says it is the practice sandbox
	DryRun  bool
	Steps   []flow.StepInfo // the steps that will run, in order
	// Start runs the steps, reporting to rep and asking c before changes.
	// The UI runs it in a command's goroutine; it returns when the steps
	// are done or when ctx is cancelled.
	Start func(ctx context.Context, rep flow.Reporter, c flow.Confirmer) flow.Summary
	// Refresh, when set, counts the traces again for the final screen,
	// reporting a Traces event (counts and map); the screen calls it every
	// refreshEvery while it is shown, in a command.
	Refresh func(ctx context.Context, rep flow.Reporter) error

	// NoColor draws without colours whatever the terminal can do; the
	// command line sets it from NO_COLOR (iostreams). A terminal Bubble Tea
	// finds has no colours turns them off as well.
	NoColor bool
	// ASCII draws every symbol in ASCII (--ascii, or a terminal that draws
	// East Asian ambiguous-width symbols double-width: iostreams decides).
	ASCII bool
	// Intro shows the opening screen first: what the lab teaches and what
	// the steps will do. The steps start when the person leaves it.
	Intro bool
	// IntroSeen, when set, is called (in a command) once the person has
	// left the opening screen, so the command line can remember it.
	IntroSeen func()
	// Now is the clock (time.Now when nil); tests fix it.
	Now func() time.Time
}

// phase is the screen being shown.
type phase int

const (
	phaseRun       phase = iota // the steps run; the current one is shown
	phaseConfirm                // a step waits for the person's answer
	phaseCancel                 // ctrl+c: waiting for Start to return
	phaseFinal                  // Start returned: the summary
	phaseDoctor                 // the doctor's checks run
	phaseDiagnosis              // the doctor's findings
)

// status is what the UI knows of one step.
type status int

const (
	stPending status = iota
	stRunning
	stDone
	stSkipped
	stFailed
	stPlanned
)

func statusOf(r flow.Result) status {
	switch {
	case r.OK():
		return stDone
	case r == flow.Skipped || r == flow.Stopped:
		return stSkipped
	}
	switch r {
	case flow.Failed:
		return stFailed
	case flow.Planned:
		return stPlanned
	}
	return stPending
}

// Lines of progress and warnings kept per step.
const (
	keepProgress = 4
	keepWarnings = 3
)

type stepState struct {
	info           flow.StepInfo
	status         status
	result         flow.Result // how it ended, once it has
	started, ended time.Time
	progress       []string // the latest lines, oldest first
	warnings       []string
	plan           *flow.Plan
	err            *flow.Error
	detail         string
	// Why and the commands, wrapped to the pane's width by reflow, so
	// View does not wrap the same text on every frame.
	why  []string
	cmds [][]string // the lab's commands
	eqs  [][]string // the wizard's equivalent
	// counting: the last progress line is a countdown, which the next
	// one (flow.Event.Update) replaces.
	counting bool
}

// ask is a pending confirmation, drawn and answered by an embedded huh
// Confirm: Enter takes the focused button (Apply at first), y and n answer
// at once, ←/→ move the focus.
type ask struct {
	step  flow.StepInfo
	plan  flow.Plan
	reply chan<- bool
	form  *huh.Form
	yes   *bool
}

// Model messages of the model's own.
type (
	clockMsg  time.Time
	giveUpMsg struct{}
)

// giveUpAfter bounds the wait for Start to return after ctrl+c.
const giveUpAfter = 2 * time.Second

// Model is the UI's state.
type Model struct {
	frame
	cfg  Config
	pbar progress.Model // the pods' and the traffic's bar
	vp   viewport.Model // the final screen (the doctor's findings), scrollable
	// over is the view drawn over the steps' screen (the opening screen,
	// a step's details), in pager; detailsOf is the step it details.
	over      overlay
	pager     viewport.Model
	detailsOf int
	doc       *doctor // the doctor's screen; nil for the wizard's

	now         time.Time
	phase       phase
	steps       []stepState
	cur         int // the step shown
	target      string
	pods        *flow.PodTable
	load        *flow.TrafficStats
	url         string
	counts      *flow.TraceCounts
	graph       *flow.ServiceGraph // the latest Traces event's map
	ask         *ask
	sum         *flow.Summary
	quitting    bool
	refreshedAt time.Time
	refreshErr  string

	// The bridge to the steps' goroutine.
	ctx    context.Context
	cancel context.CancelFunc
	pump   *pump
}

// New makes the wizard's model; ctx bounds the steps' run.
func New(ctx context.Context, cfg Config) *Model {
	if cfg.Lang == "" {
		cfg.Lang = i18n.En
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{
		frame: newFrame(cfg.Lang, cfg.NoColor, cfg.ASCII, spinner.MiniDot),
		cfg:   cfg, now: cfg.Now(),
		ctx: ctx, cancel: cancel, pump: newPump(),
	}
	m.vp, m.pager = viewport.New(), viewport.New()
	if cfg.Intro {
		m.over = ovIntro
	}
	m.steps = make([]stepState, len(cfg.Steps))
	for i, in := range cfg.Steps {
		m.steps[i] = stepState{info: in}
	}
	m.reflow()
	return m
}

// Init starts the steps (or the doctor's checks), the wait for their
// first events, the spinner and the clock.
func (m *Model) Init() tea.Cmd {
	if m.doc != nil {
		return tea.Batch(m.spin.Tick, m.pump.wait, diagnoseCmd(m.ctx, m.doc.run, m.pump))
	}
	if m.over == ovIntro {
		return nil // the steps start when the person leaves the opening screen
	}
	return m.start()
}

// start runs the steps, waits for their first events and starts the
// spinner and the clock.
func (m *Model) start() tea.Cmd {
	return tea.Batch(startCmd(m.ctx, m.cfg, m.pump), m.pump.wait, m.spin.Tick, m.clock())
}

// leaveIntro starts the steps and has the opening screen remembered.
func (m *Model) leaveIntro() tea.Cmd {
	m.over = ovNone
	m.reflow()
	cmd := m.start()
	if seen := m.cfg.IntroSeen; seen != nil {
		cmd = tea.Batch(cmd, func() tea.Msg { seen(); return nil })
	}
	return cmd
}

func (m *Model) clock() tea.Cmd {
	now := m.cfg.Now
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg(now()) })
}

// cancelling reports whether ctrl+c was pressed and the UI waits for Start
// to return.
func (m *Model) cancelling() bool { return m.phase == phaseCancel }

// Update changes the state and returns commands; it does no IO itself.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// The frame's messages, alike on every screen.
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.reflow()
		return m, nil
	case tea.ColorProfileMsg:
		if m.setProfile(msg.Profile) {
			if m.ask != nil {
				m.ask.form = m.newForm(m.ask.yes)
			}
			m.reflow()
		}
		return m, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Suspend) {
			// ctrl+z: back to the shell, as terminal programs do; fg
			// brings the screen back (Bubble Tea redraws on resume).
			return m, tea.Suspend
		}
	}
	if m.doc != nil {
		return m.updateDoctor(msg)
	}
	switch msg := msg.(type) {
	case clockMsg:
		if t := time.Time(msg); t.After(m.now) {
			m.now = t
		}
		if m.phase == phaseFinal {
			return m, nil
		}
		return m, m.clock()
	case spinner.TickMsg:
		if m.phase == phaseFinal {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case batchMsg:
		var cmds []tea.Cmd
		done := false
		for _, it := range msg {
			cmds = append(cmds, m.handle(it))
			if _, ok := it.(doneMsg); ok {
				done = true
			}
		}
		if !done {
			cmds = append(cmds, m.pump.wait)
		}
		m.refreshDetails()
		return m, tea.Batch(cmds...)
	case eventMsg, confirmMsg, doneMsg:
		cmd := m.handle(msg)
		m.refreshDetails()
		return m, cmd
	case refreshTickMsg:
		if m.phase != phaseFinal || m.quitting || m.cfg.Refresh == nil {
			return m, nil
		}
		return m, m.refreshCmd()
	case refreshedMsg:
		return m, m.refreshed(msg)
	case giveUpMsg:
		if m.quitting || m.phase == phaseFinal {
			return m, nil
		}
		// Start did not return in time: leave anyway, marked interrupted.
		sum := m.partialSummary()
		m.sum = &sum
		m.quitting = true
		return m, tea.Quit
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	// Anything else is the prompt's own (huh moves between its states with
	// messages of its own).
	if m.ask != nil {
		return m.updateForm(msg)
	}
	return m, nil
}

// handle folds one message from the steps' side into the state.
func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventMsg:
		m.apply(msg.ev)
	case confirmMsg:
		if m.cancelling() {
			// The run is being cancelled: the question goes unanswered and
			// Confirm returns with the context's error.
			return nil
		}
		var moot tea.Cmd
		if m.ask != nil { // never two at once; the older one is moot
			moot = m.answer(false)
		}
		if i := m.index(msg.step.ID); i >= 0 {
			m.cur = i
		}
		yes := true
		m.ask = &ask{step: msg.step, plan: msg.plan, reply: msg.reply, yes: &yes}
		m.ask.form = m.newForm(&yes)
		m.phase = phaseConfirm
		m.reflow()
		return moot
	case doneMsg:
		sum := msg.sum
		m.ask = nil
		if m.cancelling() || sum.Interrupted || m.ctx.Err() != nil {
			sum.Interrupted = true
			m.sum = &sum
			m.quitting = true
			return tea.Quit
		}
		m.sum = &sum
		m.merge(sum)
		m.phase = phaseFinal
		live := m.cfg.Refresh != nil && sum.Traces != nil && !sum.DryRun
		if live {
			m.refreshedAt = m.cfg.Now()
		}
		m.reflow()
		m.vp.GotoTop()
		if live {
			return m.refreshTick()
		}
	}
	return nil
}

// refreshEvery is how often the final screen counts the traces again.
const refreshEvery = 5 * time.Second

type (
	refreshTickMsg struct{}
	// refreshedMsg is a new count (and map) for the final screen.
	refreshedMsg struct {
		counts *flow.TraceCounts
		graph  *flow.ServiceGraph
		err    error
		at     time.Time
	}
)

func (m *Model) refreshTick() tea.Cmd {
	return tea.Tick(refreshEvery, func(time.Time) tea.Msg { return refreshTickMsg{} })
}

// refreshCmd counts again, in the command's goroutine.
func (m *Model) refreshCmd() tea.Cmd {
	ctx, refresh, now := m.ctx, m.cfg.Refresh, m.cfg.Now
	return func() tea.Msg {
		var got refreshedMsg
		got.err = refresh(ctx, flow.ReporterFunc(func(e flow.Event) {
			// Several counts in one refresh: the latest of each wins.
			if e.Kind == flow.Traces && e.Counts != nil {
				got.counts = e.Counts
			}
			if e.Kind == flow.Traces && e.Graph != nil {
				got.graph = e.Graph
			}
		}))
		got.at = now()
		return got
	}
}

// refreshed folds a new count into the final screen and plans the next.
func (m *Model) refreshed(msg refreshedMsg) tea.Cmd {
	if m.phase != phaseFinal || m.quitting || m.sum == nil {
		return nil
	}
	if msg.err != nil {
		if m.ctx.Err() != nil {
			return nil
		}
		m.refreshErr = msg.err.Error()
	} else if msg.counts != nil {
		sum := *m.sum
		sum.Traces = msg.counts
		if msg.graph != nil {
			sum.Graph, m.graph = msg.graph, msg.graph
		}
		m.counted(&sum, msg.counts)
		m.sum = &sum
		m.counts = msg.counts
		m.refreshedAt, m.refreshErr = msg.at, ""
	}
	off := m.vp.YOffset()
	m.reflow()
	m.vp.SetYOffset(off)
	return m.refreshTick()
}

// counted makes the traces step's line say what a refresh counted, so it
// and the summary's counts give one figure.
func (m *Model) counted(sum *flow.Summary, c *flow.TraceCounts) {
	line := m.lang.T(i18n.MsgTracesCounted, c.Total, c.OK, c.Error, c.Fault, c.Throttle)
	sum.Steps = slices.Clone(sum.Steps)
	for i := range sum.Steps {
		if sum.Steps[i].ID == flow.IDTraces && sum.Steps[i].Status.OK() {
			sum.Steps[i].Detail = line
		}
	}
	if i := m.index(flow.IDTraces); i >= 0 && m.steps[i].status == stDone {
		m.steps[i].detail = line
	}
}

// newForm is the prompt: a huh Confirm, inline, Apply focused.
func (m *Model) newForm(yes *bool) *huh.Form {
	t := m.lang.T
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled()) // ctrl+c is the model's
	km.Confirm.Toggle = key.NewBinding(key.WithKeys("left", "right", "h", "l", "tab", "shift+tab"))
	c := huh.NewConfirm().
		Title(t(i18n.UIConfirm)).
		Affirmative(t(i18n.UIButtonApply)).
		Negative(t(i18n.UIButtonSkip)).
		Value(yes).
		Inline(true).
		WithButtonAlignment(lipgloss.Left)
	f := huh.NewForm(huh.NewGroup(c)).
		WithShowHelp(false).
		WithShowErrors(false).
		WithTheme(m.st.huhTheme()).
		WithKeyMap(km).
		WithWidth(max(m.paneWidth(), 20))
	// Init focuses the field. Its command only re-asks the window size and
	// refreshes titles computed by functions, which this prompt has not.
	_ = f.Init()
	return f
}

// updateForm passes a message to the prompt and answers once it is done.
func (m *Model) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	fm, cmd := m.ask.form.Update(msg)
	if f, ok := fm.(*huh.Form); ok {
		m.ask.form = f
	}
	switch m.ask.form.State {
	case huh.StateCompleted:
		return m, m.answer(*m.ask.yes)
	case huh.StateAborted:
		return m.interrupt()
	}
	return m, cmd
}

// answer settles the pending confirmation and returns the command that
// replies to the step waiting for it.
func (m *Model) answer(ok bool) tea.Cmd {
	if m.ask == nil {
		return nil
	}
	cmd := replyCmd(m.ask.reply, ok)
	if i := m.index(m.ask.step.ID); i >= 0 && m.steps[i].status == stPending {
		m.steps[i].status = stRunning
	}
	m.ask = nil
	if m.phase == phaseConfirm {
		m.phase = phaseRun
	}
	return cmd
}

// replyCmd gives the person's answer to the step that asked. The reply
// channel holds one answer, and each question is answered once.
func replyCmd(reply chan<- bool, ok bool) tea.Cmd {
	return func() tea.Msg {
		select {
		case reply <- ok:
		default: // answered already
		}
		return nil
	}
}

func (m *Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Help) {
		m.help.ShowAll = !m.help.ShowAll
		m.reflow()
		return m, nil
	}
	switch m.over {
	case ovIntro:
		switch {
		case key.Matches(msg, m.keys.Start):
			return m, m.leaveIntro()
		case key.Matches(msg, m.keys.Quit), msg.String() == "esc":
			// Nothing ran: leave at once.
			m.sum = &flow.Summary{Sandbox: m.cfg.Sandbox, DryRun: m.cfg.DryRun, Interrupted: true}
			m.quitting = true
			return m, tea.Quit
		}
		return m, scroll(&m.pager, m.keys, msg)
	case ovDetails:
		switch {
		case msg.String() == "ctrl+c":
			m.over = ovNone
			m.reflow()
			return m.interrupt()
		case key.Matches(msg, m.keys.Back):
			m.over = ovNone
			m.reflow()
			return m, nil
		}
		return m, scroll(&m.pager, m.keys, msg)
	}
	if key.Matches(msg, m.keys.Details) && m.phase != phaseFinal && m.phase != phaseCancel && len(m.steps) > 0 {
		m.detailsOf = m.cur
		m.openDetails()
		return m, nil
	}
	if m.phase == phaseFinal {
		if key.Matches(msg, m.keys.Exit) {
			m.quitting = true
			return m, tea.Quit
		}
		return m, scroll(&m.vp, m.keys, msg)
	}
	if key.Matches(msg, m.keys.Quit) {
		return m.interrupt()
	}
	if m.ask != nil {
		return m.updateForm(msg)
	}
	return m, nil
}

// interrupt is ctrl+c (or q) while the steps run: it cancels their
// context and waits, a bounded time, for Start to return, so the step can
// stop cleanly. A second ctrl+c leaves at once.
func (m *Model) interrupt() (tea.Model, tea.Cmd) {
	if m.cancelling() {
		sum := m.partialSummary()
		m.sum = &sum
		m.quitting = true
		return m, tea.Quit
	}
	// A pending question is not answered: Confirm returns the context's
	// error, so the step fails as interrupted instead of being skipped.
	m.ask = nil
	m.phase = phaseCancel
	m.cancel()
	m.reflow()
	return m, tea.Tick(giveUpAfter, func(time.Time) tea.Msg { return giveUpMsg{} })
}

func (m *Model) index(id string) int {
	for i := range m.steps {
		if m.steps[i].info.ID == id {
			return i
		}
	}
	return -1
}

// apply folds a step's event into the state.
func (m *Model) apply(e flow.Event) {
	at := e.Time
	if at.IsZero() {
		at = m.now
	} else if at.After(m.now) {
		m.now = at
	}
	if e.Kind == flow.Target {
		m.target = e.Message
		return
	}
	i := m.index(e.Step)
	if i < 0 {
		return
	}
	s := &m.steps[i]
	switch e.Kind {
	case flow.Started:
		m.cur = i
		s.status, s.started, s.ended = stRunning, at, time.Time{}
	case flow.Planning:
		s.plan = e.Plan
		m.reflowStep(i)
	case flow.Progress:
		if e.Update && s.counting && len(s.progress) > 0 {
			s.progress[len(s.progress)-1] = e.Message
		} else {
			s.progress = keep(s.progress, e.Message, keepProgress)
		}
		s.counting = e.Update
	case flow.Warning:
		s.warnings = keep(s.warnings, e.Message, keepWarnings)
	case flow.Pods:
		m.pods = e.Pods
	case flow.URL:
		m.url = e.Message
	case flow.Traffic:
		m.load = e.Load
		if m.url == "" && e.Load != nil {
			m.url = e.Load.URL
		}
	case flow.Traces:
		// Each count replaces the last; a count without a map (its
		// fetch failed) keeps the last map.
		if e.Counts != nil {
			m.counts = e.Counts
		}
		if e.Graph != nil {
			m.graph = e.Graph
		}
	case flow.Finished:
		s.status, s.result, s.ended, s.detail, s.err = statusOf(e.Result), e.Result, at, e.Message, e.Err
		if s.status == stPending { // a result the UI does not know
			s.status = stDone
		}
	}
}

// keep appends v and keeps the last n.
func keep(list []string, v string, n int) []string {
	if v == "" {
		return list
	}
	list = append(list, v)
	if len(list) > n {
		list = append([]string(nil), list[len(list)-n:]...)
	}
	return list
}

// merge takes the summary's word for every step it names: the steps that
// never started (after a failure) get their status from it.
func (m *Model) merge(sum flow.Summary) {
	for _, ss := range sum.Steps {
		i := m.index(ss.ID)
		if i < 0 {
			continue
		}
		s := &m.steps[i]
		if st := statusOf(ss.Status); st != stPending {
			s.status = st
		}
		if s.detail == "" {
			s.detail = ss.Detail
		}
		if s.status == stFailed && s.err == nil && (ss.Detail != "" || ss.Fix != "") {
			s.err = &flow.Error{Step: ss.ID, Cause: ss.Detail, Fix: ss.Fix, Commands: ss.Commands}
		}
		if ss.Plan != nil && s.plan == nil {
			s.plan = ss.Plan
		}
	}
	// A step still running when Start returned did not finish.
	for i := range m.steps {
		if m.steps[i].status == stRunning {
			m.steps[i].status = stFailed
		}
	}
	if m.target == "" && sum.Cluster != "" {
		m.target = sum.Cluster
		if sum.Region != "" {
			m.target += " · " + sum.Region
		}
	}
	if sum.AppURL != "" {
		m.url = sum.AppURL
	}
	if sum.Traces != nil {
		m.counts = sum.Traces
	}
}

// partialSummary is the summary when Start did not return one: what the
// events told, marked interrupted.
func (m *Model) partialSummary() flow.Summary {
	sum := flow.Summary{Sandbox: m.cfg.Sandbox, DryRun: m.cfg.DryRun, AppURL: m.url, Traces: m.counts, Interrupted: true}
	for _, s := range m.steps {
		r, detail := s.result, s.detail
		switch {
		case s.status == stRunning:
			// It was running when the person stopped the run.
			r, detail = flow.Stopped, m.lang.T(i18n.MsgStoppedByYou)
		case r == "":
			continue
		}
		ss := flow.StepSummary{ID: s.info.ID, Status: r, Detail: detail}
		if s.err != nil {
			ss.Detail, ss.Fix, ss.Commands = s.err.Cause, s.err.Fix, s.err.Commands
		}
		sum.Steps = append(sum.Steps, ss)
	}
	return sum
}

// Summary is the run's outcome once Start returned (or the UI gave up
// waiting for it).
func (m *Model) Summary() (flow.Summary, bool) {
	if m.sum == nil {
		return flow.Summary{}, false
	}
	return *m.sum, true
}
