package steps

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// Pods watches the daemon's pods come up, one per node, as
// `kubectl get pods -L app` shows them, from an informer (one list and one
// watch, never polling).
type Pods struct{}

// ID names the step.
func (Pods) ID() string { return flow.IDPods }

// Info describes the step.
func (Pods) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:         flow.IDPods,
		Title:      env.T(i18n.PodsTitle),
		Why:        env.T(i18n.PodsWhy),
		Commands:   []string{"kubectl get pods -L app"},
		Equivalent: []string{fmt.Sprintf("kubectl get pods -n %s -l %s -o wide --watch", env.Opts.Namespace, env.Collector().Label())},
	}
}

// Check: watching has nothing to change, so it always runs.
func (Pods) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing.
func (p Pods) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	in := p.Info(env)
	return flow.Plan{Commands: in.Commands, Equivalent: in.Equivalent}, nil
}

// PodTableOf builds the table from the daemon's pods and its DaemonSet.
func PodTableOf(pods []*corev1.Pod, ds *appsv1.DaemonSet) flow.PodTable {
	t := flow.PodTable{Rows: make([]flow.PodRow, 0, len(pods))}
	for _, p := range pods {
		row := PodRowOf(p)
		if row.Ready {
			t.Ready++
		}
		t.Rows = append(t.Rows, row)
	}
	sort.Slice(t.Rows, func(i, j int) bool { return t.Rows[i].Name < t.Rows[j].Name })
	if ds != nil {
		t.Desired = int(ds.Status.DesiredNumberScheduled)
	}
	return t
}

// PodRowOf is one pod as the table shows it: the phase is the most telling
// word, as kubectl's STATUS column is (CrashLoopBackOff over Running).
func PodRowOf(p *corev1.Pod) flow.PodRow {
	row := flow.PodRow{Name: p.Name, Node: p.Spec.NodeName, Phase: string(p.Status.Phase), Created: p.CreationTimestamp.Time}
	if p.DeletionTimestamp != nil {
		row.Phase = "Terminating"
	}
	row.Ready = kube.PodReady(p)
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason != "" {
			row.Reason = c.Reason + ": " + c.Message
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		row.Restarts += cs.RestartCount
		switch {
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "":
			row.Phase = cs.State.Waiting.Reason
			if cs.State.Waiting.Message != "" {
				row.Reason = cs.State.Waiting.Message
			}
		case cs.State.Terminated != nil && cs.State.Terminated.Reason != "":
			row.Phase = cs.State.Terminated.Reason
			row.Reason = cs.State.Terminated.Message
		}
		if row.Reason == "" && cs.LastTerminationState.Terminated != nil && !row.Ready {
			row.Reason = cs.LastTerminationState.Terminated.Message
		}
	}
	if row.Phase == "" {
		row.Phase = "Pending"
	}
	return row
}

// Apply waits until every node runs a Ready daemon pod, showing the table as
// it changes.
func (Pods) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	if err := env.NeedKube(); err != nil {
		return Outcome{}, err
	}
	ns := env.Opts.Namespace
	ctx, cancel := context.WithTimeout(ctx, env.Opts.PodsTimeout)
	defer cancel()
	var f kube.Informers
	only := kube.InformerOptions{Tweak: func(o *metav1.ListOptions) { o.LabelSelector = env.Collector().Label() }, Transform: leanPod}
	podInf := f.Add(kube.NewInformer(env.Kube.CoreV1().Pods(ns), &corev1.Pod{}, only))
	dsInf := f.Add(kube.NewInformer(env.Kube.AppsV1().DaemonSets(ns), &appsv1.DaemonSet{}, kube.InformerOptions{Tweak: only.Tweak}))
	podLister := kube.Lister[*corev1.Pod](podInf, corev1.Resource("pods"), ns)
	dsLister := kube.Lister[*appsv1.DaemonSet](dsInf, appsv1.Resource("daemonsets"), ns)
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	h := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}
	if _, err := podInf.AddEventHandler(h); err != nil {
		return Outcome{}, err
	}
	if _, err := dsInf.AddEventHandler(h); err != nil {
		return Outcome{}, err
	}
	watchErr := make(chan error, 1)
	for _, inf := range []cache.SharedIndexInformer{podInf, dsInf} {
		_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			select {
			case watchErr <- err:
			default:
			}
		})
	}
	// The informers stop before Shutdown waits for them, whatever ended
	// the wait.
	stop := make(chan struct{})
	f.Start(stop)
	defer func() {
		close(stop)
		f.Shutdown()
	}()
	// The first list must work: if the API server cannot be reached or
	// refuses it, say so now rather than at the end of the wait.
	synced := make(chan bool, 1)
	syncStop := make(chan struct{})
	defer close(syncStop)
	go func() {
		synced <- f.WaitForCacheSync(syncStop)
	}()
	select {
	case ok := <-synced:
		if !ok {
			return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrWatchFailed, "pods"), Fix: env.T(i18n.FixKubeUnreachable)}
		}
	case err := <-watchErr:
		return Outcome{}, env.KubeError("list", "pods", err)
	case <-ctx.Done():
		if isDeadline(ctx) {
			return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrWatchFailed, "pods"), Fix: env.T(i18n.FixKubeUnreachable)}
		}
		return Outcome{}, ctx.Err()
	}
	sel := labels.SelectorFromSet(labels.Set{"app": env.Collector().App})
	var last flow.PodTable
	var shown time.Time
	restarted := false
	var restartAt time.Time
	told := stuckTold{pods: map[string]string{}, kinds: map[string]int{}}
	tk := time.NewTicker(tick)
	defer tk.Stop()
	begun := time.Now()
	// The pods' count, and when it last changed: pods missing with none
	// made for failedCreateSettle is when the DaemonSet controller is
	// asked why (its FailedCreate events), and not before.
	count, countAt := -1, begun
	var failed *failedCreates
	defer func() { failed.close() }()
	var nodes *Nodes
	for {
		// On a big cluster the pods change hundreds of times a second:
		// build and send the table at most every reportEvery.
		if wait := reportEvery - time.Since(shown); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		shown = time.Now()
		pods, _ := podLister.List(sel)
		ds, _ := dsLister.Get(env.Collector().DaemonSet)
		if ds != nil && nodes == nil {
			// Once: the nodes' architectures, and the nodes that get no
			// pod, so the count waited for is not a surprise.
			n := ReadNodes(ctx, env, ds)
			nodes = &n
			for _, line := range n.Lines {
				warn(env, r, flow.IDPods, line)
			}
		}
		last = PodTableOf(pods, ds)
		if nodes != nil {
			for i := range last.Rows {
				last.Rows[i].Arch = nodes.Arch[last.Rows[i].Node]
			}
		}
		explainStuck(ctx, env, r, last, &told)
		r.Report(flow.Event{Step: flow.IDPods, Kind: flow.Pods, Time: env.Now(), Pods: &last})
		if len(pods) != count {
			count, countAt = len(pods), time.Now()
		}
		if ds != nil && len(last.Rows) < last.Desired && time.Since(countAt) >= failedCreateSettle {
			// Pods missing and none made for a while: if the controller
			// says it cannot create them, say why now, not at the end of
			// the wait.
			if failed == nil {
				failed = watchFailedCreates(env, poke)
			}
			if msg := failed.newest(NotCreatedSince(ds, pods)); msg != "" {
				return Outcome{}, FailedCreateError(env, msg)
			}
		}
		if ds == nil {
			// Keep waiting a little, the DaemonSet may be on its way; not
			// the whole wait for something no one is making.
			if time.Since(begun) >= noDaemonSetGrace {
				return Outcome{}, podsTimeout(env, last, true)
			}
		} else if last.Desired > 0 && last.Ready >= last.Desired && len(last.Rows) == last.Desired {
			stale := podsWithoutRole(ctx, env, pods)
			var old []string // started before their config changed (pods_config.go)
			if !restarted {
				old = podsBeforeConfig(ctx, env, pods)
			}
			if len(stale) == 0 && len(old) == 0 {
				out := Done(env.T(i18n.MsgPodsReady, last.Ready, last.Desired))
				if restarted {
					out.Result = flow.Changed
				}
				return out, nil
			}
			if !restarted {
				// Pods that started before the role annotation run without
				// it, and pods that started before their config changed
				// run with the old one: offer the rollout restart that
				// gives them both.
				detail, doing := restartReason(env, stale, old)
				ok, err := restartDaemon(ctx, env, in.Ask, r, detail, doing)
				if err != nil {
					return Outcome{}, err
				}
				if !ok {
					warn(env, r, flow.IDPods, detail)
					return Done(env.T(i18n.MsgPodsReady, last.Ready, last.Desired)), nil
				}
				restarted, restartAt = true, env.Now().Add(-time.Second)
			} else if len(stale) > 0 && allNewer(pods, restartAt) {
				// Pods started after the annotation and still without the
				// role: nothing injects it (EKS's pod identity webhook).
				return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrNoRoleInjected, len(stale), ServiceAccountName),
					Fix: env.T(i18n.FixNoRoleInjected, ns, stale[0])}
			}
			// After a restart, wait until every pod is a new one.
		}
		countdown(ctx, env, r, flow.IDPods, env.T(i18n.MsgWaitPods))
		select {
		case <-changed:
		case <-tk.C:
			// Nothing changed: only the time left did (the table is
			// built again, which costs a list from the cache).
		case err := <-watchErr:
			// The reflector retries by itself; tell the person, keep waiting.
			warn(env, r, flow.IDPods, env.KubeError("watch", "pods", err).Error())
		case <-ctx.Done():
			if isDeadline(ctx) {
				// Before blaming the pods, ask once whether the API server
				// is still there: the watch retries quietly when it is not.
				// (The wait's own time is up: this asks with a time of its own.)
				vctx, vcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				_, err := env.Kube.Discovery().ServerVersion(vctx)
				vcancel()
				if err != nil {
					return Outcome{}, env.KubeError("watch", "pods", err)
				}
				return Outcome{}, podsTimeout(env, last, ds == nil)
			}
			return Outcome{}, ctx.Err()
		}
	}
}

// noDaemonSetGrace is how long the pods step waits for a DaemonSet that is
// not there before it says so.
const noDaemonSetGrace = 15 * time.Second

// reportEvery is the least time between two pod tables sent while waiting.
const reportEvery = 100 * time.Millisecond

// stuckNamed is how many pods explainStuck names one by one in each kind of
// trouble; past that it says once that more are in it (the table shows
// them all), so a big cluster gets a few lines and a few log reads, not
// thousands.
const stuckNamed = 3

// stuckTold remembers what explainStuck has said.
type stuckTold struct {
	pods  map[string]string // pod → the state last explained
	kinds map[string]int    // kind of trouble → pods named in it
}

// explainStuck tells, once per pod and state, why a pod is not coming up:
// the last lines of a crashing container's log, an image that cannot be
// pulled, or a pod pending for more than a minute.
func explainStuck(ctx context.Context, env *Env, r flow.Reporter, t flow.PodTable, told *stuckTold) {
	for _, row := range t.Rows {
		if row.Ready {
			continue
		}
		key := fmt.Sprintf("%s/%d", row.Phase, row.Restarts)
		if told.pods[row.Name] == key {
			continue
		}
		var kind string
		switch {
		case row.Phase == "CrashLoopBackOff" || row.Phase == "Error" || row.Phase == "RunContainerError":
			kind = "crash"
		case strings.Contains(row.Phase, "ImagePull") || row.Phase == "ErrImagePull" || row.Phase == "InvalidImageName":
			kind = "image"
		case row.Phase == "Pending" && !row.Created.IsZero() && env.Now().Sub(row.Created) > time.Minute:
			kind = "pending"
		case row.Phase == "ContainerCreating" && !row.Created.IsZero() && env.Now().Sub(row.Created) > time.Minute:
			// Its node has not started it: a volume it waits for (a
			// ConfigMap that is not there), or the node itself.
			kind = "creating"
		default:
			continue
		}
		told.pods[row.Name] = key
		n := told.kinds[kind]
		if n > stuckNamed {
			continue
		}
		told.kinds[kind] = n + 1
		if n == stuckNamed {
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodsMoreStuck, row.Phase))
			continue
		}
		switch kind {
		case "crash":
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodCrashing, row.Name, row.Phase, lastLog(ctx, env, row.Name)))
		case "image":
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodImage, row.Name, row.Phase, row.Reason))
		case "pending":
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodPending, row.Name, row.Reason))
		case "creating":
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodCreating, row.Name, env.Opts.Namespace, row.Name))
		}
	}
}

// leanPod keeps of a pod what the table and the checks read, so the
// informer's cache stays small on a cluster of thousands of nodes: no
// managed fields, annotations, volumes or container details but the
// environment's names.
func leanPod(obj any) (any, error) {
	if m, ok := obj.(metav1.Object); ok {
		m.SetManagedFields(nil)
	}
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	p.Annotations = nil
	p.OwnerReferences = nil
	p.Spec = corev1.PodSpec{NodeName: p.Spec.NodeName, Containers: leanContainers(p.Spec.Containers)}
	for i := range p.Status.Conditions {
		c := &p.Status.Conditions[i]
		c.LastProbeTime, c.LastTransitionTime = metav1.Time{}, metav1.Time{}
		if c.Status == corev1.ConditionTrue {
			c.Message = ""
		}
	}
	p.Status.PodIPs, p.Status.HostIPs = nil, nil
	for i := range p.Status.ContainerStatuses {
		cs := &p.Status.ContainerStatuses[i]
		cs.Image, cs.ImageID, cs.ContainerID = "", "", ""
		cs.VolumeMounts, cs.AllocatedResources, cs.Resources, cs.User = nil, nil, nil, nil
	}
	return p, nil
}

func leanContainers(cs []corev1.Container) []corev1.Container {
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i].Name = c.Name
		for _, e := range c.Env {
			out[i].Env = append(out[i].Env, corev1.EnvVar{Name: e.Name})
		}
	}
	return out
}

// lastLog is the end of the previous run's log of a crashing pod.
func lastLog(ctx context.Context, env *Env, pod string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tail := int64(3)
	b, err := env.Kube.CoreV1().Pods(env.Opts.Namespace).Logs(ctx, pod, &corev1.PodLogOptions{TailLines: &tail, Previous: true})
	if err != nil {
		return err.Error()
	}
	return strings.Join(strings.Fields(strings.TrimSpace(string(b))), " ")
}

func isDeadline(ctx context.Context) bool { return ctx.Err() == context.DeadlineExceeded }

func podsTimeout(env *Env, t flow.PodTable, noDS bool) error {
	ns := env.Opts.Namespace
	if noDS {
		return &flow.Error{Cause: env.T(i18n.ErrNoDaemonSet, ns, env.Collector().DaemonSet), Fix: env.T(i18n.FixNoDaemonSet)}
	}
	var bad []string
	notReady := 0
	fix := env.T(i18n.FixPodsNotReady, ns)
	for _, row := range t.Rows {
		if row.Ready {
			continue
		}
		notReady++
		s := row.Name + " " + row.Phase
		if row.Reason != "" {
			s += " (" + row.Reason + ")"
		}
		if len(bad) < 5 {
			bad = append(bad, s)
		}
		switch row.Phase {
		case "CrashLoopBackOff", "Error", "RunContainerError":
			fix = env.T(i18n.FixCrashLoop, ns, row.Name)
		case "ImagePullBackOff", "ErrImagePull", "InvalidImageName":
			fix = env.T(i18n.FixImagePull, ns, env.Collector().DaemonSet)
		}
	}
	if notReady > len(bad) {
		bad = append(bad, env.T(i18n.MsgAndMore, notReady-len(bad)))
	}
	if t.Desired > 0 && t.Ready >= t.Desired {
		// Enough Ready pods, but not one new one per node: a rollout that
		// did not finish (the old pods stay until the new ones are Ready).
		return &flow.Error{
			Cause: env.T(i18n.ErrPodsRolloutStuck, env.Opts.Lang.Duration(env.Opts.PodsTimeout), len(t.Rows), t.Desired, strings.Join(bad, "; ")),
			Fix:   fix,
		}
	}
	return &flow.Error{
		Cause: env.T(i18n.ErrPodsNotReady, t.Ready, t.Desired, env.Opts.Lang.Duration(env.Opts.PodsTimeout), strings.Join(bad, "; ")),
		Fix:   fix,
	}
}

// podsWithoutRole finds the daemon pods that started before their service
// account got its IAM role annotation: they run without the role.
func podsWithoutRole(ctx context.Context, env *Env, pods []*corev1.Pod) []string {
	if env.Opts.Identity == IdentityPodIdentity {
		return podsWithoutAssociation(ctx, env, pods)
	}
	sa, err := env.Kube.CoreV1().ServiceAccounts(env.Opts.Namespace).Get(ctx, ServiceAccountName, metav1.GetOptions{})
	if err != nil || sa.Annotations[RoleARNAnnotation] == "" {
		return nil
	}
	return podsWithoutEnv(pods, "AWS_ROLE_ARN")
}

// podsWithoutEnv are the names of the pods, not being deleted, whose
// containers do not set the variable name.
func podsWithoutEnv(pods []*corev1.Pod, name string) []string {
	var out []string
	for _, p := range pods {
		if p.DeletionTimestamp == nil && !podHasEnv(p, name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// restartDaemon asks, then restarts the DaemonSet's pods as
// `kubectl rollout restart` does: a new template annotation.
func restartDaemon(ctx context.Context, env *Env, ask flow.Confirmer, r flow.Reporter, detail, doing string) (bool, error) {
	ns := env.Opts.Namespace
	plan := flow.Plan{
		Changes:  []flow.Change{{Action: flow.ActRestart, Kind: "DaemonSet", Name: ns + "/" + env.Collector().DaemonSet, Detail: detail}},
		Commands: []string{fmt.Sprintf("kubectl rollout restart -n %s daemonset/%s", ns, env.Collector().DaemonSet)},
	}
	if ask == nil {
		ask = flow.Always{}
	}
	consent, err := ask.Confirm(ctx, Pods{}.Info(env), plan)
	if err != nil || !consent.Yes() {
		return false, err
	}
	progress(env, r, flow.IDPods, doing)
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, env.Now().Format(time.RFC3339))
	if _, err := env.Kube.AppsV1().DaemonSets(ns).Patch(ctx, env.Collector().DaemonSet, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
		return false, env.KubeError("patch", "daemonset "+ns+"/"+env.Collector().DaemonSet, err)
	}
	return true, nil
}

// allNewer: every pod was created at or after t.
func allNewer(pods []*corev1.Pod, t time.Time) bool {
	for _, p := range pods {
		if p.CreationTimestamp.Time.Before(t) {
			return false
		}
	}
	return len(pods) > 0
}

func podHasEnv(p *corev1.Pod, name string) bool {
	for _, c := range p.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == name {
				return true
			}
		}
	}
	return false
}

// age formats a pod's age as kubectl does (for the line reporter).
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh", int(d.Hours()))
}
