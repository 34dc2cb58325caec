package steps

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// DaemonSet deploys the X-Ray daemon: its ConfigMap, Service and DaemonSet,
// with server-side apply, as `kubectl apply -f xray-k8s-daemonset.yaml` does.
type DaemonSet struct{}

// ID names the step.
func (DaemonSet) ID() string { return flow.IDDaemonSet }

// Info describes the step.
func (DaemonSet) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:       flow.IDDaemonSet,
		Title:    env.T(i18n.DaemonSetTitle),
		Why:      env.T(i18n.DaemonSetWhy),
		Commands: []string{"kubectl apply -f ./manifests/xray-k8s-daemonset.yaml"},
	}
}

// objectDrift lists, per object, what differs from the manifest; an empty
// string means the object is as the manifest says.
type objectDrift struct {
	kind, name string
	missing    bool
	diff       string
}

func readDaemon(ctx context.Context, env *Env) (*DaemonObjects, []objectDrift, error) {
	if err := env.needKube(); err != nil {
		return nil, nil, err
	}
	ns := env.Opts.Namespace
	want, err := LoadDaemonManifest(ns, env.Region())
	if err != nil {
		return nil, nil, err
	}
	var drift []objectDrift
	cm, err := env.Kube.CoreV1().ConfigMaps(ns).Get(ctx, ConfigMapName, metav1.GetOptions{})
	d := objectDrift{kind: "ConfigMap", name: ns + "/" + ConfigMapName}
	switch {
	case apierrors.IsNotFound(err):
		d.missing = true
	case err != nil:
		return nil, nil, env.kubeError("get", "configmap "+d.name, err)
	case cm.Data["config.yaml"] != want.ConfigMap.Data["config.yaml"]:
		d.diff = "config.yaml differs"
	}
	drift = append(drift, d)

	svc, err := env.Kube.CoreV1().Services(ns).Get(ctx, ServiceName, metav1.GetOptions{})
	d = objectDrift{kind: "Service", name: ns + "/" + ServiceName}
	switch {
	case apierrors.IsNotFound(err):
		d.missing = true
	case err != nil:
		return nil, nil, env.kubeError("get", "service "+d.name, err)
	default:
		d.diff = serviceDiff(svc, want.Service)
	}
	drift = append(drift, d)

	ds, err := env.Kube.AppsV1().DaemonSets(ns).Get(ctx, DaemonSetName, metav1.GetOptions{})
	d = objectDrift{kind: "DaemonSet", name: ns + "/" + DaemonSetName}
	switch {
	case apierrors.IsNotFound(err):
		d.missing = true
	case err != nil:
		return nil, nil, env.kubeError("get", "daemonset "+d.name, err)
	default:
		d.diff = daemonSetDiff(ds, want)
	}
	drift = append(drift, d)
	return want, drift, nil
}

func serviceDiff(svc *corev1.Service, want *corev1ac.ServiceApplyConfiguration) string {
	type port struct {
		p     int32
		proto corev1.Protocol
	}
	var have, need []port
	for _, p := range svc.Spec.Ports {
		have = append(have, port{p.Port, p.Protocol})
	}
	for _, p := range want.Spec.Ports {
		need = append(need, port{*p.Port, *p.Protocol})
	}
	for _, n := range need {
		if !slices.Contains(have, n) {
			return fmt.Sprintf("no port %d/%s", n.p, n.proto)
		}
	}
	if !reflect.DeepEqual(svc.Spec.Selector, want.Spec.Selector) {
		return fmt.Sprintf("selector %v, want %v", svc.Spec.Selector, want.Spec.Selector)
	}
	return ""
}

func daemonSetDiff(ds *appsv1.DaemonSet, want *DaemonObjects) string {
	w := want.DaemonSet.Spec.Template.Spec
	h := ds.Spec.Template.Spec
	if h.ServiceAccountName != *w.ServiceAccountName {
		return fmt.Sprintf("serviceAccountName %q, want %q", h.ServiceAccountName, *w.ServiceAccountName)
	}
	if len(h.Containers) != 1 {
		return fmt.Sprintf("%d containers, want 1", len(h.Containers))
	}
	if h.Containers[0].Image != *w.Containers[0].Image {
		return fmt.Sprintf("image %s, want %s", h.Containers[0].Image, *w.Containers[0].Image)
	}
	if !slices.Equal(h.Containers[0].Command, w.Containers[0].Command) {
		return fmt.Sprintf("command %v, want %v", h.Containers[0].Command, w.Containers[0].Command)
	}
	return ""
}

// Check compares the cluster's objects with the manifest.
func (DaemonSet) Check(ctx context.Context, env *Env) (Status, error) {
	_, drift, err := readDaemon(ctx, env)
	if err != nil {
		return Status{}, err
	}
	for _, d := range drift {
		if d.missing || d.diff != "" {
			return Status{}, nil
		}
	}
	return Status{Done: true, Detail: env.T(i18n.MsgDaemonAlready, env.Opts.Namespace)}, nil
}

// Plan lists the objects to create or update.
func (st DaemonSet) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	_, drift, err := readDaemon(ctx, env)
	if err != nil {
		return flow.Plan{}, err
	}
	p := flow.Plan{Commands: append(st.Info(env).Commands,
		"kubectl apply --server-side --field-manager="+FieldManager+" -f xray-daemon.yaml")}
	for _, d := range drift {
		switch {
		case d.missing:
			p.Changes = append(p.Changes, flow.Change{Action: "create", Kind: d.kind, Name: d.name})
		case d.diff != "":
			p.Changes = append(p.Changes, flow.Change{Action: "update", Kind: d.kind, Name: d.name, Detail: d.diff})
		default:
			p.Changes = append(p.Changes, flow.Change{Action: "none", Kind: d.kind, Name: d.name})
		}
	}
	p.Note = env.T(i18n.MsgNoClusterAdmin)
	return p, nil
}

// Apply server-side applies the ConfigMap, the Service and the DaemonSet, in
// that order, so the daemon's pods find their config when they start.
func (DaemonSet) Apply(ctx context.Context, env *Env, r flow.Reporter) (string, error) {
	want, _, err := readDaemon(ctx, env)
	if err != nil {
		return "", err
	}
	ns := env.Opts.Namespace
	// Only --force takes fields another manager (kubectl, Helm, a person)
	// owns; otherwise a conflict is explained and nothing is taken.
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: env.Opts.Force}
	// The pods need their service account; the iamsa step makes it with the
	// role annotation. Without it (--steps daemonset alone) the DaemonSet
	// controller could not create any pod, so make a plain one and say so.
	if _, err := env.Kube.CoreV1().ServiceAccounts(ns).Get(ctx, ServiceAccountName, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		warn(env, r, flow.IDDaemonSet, env.T(i18n.MsgSAMissingMade, ns, ServiceAccountName))
		ac := corev1ac.ServiceAccount(ServiceAccountName, ns).WithLabels(map[string]string{ManagedByLabel: ManagedByValue})
		if _, err := env.Kube.CoreV1().ServiceAccounts(ns).Apply(ctx, ac, opts); err != nil {
			return "", env.kubeError("apply", "serviceaccount "+ns+"/"+ServiceAccountName, err)
		}
	} else if err != nil {
		return "", env.kubeError("get", "serviceaccount "+ns+"/"+ServiceAccountName, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "ConfigMap", ns+"/"+ConfigMapName))
	if _, err := env.Kube.CoreV1().ConfigMaps(ns).Apply(ctx, want.ConfigMap, opts); err != nil {
		return "", env.applyError("ConfigMap", ns+"/"+ConfigMapName, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "Service", ns+"/"+ServiceName))
	if _, err := env.Kube.CoreV1().Services(ns).Apply(ctx, want.Service, opts); err != nil {
		return "", env.applyError("Service", ns+"/"+ServiceName, err)
	}
	progress(env, r, flow.IDDaemonSet, env.T(i18n.MsgApplying, "DaemonSet", ns+"/"+DaemonSetName))
	if _, err := env.Kube.AppsV1().DaemonSets(ns).Apply(ctx, want.DaemonSet, opts); err != nil {
		return "", env.applyError("DaemonSet", ns+"/"+DaemonSetName, err)
	}
	return env.T(i18n.MsgDaemonApplied, ns), nil
}
