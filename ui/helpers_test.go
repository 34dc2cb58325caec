package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Fixtures: what the real steps report on the workshop cluster, so the
// screens tested are the screens people see.

var clock = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// The views show local times: fix the zone so they are the same anywhere.
func init() { time.Local = time.UTC }

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	right = tea.KeyPressMsg{Code: tea.KeyRight}
	keyY  = tea.KeyPressMsg{Code: 'y', Text: "y"}
	keyN  = tea.KeyPressMsg{Code: 'n', Text: "n"}
	keyQ  = tea.KeyPressMsg{Code: 'q', Text: "q"}
	keyH  = tea.KeyPressMsg{Code: '?', Text: "?"}
	keyC  = tea.KeyPressMsg{Code: 'c', Text: "c"}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)

const (
	oidcARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820"
	role    = "xray-wizard-eksworkshop-eksctl-default-xray-daemon"
	appURL  = "http://a1b2c3d4e5f6-1234567890.us-west-2.elb.amazonaws.com/"
)

var consoleLinks = []string{
	"https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:service-map/map",
	"https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:traces/query",
}

// infos are the eight steps as the wizard describes them.
func infos(l i18n.Lang) []flow.StepInfo {
	keys := [][2]i18n.Key{
		{i18n.PreflightTitle, i18n.PreflightWhy}, {i18n.OIDCTitle, i18n.OIDCWhy}, {i18n.IAMSATitle, i18n.IAMSAWhy},
		{i18n.DaemonSetTitle, i18n.DaemonSetWhy}, {i18n.PodsTitle, i18n.PodsWhy}, {i18n.SamplingTitle, i18n.SamplingWhy}, {i18n.AppTitle, i18n.AppWhy}, {i18n.TracesTitle, i18n.TracesWhy},
	}
	out := make([]flow.StepInfo, len(flow.AllIDs))
	for i, id := range flow.AllIDs {
		out[i] = flow.StepInfo{ID: id, Title: l.T(keys[i][0]), Why: l.T(keys[i][1]), Commands: plans[id].Commands, Equivalent: plans[id].Equivalent}
		if id == flow.IDDaemonSet {
			out[i].Manifest = manifest
		}
	}
	return out
}

func info(l i18n.Lang, id string) flow.StepInfo {
	for _, in := range infos(l) {
		if in.ID == id {
			return in
		}
	}
	panic(id)
}

// plans are the sandbox's plans, as --dry-run prints them.
var plans = map[string]flow.Plan{
	flow.IDPreflight: {Commands: []string{"aws sts get-caller-identity"}, Equivalent: []string{"aws eks describe-cluster --name eksworkshop-eksctl --region us-west-2", "kubectl config current-context"}},
	flow.IDOIDC: {
		Changes: []flow.Change{{Action: flow.ActCreate, Kind: "IAM OIDC provider", Name: oidcARN, Detail: "client ID sts.amazonaws.com"}},
		Commands: []string{
			"eksctl utils associate-iam-oidc-provider --cluster eksworkshop-eksctl --region us-west-2 --approve",
		},
		Equivalent: []string{
			"aws iam create-open-id-connect-provider --url https://oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820 --client-id-list sts.amazonaws.com --thumbprint-list <sha1 of the issuer's root CA>",
		},
	},
	flow.IDIAMSA: {
		Changes: []flow.Change{
			{Action: flow.ActCreate, Kind: "IAM role", Name: role, Detail: "trust oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820:sub = system:serviceaccount:default:xray-daemon",
				Document: json.RawMessage(trustPolicy)},
			{Action: flow.ActAttach, Kind: "IAM policy", Name: "AWSXRayDaemonWriteAccess", Detail: role},
			{Action: flow.ActCreate, Kind: "ServiceAccount", Name: "default/xray-daemon", Detail: "eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/" + role},
		},
		Commands: []string{
			"eksctl create iamserviceaccount --name xray-daemon --namespace default --cluster eksworkshop-eksctl --region us-west-2 --attach-policy-arn arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess --approve --override-existing-serviceaccounts",
		},
		Equivalent: []string{
			"aws iam create-role --role-name " + role + " --assume-role-policy-document file://trust.json",
			"aws iam attach-role-policy --role-name " + role + " --policy-arn arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
			"kubectl annotate serviceaccount -n default xray-daemon eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/" + role,
		},
		Note: "This step needs the cluster's IAM OIDC provider (the oidc step).",
	},
	flow.IDDaemonSet: {
		Changes: []flow.Change{
			{Action: flow.ActCreate, Kind: "ConfigMap", Name: "default/xray-config"},
			{Action: flow.ActCreate, Kind: "Service", Name: "default/xray-service"},
			{Action: flow.ActCreate, Kind: "DaemonSet", Name: "default/xray-daemon"},
		},
		Commands:   []string{"kubectl apply -f ./manifests/xray-k8s-daemonset.yaml"},
		Equivalent: []string{"kubectl apply --server-side --field-manager=xray-wizard -f xray-daemon.yaml"},
		Note:       "Unlike the lab's manifest, no ClusterRoleBinding to cluster-admin: the daemon never calls the Kubernetes API.",
	},
	flow.IDPods: {Commands: []string{"kubectl get pods -L app"}, Equivalent: []string{"kubectl get pods -n default -l app=xray-daemon -o wide --watch"}},
	flow.IDSampling: {
		Changes: []flow.Change{
			{Action: flow.ActNone, Kind: "X-Ray sampling rule", Name: "Default", Detail: "priority 10000 · 1/s + 5 % · service * · host * · URL *"},
			{Action: flow.ActCreate, Kind: "X-Ray sampling rule", Name: "xray-wizard-workshop", Detail: "records every request of service Frontend (rate 1.0, priority 1), tagged as the wizard's"},
		},
		Commands: []string{
			"aws xray get-sampling-rules --region us-west-2",
			`aws xray create-sampling-rule --region us-west-2 --sampling-rule '{"FixedRate":1,"HTTPMethod":"*","Host":"*","Priority":1,"ReservoirSize":0,"ResourceARN":"*","ServiceName":"Frontend","ServiceType":"*","URLPath":"*","Version":1,"RuleName":"xray-wizard-workshop"}' --tags Key=app.kubernetes.io/managed-by,Value=xray-wizard`,
		},
		Note: "Of the 20 requests the app step sends, the rules keep about 2 as traces (10 %) when they go out within a second: rule Default records 1 a second and 5 % of the rest.",
	},
	flow.IDApp: {
		Commands: []string{`kubectl get svc frontend -n workshop -o jsonpath="{.status.loadBalancer.ingress[*].hostname}"`},
		Equivalent: []string{
			`export LB_NAME=$(kubectl get svc frontend -n workshop -o jsonpath="{.status.loadBalancer.ingress[*].hostname}")`,
			"for i in $(seq 20); do curl -s -o /dev/null http://$LB_NAME/; done",
		},
		Note: "Sends 20 requests to the app; changes nothing in the cluster or the account.",
	},
	flow.IDTraces: {
		Commands:   []string{"open https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:service-map/map"},
		Equivalent: []string{"aws xray get-trace-summaries --region us-west-2 --start-time $(date -d '-15 min' +%s) --end-time $(date +%s) --time-range-type TraceId"},
	},
}

// trustPolicy is the iamsa step's trust policy, as the plan carries it.
const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + oidcARN + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820:aud":"sts.amazonaws.com","oidc.eks.us-west-2.amazonaws.com/id/9E822D19928BF7CB036E0F37CBD74820:sub":"system:serviceaccount:default:xray-daemon"}}}]}`

// manifest is the start of the manifest the daemonset step applies.
const manifest = `# The X-Ray daemon for the EKS workshop, modernised from the lab's
# xray-k8s-daemonset.yaml. What changed, and why:
# - No ClusterRoleBinding. The lab bound the daemon's service account to
#   cluster-admin (on rbac.authorization.k8s.io/v1beta1, which Kubernetes 1.22+
#   rejects).
apiVersion: v1
data:
  config.yaml: |-
    TotalBufferSizeMB: 24
    Socket:
      UDPAddress: "0.0.0.0:2000"
      TCPAddress: "0.0.0.0:2000"
    Region: "us-west-2"
    Version: 2
kind: ConfigMap
metadata:
  labels:
    app: xray-daemon
    app.kubernetes.io/managed-by: xray-wizard
  name: xray-config
  namespace: default
---
apiVersion: v1
kind: Service
metadata:
  name: xray-service
  namespace: default
spec:
  internalTrafficPolicy: Local
  ports:
  - name: xray-ingest
    port: 2000
    protocol: UDP
    targetPort: 2000
`

func plan(id string) *flow.Plan {
	p := plans[id]
	return &p
}

func newModel(l i18n.Lang, w, h int) *Model {
	return newModelIn(l, w, h, false)
}

func newModelIn(l i18n.Lang, w, h int, ascii bool) *Model {
	m := New(context.Background(), Config{Lang: l, Sandbox: true, Steps: infos(l), NoColor: true, ASCII: ascii, Now: func() time.Time { return clock }})
	return feed(m, tea.WindowSizeMsg{Width: w, Height: h})
}

// feed runs messages through Update, ignoring the commands. The model
// changes in place; it is returned for brevity.
func feed(m *Model, msgs ...tea.Msg) *Model {
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(*Model)
	}
	return m
}

// press sends a key and runs the commands it returns until they settle,
// as the program would: huh's prompt answers through a few messages of its
// own. Commands that block (ticks, waits) are given 100ms and dropped.
func press(t *testing.T, m *Model, k tea.KeyPressMsg) (*Model, []tea.Msg) {
	t.Helper()
	nm, cmd := m.Update(k)
	m = nm.(*Model)
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 50; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		res := make(chan tea.Msg, 1)
		go func() { res <- c() }()
		var msg tea.Msg
		select {
		case msg = <-res:
		case <-time.After(100 * time.Millisecond):
			continue
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		if msg == nil {
			continue
		}
		seen = append(seen, msg)
		nm, cmd = m.Update(msg)
		m = nm.(*Model)
		queue = append(queue, cmd)
	}
	return m, seen
}

func ev(step string, kind flow.Kind, f func(*flow.Event)) eventMsg {
	e := flow.Event{Step: step, Kind: kind, Time: clock}
	if f != nil {
		f(&e)
	}
	return eventMsg{e}
}

func started(step string) eventMsg { return ev(step, flow.Started, nil) }

func progressed(step, msg string) eventMsg {
	return ev(step, flow.Progress, func(e *flow.Event) { e.Message = msg })
}

func finished(step string, r flow.Result, detail string) eventMsg {
	return ev(step, flow.Finished, func(e *flow.Event) {
		e.Result, e.Message = r, detail
		e.Time = clock.Add(3 * time.Second)
	})
}

func planning(step string) eventMsg {
	return ev(step, flow.Planning, func(e *flow.Event) { e.Plan = plan(step) })
}

var details = map[string]string{
	flow.IDPreflight: "cluster eksworkshop-eksctl (us-west-2), account 123456789012",
	flow.IDOIDC:      `created the IAM OIDC provider for cluster eksworkshop-eksctl in us-west-2`,
	flow.IDIAMSA:     "ServiceAccount default/xray-daemon uses role " + role,
	flow.IDDaemonSet: "applied the X-Ray daemon's ConfigMap, Service and DaemonSet in default",
	flow.IDPods:      "3/3 daemon pods Ready",
	flow.IDSampling:  "Sampling rule xray-wizard-workshop records every request of the sample app.",
	flow.IDApp:       "sent 20 requests to " + appURL + " (0 without an answer)",
	flow.IDTraces:    "20 traces: 15 OK, 2 4xx, 1 5xx, 2 429",
}

func preflightDone() []tea.Msg {
	return []tea.Msg{
		started(flow.IDPreflight),
		planning(flow.IDPreflight),
		ev(flow.IDPreflight, flow.Target, func(e *flow.Event) { e.Message = "eksworkshop-eksctl · us-west-2 · 123456789012" }),
		progressed(flow.IDPreflight, "AWS identity: arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0abc (account 123456789012)"),
		finished(flow.IDPreflight, flow.Done, details[flow.IDPreflight]),
	}
}

// upTo is every step before step done, and step started.
func upTo(step string) []tea.Msg {
	msgs := preflightDone()
	for _, id := range flow.AllIDs[1:] {
		if id == step {
			break
		}
		msgs = append(msgs, started(id), planning(id), finished(id, flow.Done, details[id]))
	}
	return append(msgs, started(step), planning(step))
}

var nodes = []string{
	"ip-192-168-10-20.us-west-2.compute.internal",
	"ip-192-168-41-67.us-west-2.compute.internal",
	"ip-192-168-72-114.us-west-2.compute.internal",
}

// pods is the daemon's pod table with ready of three pods Ready.
func pods(ready int) *flow.PodTable {
	t := &flow.PodTable{Desired: 3}
	for i, n := range nodes {
		// The practice world's third node is a Graviton (arm64) one.
		arch := map[bool]string{false: "amd64", true: "arm64"}[i == 2]
		r := flow.PodRow{Name: fmt.Sprintf("xray-daemon-%c2qxw", 'a'+i), Node: n, Arch: arch, Phase: "ContainerCreating", Created: clock.Add(-time.Duration(5+i) * time.Second)}
		if i < ready {
			r.Phase, r.Ready = "Running", true
			t.Ready++
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

var counts = &flow.TraceCounts{Total: 20, OK: 15, Error: 2, Fault: 1, Throttle: 2,
	ByService: map[string]int{"Frontend": 20, "Product-Catalog": 18, "Product-Detail": 16},
	Start:     clock.Add(-time.Minute), End: clock, Region: "us-west-2",
	PerMinute: perMinute(clock.Add(-6*time.Minute), 0, 0, 2, 0, 11, 7),
	Sampling: &flow.Sampling{Rules: []flow.SamplingRule{
		{Name: "xray-wizard-workshop", Priority: 1, FixedRate: 1, ServiceName: "Frontend", Wizard: true},
		{Name: "Default", Priority: 10000, ReservoirSize: 1, FixedRate: 0.05, ServiceName: "*"},
	}, RequestsSent: 20, Expected: ptr(20), Rule: "xray-wizard-workshop"}}

// perMinute is a traces-per-minute series from start, a minute apart.
func perMinute(start time.Time, n ...int) []flow.TraceRate {
	out := make([]flow.TraceRate, len(n))
	for i, c := range n {
		out[i] = flow.TraceRate{Minute: start.Add(time.Duration(i) * time.Minute), Count: c}
	}
	return out
}

var traffic = &flow.TrafficStats{URL: appURL, Sent: 12, Total: 20, Status: map[int]int{200: 9, 404: 1, 429: 1, 500: 1}}

func finalSummary() flow.Summary {
	s := flow.Summary{Sandbox: true, Region: "us-west-2", Cluster: "eksworkshop-eksctl", AppURL: appURL, Traces: counts, Console: consoleLinks, Graph: sampleGraph()}
	for _, id := range flow.AllIDs {
		s.Steps = append(s.Steps, flow.StepSummary{ID: id, Status: flow.Done, Detail: details[id]})
	}
	return s
}

var iamDenied = &flow.Error{
	Cause: "AWS denied iam:CreateRole to arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0abc",
	Fix:   "Allow iam:CreateRole for this identity (see assets/iam-policy.json), or run as a role that has it. In Cloud9, turn off AWS managed temporary credentials first.",
}

// phases builds the model in each phase a person sees, at w×h.
func phases(l i18n.Lang, w, h int) map[string]*Model {
	return phasesIn(l, w, h, false)
}

// phasesIn is phases, in ASCII mode when ascii.
func phasesIn(l i18n.Lang, w, h int, ascii bool) map[string]*Model {
	base := func() *Model { return newModelIn(l, w, h, ascii) }
	out := map[string]*Model{}

	confirm := append(preflightDone(), started(flow.IDOIDC), planning(flow.IDOIDC),
		confirmMsg{step: info(l, flow.IDOIDC), plan: *plan(flow.IDOIDC), reply: make(chan bool, 1)})
	out["confirm"] = feed(base(), confirm...)

	iamsa := append(upTo(flow.IDIAMSA), confirmMsg{step: info(l, flow.IDIAMSA), plan: *plan(flow.IDIAMSA), reply: make(chan bool, 1)})
	out["confirm_iamsa"] = feed(base(), iamsa...)

	out["running"] = feed(base(), append(upTo(flow.IDDaemonSet),
		progressed(flow.IDDaemonSet, "applying ConfigMap default/xray-config"),
		progressed(flow.IDDaemonSet, "applying Service default/xray-service"),
		progressed(flow.IDDaemonSet, "applying DaemonSet default/xray-daemon"))...)

	out["pods"] = feed(base(), append(upTo(flow.IDPods), ev(flow.IDPods, flow.Pods, func(e *flow.Event) { e.Pods = pods(2) }))...)

	out["app"] = feed(base(), append(upTo(flow.IDApp),
		ev(flow.IDApp, flow.URL, func(e *flow.Event) { e.Message = appURL }),
		ev(flow.IDApp, flow.Traffic, func(e *flow.Event) { e.Load = traffic }))...)

	failure := func() *Model {
		return feed(base(), append(upTo(flow.IDIAMSA), ev(flow.IDIAMSA, flow.Finished, func(e *flow.Event) {
			e.Result, e.Message, e.Err = flow.Failed, iamDenied.Cause, iamDenied
		}))...)
	}
	out["failure"] = failure()

	failSum := finalSummary()
	failSum.Traces, failSum.AppURL, failSum.Console, failSum.Graph = nil, "", nil, nil
	for i := range failSum.Steps {
		switch s := &failSum.Steps[i]; {
		case s.ID == flow.IDIAMSA:
			s.Status, s.Detail, s.Fix = flow.Failed, iamDenied.Cause, iamDenied.Fix
		case i > 2:
			s.Status, s.Detail = flow.Skipped, "not run: an earlier step failed"
		}
	}
	out["failed_final"] = feed(failure(), doneMsg{failSum})

	all := append(upTo(flow.IDTraces), ev(flow.IDTraces, flow.Traces, func(e *flow.Event) { e.Counts = counts }),
		finished(flow.IDTraces, flow.Done, details[flow.IDTraces]))
	out["final"] = feed(base(), append(all, doneMsg{finalSummary()})...)

	dry := New(context.Background(), Config{Lang: l, Sandbox: true, DryRun: true, Steps: infos(l), NoColor: true, ASCII: ascii, Now: func() time.Time { return clock }})
	dry = feed(dry, tea.WindowSizeMsg{Width: w, Height: h})
	ds := flow.Summary{Sandbox: true, DryRun: true, Region: "us-west-2", Cluster: "eksworkshop-eksctl"}
	for _, id := range flow.AllIDs {
		detail := l.T(i18n.MsgPlanned)
		if id == flow.IDOIDC {
			detail = "cluster eksworkshop-eksctl has no IAM OIDC provider yet"
		}
		dry = feed(dry, started(id), planning(id), finished(id, flow.Planned, detail))
		ds.Steps = append(ds.Steps, flow.StepSummary{ID: id, Status: flow.Planned, Detail: detail, Plan: plan(id)})
	}
	out["dryrun"] = feed(dry, doneMsg{ds})

	// The screens that teach: the opening screen, and a step's details
	// opened with c (the daemonset's manifest; the iamsa's trust policy).
	intro := New(context.Background(), Config{Lang: l, Sandbox: true, Intro: true, Steps: infos(l), NoColor: true, ASCII: ascii, Now: func() time.Time { return clock }})
	out["intro"] = feed(intro, tea.WindowSizeMsg{Width: w, Height: h})
	out["details"] = feed(base(), append(upTo(flow.IDDaemonSet), keyC)...)
	out["details_iamsa"] = feed(base(), append(iamsa, keyC)...)
	return out
}

// screen is the view as plain text.
func screen(m *Model) string { return ansi.Strip(m.render()) }

func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
