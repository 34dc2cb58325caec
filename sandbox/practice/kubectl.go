package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The field managers kubectl's commands write as, so the practice world's
// objects carry the same marks a person's kubectl would leave.
const (
	managerSetEnv  = "kubectl-set"
	managerRollout = "kubectl-rollout"
	managerEdit    = "kubectl-edit"
	managerApply   = "kubectl-client-side-apply"
	managerDelete  = "kubectl"
)

// ErrUsage is in the error of Kubectl for a command it does not know.
var ErrUsage = errors.New("not a command the practice world's kubectl knows")

// KubectlCommands are the kubectl commands Kubectl runs against the
// practice world: the ones the doctor prints as fixes.
var KubectlCommands = []string{
	"set env -n NS deployment/NAME... | deployment --all  NAME=VALUE | NAME-",
	"rollout restart -n NS deployment[/NAME] | daemonset/NAME",
	"delete clusterrolebinding NAME",
}

// Kubectl runs one of KubectlCommands (args without "kubectl") against
// the cluster, as kubectl would, and waits until what it started settles
// (the new pods are up, the old ones gone). It returns what kubectl would
// print.
func Kubectl(ctx context.Context, kc kube.Interface, args []string) ([]string, error) {
	ns := "default"
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" || a == "--namespace":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%w: %s needs a value", ErrUsage, a)
			}
			ns = args[i+1]
			i++
		case strings.HasPrefix(a, "--namespace="):
			ns = strings.TrimPrefix(a, "--namespace=")
		default:
			rest = append(rest, a)
		}
	}
	switch {
	case len(rest) >= 3 && rest[0] == "set" && rest[1] == "env":
		return setEnvCmd(ctx, kc, ns, rest[2:])
	case len(rest) == 3 && rest[0] == "rollout" && rest[1] == "restart":
		return restartCmd(ctx, kc, ns, rest[2])
	case len(rest) == 3 && rest[0] == "delete" && (rest[1] == "clusterrolebinding" || rest[1] == "clusterrolebindings"):
		if err := kc.RbacV1().ClusterRoleBindings().Delete(ctx, rest[2], metav1.DeleteOptions{}); err != nil {
			return nil, err
		}
		return []string{fmt.Sprintf("clusterrolebinding.rbac.authorization.k8s.io %q deleted", rest[2])}, nil
	}
	return nil, fmt.Errorf("%w: kubectl %s", ErrUsage, strings.Join(args, " "))
}

func setEnvCmd(ctx context.Context, kc kube.Interface, ns string, args []string) ([]string, error) {
	var names []string
	all := false
	set := map[string]string{}
	var unset []string
	for _, a := range args {
		switch {
		case a == "--all":
			all = true
		case a == "deployment" || a == "deployments":
		case strings.HasPrefix(a, "deployment/"), strings.HasPrefix(a, "deployments/"):
			names = append(names, a[strings.Index(a, "/")+1:])
		case strings.Contains(a, "="):
			k, v, _ := strings.Cut(a, "=")
			set[k] = v
		case strings.HasSuffix(a, "-"):
			unset = append(unset, strings.TrimSuffix(a, "-"))
		default:
			return nil, fmt.Errorf("%w: set env %s", ErrUsage, a)
		}
	}
	if all {
		deps, err := kc.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, d := range deps.Items {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 || len(set)+len(unset) == 0 {
		return nil, fmt.Errorf("%w: set env needs deployments and NAME=VALUE or NAME-", ErrUsage)
	}
	var out []string
	for _, name := range names {
		if err := SetEnv(ctx, kc, ns, name, set, unset); err != nil {
			return out, err
		}
		out = append(out, fmt.Sprintf("deployment.apps/%s env updated", name))
	}
	return out, WaitSettled(ctx, kc, ns)
}

func restartCmd(ctx context.Context, kc kube.Interface, ns, what string) ([]string, error) {
	kind, name, _ := strings.Cut(what, "/")
	var out []string
	switch kind {
	case "deployment", "deployments", "deploy":
		names := []string{name}
		if name == "" {
			deps, err := kc.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, err
			}
			names = nil
			for _, d := range deps.Items {
				names = append(names, d.Name)
			}
		}
		for _, n := range names {
			if err := RolloutRestart(ctx, kc, ns, "deployment", n); err != nil {
				return out, err
			}
			out = append(out, fmt.Sprintf("deployment.apps/%s restarted", n))
		}
	case "daemonset", "daemonsets", "ds":
		if err := RolloutRestart(ctx, kc, ns, "daemonset", name); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("daemonset.apps/%s restarted", name))
	default:
		return nil, fmt.Errorf("%w: rollout restart %s", ErrUsage, what)
	}
	return out, WaitSettled(ctx, kc, ns)
}

// SetEnv sets and unsets environment variables in every container of a
// deployment's pod template, as `kubectl set env` does.
func SetEnv(ctx context.Context, kc kube.Interface, ns, name string, set map[string]string, unset []string) error {
	d, err := kc.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	for i := range d.Spec.Template.Spec.Containers {
		c := &d.Spec.Template.Spec.Containers[i]
		c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool { return slices.Contains(unset, e.Name) })
		for _, k := range sortedKeys(set) {
			if j := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == k }); j >= 0 {
				c.Env[j].Value, c.Env[j].ValueFrom = set[k], nil
			} else {
				c.Env = append(c.Env, corev1.EnvVar{Name: k, Value: set[k]})
			}
		}
	}
	_, err = kc.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{FieldManager: managerSetEnv})
	return err
}

// RolloutRestart restarts a deployment's or a daemonset's pods as
// `kubectl rollout restart` does: a new template annotation.
func RolloutRestart(ctx context.Context, kc kube.Interface, ns, kind, name string) error {
	now := time.Now().Format(time.RFC3339Nano)
	set := func(t *corev1.PodTemplateSpec) {
		if t.Annotations == nil {
			t.Annotations = map[string]string{}
		}
		t.Annotations["kubectl.kubernetes.io/restartedAt"] = now
	}
	opts := metav1.UpdateOptions{FieldManager: managerRollout}
	if kind == "daemonset" {
		ds, err := kc.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		set(&ds.Spec.Template)
		_, err = kc.AppsV1().DaemonSets(ns).Update(ctx, ds, opts)
		return err
	}
	d, err := kc.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	set(&d.Spec.Template)
	_, err = kc.AppsV1().Deployments(ns).Update(ctx, d, opts)
	return err
}

// WaitSettled waits until the namespace's daemonsets and deployments run
// only pods of their current template — each Ready, or crashing, which is
// as far as a broken one gets — so that the world saved next shows what
// the change did.
func WaitSettled(ctx context.Context, kc kube.Interface, ns string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		done, err := settled(ctx, kc, ns)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the pods of %s did not settle: %w", ns, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func settled(ctx context.Context, kc kube.Interface, ns string) (bool, error) {
	pods, err := kc.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err
	}
	dss, err := kc.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err
	}
	deps, err := kc.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err
	}
	for _, ds := range dss.Items {
		if ds.Status.ObservedGeneration < ds.Generation {
			return false, nil // its controller has not seen this spec yet
		}
		if !workloadUp(pods.Items, "controller-revision-hash", int(ds.Status.DesiredNumberScheduled), &ds.Spec.Template) &&
			!refused(ctx, kc, &ds, pods.Items) {
			return false, nil
		}
	}
	for _, d := range deps.Items {
		want := 1
		if d.Spec.Replicas != nil {
			want = int(*d.Spec.Replicas)
		}
		if !workloadUp(pods.Items, "pod-template-hash", want, &d.Spec.Template) {
			return false, nil
		}
	}
	return true, nil
}

// workloadUp: the pods of the template's current revision are there, each
// Ready or crashing; the older pods are gone, unless a new one crashes
// (a rolling update keeps them then).
func workloadUp(pods []corev1.Pod, label string, want int, t *corev1.PodTemplateSpec) bool {
	hash := kubesim.TemplateHash(*t)
	n, old, broken := 0, 0, false
	for i := range pods {
		p := &pods[i]
		if !matches(p, t) || p.Labels[label] == "" {
			continue
		}
		if p.Labels[label] != hash {
			old++
			if p.DeletionTimestamp != nil {
				return false
			}
			continue
		}
		switch {
		case p.DeletionTimestamp != nil:
			return false
		case kube.PodReady(p):
		case crashing(p):
			broken = true
		default:
			return false
		}
		n++
	}
	return n >= want && (old == 0 || broken)
}

func matches(p *corev1.Pod, t *corev1.PodTemplateSpec) bool {
	for k, v := range t.Labels {
		if p.Labels[k] != v {
			return false
		}
	}
	return true
}

func crashing(p *corev1.Pod) bool {
	for _, cs := range p.Status.ContainerStatuses {
		if cs.RestartCount > 0 || cs.State.Terminated != nil ||
			cs.State.Waiting != nil && (cs.State.Waiting.Reason == "CrashLoopBackOff" || cs.State.Waiting.Reason == "RunContainerError") {
			return true
		}
	}
	return false
}

// daemonSet is the daemon's DaemonSet, or an error saying the world has
// none.
func daemonSet(ctx context.Context, kc kube.Interface, ns string) (*appsv1.DaemonSet, error) {
	ds, err := kc.AppsV1().DaemonSets(ns).Get(ctx, steps.DaemonSetName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("daemonset %s/%s: %w", ns, steps.DaemonSetName, err)
	}
	return ds, err
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
