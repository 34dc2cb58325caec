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
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
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
		ID:       flow.IDPods,
		Title:    env.T(i18n.PodsTitle),
		Why:      env.T(i18n.PodsWhy),
		Commands: []string{"kubectl get pods -L app", fmt.Sprintf("kubectl get pods -n %s -l %s -o wide --watch", env.Opts.Namespace, DaemonLabel)},
	}
}

// Check: watching has nothing to change, so it always runs.
func (Pods) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing.
func (p Pods) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	return flow.Plan{Commands: p.Info(env).Commands}, nil
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
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			row.Ready = true
		}
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
func (Pods) Apply(ctx context.Context, env *Env, r flow.Reporter) (string, error) {
	if err := env.needKube(); err != nil {
		return "", err
	}
	ns := env.Opts.Namespace
	ctx, cancel := context.WithTimeout(ctx, env.Opts.PodsTimeout)
	defer cancel()
	f := informers.NewSharedInformerFactoryWithOptions(env.Kube, 0, informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = DaemonLabel }))
	podInf := f.Core().V1().Pods()
	dsInf := f.Apps().V1().DaemonSets()
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
	if _, err := podInf.Informer().AddEventHandler(h); err != nil {
		return "", err
	}
	if _, err := dsInf.Informer().AddEventHandler(h); err != nil {
		return "", err
	}
	watchErr := make(chan error, 1)
	for _, inf := range []cache.SharedIndexInformer{podInf.Informer(), dsInf.Informer()} {
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
		ok := true
		for _, s := range f.WaitForCacheSync(syncStop) {
			ok = ok && s
		}
		synced <- ok
	}()
	select {
	case ok := <-synced:
		if !ok {
			return "", &flow.Error{Cause: env.T(i18n.ErrWatchFailed, "pods"), Fix: env.T(i18n.FixKubeUnreachable)}
		}
	case err := <-watchErr:
		return "", env.kubeError("list", "pods", err)
	case <-ctx.Done():
		if isDeadline(ctx) {
			return "", &flow.Error{Cause: env.T(i18n.ErrWatchFailed, "pods"), Fix: env.T(i18n.FixKubeUnreachable)}
		}
		return "", ctx.Err()
	}
	sel := labels.SelectorFromSet(labels.Set{"app": "xray-daemon"})
	var last flow.PodTable
	restarted := false
	told := map[string]string{} // pod → what was last said of it
	for {
		pods, _ := podInf.Lister().Pods(ns).List(sel)
		ds, _ := dsInf.Lister().DaemonSets(ns).Get(DaemonSetName)
		last = PodTableOf(pods, ds)
		explainStuck(ctx, env, r, last, told)
		r.Report(flow.Event{Step: flow.IDPods, Kind: flow.Pods, Time: env.Now(), Pods: &last})
		if ds == nil {
			// keep waiting: the DaemonSet may be on its way
		} else if last.Desired > 0 && last.Ready >= last.Desired && len(last.Rows) == last.Desired {
			stale := podsWithoutRole(ctx, env, pods)
			if len(stale) == 0 {
				return env.T(i18n.MsgPodsReady, last.Ready, last.Desired), nil
			}
			if !restarted {
				// Pods that started before the role annotation run without
				// it: offer the rollout restart that gives it to them.
				ok, err := restartDaemon(ctx, env, r, len(stale))
				if err != nil {
					return "", err
				}
				if !ok {
					warn(env, r, flow.IDPods, env.T(i18n.MsgPodsWithoutRole, len(stale), ns, DaemonSetName))
					return env.T(i18n.MsgPodsReady, last.Ready, last.Desired), nil
				}
				restarted = true
			}
			// After a restart, wait until every pod is a new one.
		}
		select {
		case <-changed:
		case err := <-watchErr:
			// The reflector retries by itself; tell the person, keep waiting.
			warn(env, r, flow.IDPods, env.kubeError("watch", "pods", err).Error())
		case <-ctx.Done():
			if isDeadline(ctx) {
				// Before blaming the pods, ask once whether the API server
				// is still there: the watch retries quietly when it is not.
				if _, err := env.Kube.Discovery().ServerVersion(); err != nil {
					return "", env.kubeError("watch", "pods", err)
				}
				return "", podsTimeout(env, last, ds == nil)
			}
			return "", ctx.Err()
		}
	}
}

// explainStuck tells, once per pod and state, why a pod is not coming up:
// the last lines of a crashing container's log, an image that cannot be
// pulled, or a pod pending for more than a minute.
func explainStuck(ctx context.Context, env *Env, r flow.Reporter, t flow.PodTable, told map[string]string) {
	for _, row := range t.Rows {
		if row.Ready {
			continue
		}
		key := fmt.Sprintf("%s/%d", row.Phase, row.Restarts)
		if told[row.Name] == key {
			continue
		}
		switch {
		case row.Phase == "CrashLoopBackOff" || row.Phase == "Error" || row.Phase == "RunContainerError":
			told[row.Name] = key
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodCrashing, row.Name, row.Phase, lastLog(ctx, env, row.Name)))
		case strings.Contains(row.Phase, "ImagePull") || row.Phase == "ErrImagePull" || row.Phase == "InvalidImageName":
			told[row.Name] = key
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodImage, row.Name, row.Phase, row.Reason))
		case row.Phase == "Pending" && !row.Created.IsZero() && env.Now().Sub(row.Created) > time.Minute:
			told[row.Name] = key
			warn(env, r, flow.IDPods, env.T(i18n.MsgPodPending, row.Name, row.Reason))
		}
	}
}

// lastLog is the end of the previous run's log of a crashing pod.
func lastLog(ctx context.Context, env *Env, pod string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tail := int64(3)
	b, err := env.Kube.CoreV1().Pods(env.Opts.Namespace).GetLogs(pod, &corev1.PodLogOptions{TailLines: &tail, Previous: true}).DoRaw(ctx)
	if err != nil {
		return err.Error()
	}
	return strings.Join(strings.Fields(strings.TrimSpace(string(b))), " ")
}

func isDeadline(ctx context.Context) bool { return ctx.Err() == context.DeadlineExceeded }

func podsTimeout(env *Env, t flow.PodTable, noDS bool) error {
	ns := env.Opts.Namespace
	if noDS {
		return &flow.Error{Cause: env.T(i18n.ErrNoDaemonSet, ns, DaemonSetName), Fix: env.T(i18n.FixNoDaemonSet)}
	}
	var bad []string
	fix := env.T(i18n.FixPodsNotReady, ns)
	for _, row := range t.Rows {
		if row.Ready {
			continue
		}
		s := row.Name + " " + row.Phase
		if row.Reason != "" {
			s += " (" + row.Reason + ")"
		}
		bad = append(bad, s)
		switch row.Phase {
		case "CrashLoopBackOff", "Error", "RunContainerError":
			fix = env.T(i18n.FixCrashLoop, ns, row.Name)
		case "ImagePullBackOff", "ErrImagePull", "InvalidImageName":
			fix = env.T(i18n.FixImagePull, ns, DaemonSetName)
		}
	}
	return &flow.Error{
		Cause: env.T(i18n.ErrPodsNotReady, t.Ready, t.Desired, env.Opts.PodsTimeout, strings.Join(bad, "; ")),
		Fix:   fix,
	}
}

// podsWithoutRole finds the daemon pods that started before their service
// account got its IAM role annotation: they run without the role.
func podsWithoutRole(ctx context.Context, env *Env, pods []*corev1.Pod) []string {
	sa, err := env.Kube.CoreV1().ServiceAccounts(env.Opts.Namespace).Get(ctx, ServiceAccountName, metav1.GetOptions{})
	if err != nil || sa.Annotations[RoleARNAnnotation] == "" {
		return nil
	}
	var stale []string
	for _, p := range pods {
		if p.DeletionTimestamp == nil && !podHasEnv(p, "AWS_ROLE_ARN") {
			stale = append(stale, p.Name)
		}
	}
	return stale
}

// restartDaemon asks, then restarts the DaemonSet's pods as
// `kubectl rollout restart` does: a new template annotation.
func restartDaemon(ctx context.Context, env *Env, r flow.Reporter, n int) (bool, error) {
	ns := env.Opts.Namespace
	plan := flow.Plan{
		Changes:  []flow.Change{{Action: "restart", Kind: "DaemonSet", Name: ns + "/" + DaemonSetName, Detail: env.T(i18n.MsgPodsWithoutRole, n, ns, DaemonSetName)}},
		Commands: []string{fmt.Sprintf("kubectl rollout restart -n %s daemonset/%s", ns, DaemonSetName)},
	}
	ok, err := env.confirm(ctx, Pods{}.Info(env), plan)
	if err != nil || !ok {
		return false, err
	}
	progress(env, r, flow.IDPods, env.T(i18n.MsgRestarting, ns, DaemonSetName))
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, env.Now().Format(time.RFC3339))
	if _, err := env.Kube.AppsV1().DaemonSets(ns).Patch(ctx, DaemonSetName, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
		return false, env.kubeError("patch", "daemonset "+ns+"/"+DaemonSetName, err)
	}
	return true, nil
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
