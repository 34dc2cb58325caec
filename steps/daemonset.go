package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/assets"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// DaemonSet deploys the X-Ray daemon: its ConfigMap, Service and DaemonSet,
// with server-side apply, as `kubectl apply -f xray-k8s-daemonset.yaml` does.
type DaemonSet struct{}

// ID names the step.
func (DaemonSet) ID() string { return flow.IDDaemonSet }

// Info describes the step.
func (DaemonSet) Info(env *Env) flow.StepInfo {
	if env.Collector().Kind == CollectorOtel {
		return otelInfo(env)
	}
	return flow.StepInfo{
		ID:         flow.IDDaemonSet,
		Title:      env.T(i18n.DaemonSetTitle),
		Why:        env.T(i18n.DaemonSetWhy),
		Commands:   []string{"kubectl apply -f ./manifests/xray-k8s-daemonset.yaml"},
		Equivalent: []string{"kubectl apply --server-side --field-manager=" + FieldManager + " -f " + manifestFile(env.Collector())},
		Manifest:   daemonManifest(env),
	}
}

// daemonManifest is the manifest the step applies, as YAML, for a person
// to read; "" if it cannot be rendered (the step itself then says why).
func daemonManifest(env *Env) string {
	objs, err := LoadManifest(env.Opts.Collector, env.Opts.Namespace, env.Region(), env.Opts.Tolerations...)
	if err != nil {
		return ""
	}
	y, err := objs.ManifestYAML()
	if err != nil {
		return ""
	}
	// The shipped file's opening comment says what changed from the lab's
	// manifest, and why: keep it.
	var head strings.Builder
	shipped := assets.DaemonManifest
	if env.Collector().Kind == CollectorOtel {
		shipped = assets.CollectorManifest
	}
	for _, l := range strings.Split(string(shipped), "\n") {
		if !strings.HasPrefix(l, "#") {
			break
		}
		head.WriteString(l + "\n")
	}
	return head.String() + y
}

// objectDrift is what applying one object would do, as the API server
// says in a server-side dry run.
type objectDrift struct {
	kind, name string
	missing    bool
	diff       string // changed fields, "" when none
	conflict   string // fields another manager owns, when applying would conflict
	remove     bool   // the other collector's object, which this one replaces
}

// readDaemon dry-runs the server-side apply of each object and compares
// the result with what the cluster has: the difference is what a real apply
// would change.
func readDaemon(ctx context.Context, env *Env) (*DaemonObjects, []objectDrift, error) {
	if err := env.NeedKube(); err != nil {
		return nil, nil, err
	}
	ns := env.Opts.Namespace
	c := env.Collector()
	want, err := LoadManifest(c.Kind, ns, env.Region(), env.Opts.Tolerations...)
	if err != nil {
		return nil, nil, err
	}
	dry := metav1.ApplyOptions{FieldManager: FieldManager, Force: env.Opts.Force, DryRun: []string{metav1.DryRunAll}}
	core, apps := env.Kube.CoreV1(), env.Kube.AppsV1()
	objs := []struct {
		kind, name string
		obj        *kube.Object
		get        func() (any, error)
		apply      func() (any, error)
	}{
		{"ConfigMap", c.ConfigMap, want.ConfigMap,
			func() (any, error) { return core.ConfigMaps(ns).Get(ctx, c.ConfigMap, metav1.GetOptions{}) },
			func() (any, error) { return core.ConfigMaps(ns).Apply(ctx, want.ConfigMap, dry) }},
		{"Service", ServiceName, want.Service,
			func() (any, error) { return core.Services(ns).Get(ctx, ServiceName, metav1.GetOptions{}) },
			func() (any, error) { return core.Services(ns).Apply(ctx, want.Service, dry) }},
		{"DaemonSet", c.DaemonSet, want.DaemonSet,
			func() (any, error) { return apps.DaemonSets(ns).Get(ctx, c.DaemonSet, metav1.GetOptions{}) },
			func() (any, error) { return apps.DaemonSets(ns).Apply(ctx, want.DaemonSet, dry) }},
	}
	var drift []objectDrift
	for _, o := range objs {
		d := objectDrift{kind: o.kind, name: ns + "/" + o.name}
		cur, err := o.get()
		switch {
		case apierrors.IsNotFound(err):
			d.missing = true
			drift = append(drift, d)
			continue
		case err != nil:
			return nil, nil, env.KubeError("get", strings.ToLower(o.kind)+" "+d.name, err)
		}
		if m, err := meta.Accessor(cur); err == nil && !madeByWizard(m) {
			// Another tool made it: the wizard changes fields of it (with
			// --force) but does not mark it as its own, so cleanup takes
			// back only those fields.
			o.obj.WithoutLabel(ManagedByLabel)
		}
		res, err := o.apply()
		switch {
		case apierrors.IsConflict(err):
			d.conflict = conflictFields(err)
		case err != nil:
			return nil, nil, env.applyError(o.kind, d.name, err)
		default:
			d.diff = strings.Join(objectDiff(cur, res, 4), ", ")
		}
		drift = append(drift, d)
	}
	other, err := readOther(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	return want, append(drift, other...), nil
}

// objectDiff lists the paths whose values differ between two objects,
// leaving out what the server keeps for itself (status, managed fields,
// versions, timestamps).
func objectDiff(a, b any, most int) []string {
	norm := func(v any) map[string]any {
		raw, _ := json.Marshal(v)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		delete(m, "status")
		if md, ok := m["metadata"].(map[string]any); ok {
			for _, k := range []string{"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"} {
				delete(md, k)
			}
		}
		return m
	}
	var out []string
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		if len(out) >= most || reflect.DeepEqual(x, y) {
			return
		}
		xm, ok1 := x.(map[string]any)
		ym, ok2 := y.(map[string]any)
		if ok1 && ok2 {
			keys := map[string]bool{}
			for k := range xm {
				keys[k] = true
			}
			for k := range ym {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			slices.Sort(sorted)
			for _, k := range sorted {
				walk(strings.TrimPrefix(path+"."+k, "."), xm[k], ym[k])
			}
			return
		}
		out = append(out, path)
	}
	walk("", norm(a), norm(b))
	return out
}

func conflictFields(err error) string {
	var fields []string
	if st, ok := err.(apierrors.APIStatus); ok && st.Status().Details != nil {
		for _, c := range st.Status().Details.Causes {
			fields = append(fields, c.Message)
		}
	}
	if len(fields) == 0 {
		return err.Error()
	}
	return strings.Join(fields, "; ")
}

// Check compares the cluster's objects with the manifest.
func (DaemonSet) Check(ctx context.Context, env *Env) (Status, error) {
	_, drift, err := readDaemon(ctx, env)
	if err != nil {
		return Status{}, err
	}
	for _, d := range drift {
		if d.missing || d.diff != "" || d.conflict != "" || d.remove {
			return Status{}, nil
		}
	}
	if env.Collector().Kind == CollectorOtel {
		return Status{Done: true, Detail: env.T(i18n.MsgCollectorAlready, env.Opts.Namespace)}, nil
	}
	return Status{Done: true, Detail: env.T(i18n.MsgDaemonAlready, env.Opts.Namespace)}, nil
}

// Plan lists the objects to create or update.
func (st DaemonSet) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	_, drift, err := readDaemon(ctx, env)
	if err != nil {
		return flow.Plan{}, err
	}
	in := st.Info(env)
	p := flow.Plan{Commands: in.Commands, Equivalent: in.Equivalent}
	for _, d := range drift {
		switch {
		case d.remove:
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: d.kind, Name: d.name,
				Detail: env.T(i18n.MsgCollectorReplaced, collectorName(env, env.Collector()))})
			p.Commands = append(p.Commands, fmt.Sprintf("kubectl delete -n %s %s %s", env.Opts.Namespace, strings.ToLower(d.kind), strings.TrimPrefix(d.name, env.Opts.Namespace+"/")))
		case d.missing:
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActCreate, Kind: d.kind, Name: d.name})
		case d.conflict != "":
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActConflict, Kind: d.kind, Name: d.name, Detail: d.conflict})
		case d.diff != "":
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: d.kind, Name: d.name, Detail: d.diff})
		default:
			p.Changes = append(p.Changes, flow.Change{Action: flow.ActNone, Kind: d.kind, Name: d.name})
		}
	}
	p.Note = env.T(i18n.MsgNoClusterAdmin)
	if env.Collector().Kind == CollectorOtel {
		p.Note = env.T(i18n.MsgOtelNote)
	}
	return p, nil
}

// Apply server-side applies the ConfigMap, the Service and the DaemonSet, in
// that order, so the daemon's pods find their config when they start.
func (DaemonSet) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	want, drift, err := readDaemon(ctx, env)
	if err != nil {
		return Outcome{}, err
	}
	ns := env.Opts.Namespace
	c := env.Collector()
	// Only --force takes fields another manager (kubectl, Helm, a person)
	// owns; otherwise a conflict is explained and nothing is taken.
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: env.Opts.Force}
	// The pods need their service account; the iamsa step makes it with the
	// role annotation. Without it (--steps daemonset alone) the DaemonSet
	// controller could not create any pod, so make a plain one and say so.
	if _, err := env.Kube.CoreV1().ServiceAccounts(ns).Get(ctx, ServiceAccountName, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		warn(env, r, flow.IDDaemonSet, env.T(i18n.MsgSAMissingMade, ns, ServiceAccountName))
		ac := kube.NewObject("v1", "ServiceAccount", ns, ServiceAccountName).WithLabels(map[string]string{ManagedByLabel: ManagedByValue})
		if _, err := env.Kube.CoreV1().ServiceAccounts(ns).Apply(ctx, ac, opts); err != nil {
			return Outcome{}, env.KubeError("apply", "serviceaccount "+ns+"/"+ServiceAccountName, err)
		}
	} else if err != nil {
		return Outcome{}, env.KubeError("get", "serviceaccount "+ns+"/"+ServiceAccountName, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "ConfigMap", ns+"/"+c.ConfigMap))
	if _, err := env.Kube.CoreV1().ConfigMaps(ns).Apply(ctx, want.ConfigMap, opts); err != nil {
		return Outcome{}, env.applyError("ConfigMap", ns+"/"+c.ConfigMap, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "Service", ns+"/"+ServiceName))
	if _, err := env.Kube.CoreV1().Services(ns).Apply(ctx, want.Service, opts); err != nil {
		return Outcome{}, env.applyError("Service", ns+"/"+ServiceName, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "DaemonSet", ns+"/"+c.DaemonSet))
	if _, err := env.Kube.AppsV1().DaemonSets(ns).Apply(ctx, want.DaemonSet, opts); err != nil {
		return Outcome{}, env.applyError("DaemonSet", ns+"/"+c.DaemonSet, err)
	}
	if err := removeOther(ctx, env, r, drift); err != nil {
		return Outcome{}, err
	}
	if c.Kind == CollectorOtel {
		return Done(env.T(i18n.MsgCollectorApplied, ns)), nil
	}
	return Done(env.T(i18n.MsgDaemonApplied, ns)), nil
}
