package doctor

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The collector the doctor's checks look at is the one that runs in the
// namespace behind the Service: the X-Ray daemon (--collector daemon) or
// the wizard's OpenTelemetry Collector (--collector otel), found by their
// DaemonSets. Its DaemonSet, ConfigMap, pods and logs are what the checks
// read, and the wizard commands the doctor prints carry --collector otel
// when it is the Collector. The collector check looks further, at every
// namespace's collectors (doctor/collector.go).

// readCollector reads the Service and both collectors' DaemonSets, and
// decides which collector the checks look at: the one deployed; when both
// are, the one the Service sends to (the collector check names the two);
// when neither is, none runs, and the fixes deploy the one the Service
// still selects, else the one the options name.
func (d *dx) readCollector(ctx context.Context) {
	kc := d.env.Kube
	if svc, err := kc.CoreV1().Services(d.ns).Get(ctx, steps.ServiceName, metav1.GetOptions{}); d.keep(ctx, "service/"+steps.ServiceName, err) {
		d.svc = svc
	}
	selected := ""
	if d.svc != nil {
		selected = d.svc.Spec.Selector["app"]
	}
	daemon, otel := steps.CollectorOf(steps.CollectorDaemon), steps.CollectorOf(steps.CollectorOtel)
	found := map[string]*appsv1.DaemonSet{}
	unread := ""
	for _, c := range []steps.CollectorNames{daemon, otel} {
		ds, err := kc.AppsV1().DaemonSets(d.ns).Get(ctx, c.DaemonSet, metav1.GetOptions{})
		if d.keep(ctx, "daemonset/"+c.DaemonSet, err) {
			found[c.Kind] = ds
		} else if d.readErr["daemonset/"+c.DaemonSet] != nil && unread == "" {
			unread = c.Kind
		}
	}
	kind := d.env.Opts.Collector
	switch {
	case found[daemon.Kind] != nil && found[otel.Kind] != nil:
		kind = daemon.Kind
		if selected == otel.App {
			kind = otel.Kind
		}
	case found[otel.Kind] != nil:
		kind = otel.Kind
	case found[daemon.Kind] != nil:
		kind = daemon.Kind
	case unread != "":
		// A DaemonSet that could not be read: the checks say so.
		kind = unread
	default:
		d.none = true
		switch selected {
		case otel.App:
			kind = otel.Kind
		case daemon.App:
			kind = daemon.Kind
		}
	}
	d.coll = steps.CollectorOf(kind)
	d.ds = found[d.coll.Kind]
}

// names are the objects of the collector the checks look at (the daemon's
// when nothing was read).
func (d *dx) names() steps.CollectorNames {
	if d.coll.Kind == "" {
		return steps.CollectorOf(steps.CollectorDaemon)
	}
	return d.coll
}

// otel: the checks look at the wizard's OpenTelemetry Collector.
func (d *dx) otel() bool { return d.names().Kind == steps.CollectorOtel }

// pick is the text of the collector the checks look at.
func (d *dx) pick(daemon, otel i18n.Key) i18n.Key {
	if d.otel() {
		return otel
	}
	return daemon
}

// readPods is what the list of the collector's pods is called in readErr.
func (d *dx) readPods() string { return "pods -l " + d.names().Label() }

// serviceAccount is the collector's service account: its DaemonSet's, else
// the wizard's.
func (d *dx) serviceAccount() string {
	if d.ds != nil && d.ds.Spec.Template.Spec.ServiceAccountName != "" {
		return d.ds.Spec.Template.Spec.ServiceAccountName
	}
	return steps.ServiceAccountName
}

// otelTitles are the titles of the checks that read the collector's
// objects, when it is the OpenTelemetry Collector.
var otelTitles = map[string]i18n.Key{
	"daemonset":    i18n.DxTitleOtelDaemonSet,
	"region":       i18n.DxTitleOtelRegion,
	"pods-role":    i18n.DxTitleOtelPodsRole,
	"daemon-log":   i18n.DxTitleOtelLog,
	"service":      i18n.DxTitleOtelService,
	"rbac":         i18n.DxTitleOtelRBAC,
	"pods-created": i18n.DxTitleOtelCreated,
}

// title is a check's title for the collector the checks look at.
func (d *dx) title(c check) i18n.Key {
	if k, ok := otelTitles[c.ID]; ok && d.otel() {
		return k
	}
	return c.Title
}

// noCollector is the daemonset check's finding when no collector is
// deployed; the checks that read a collector's objects then only say so.
func (d *dx) noCollector() flow.Finding {
	daemon, otel := steps.CollectorOf(steps.CollectorDaemon), steps.CollectorOf(steps.CollectorOtel)
	return bad(flow.CheckFail, d.t(i18n.DxNoCollector, d.ns, daemon.DaemonSet, otel.DaemonSet), d.t(i18n.DxNoCollectorFix),
		d.wizard(flow.IDDaemonSet+","+flow.IDPods, false),
		d.t(i18n.DxNotFound, "daemonset/"+daemon.DaemonSet), d.t(i18n.DxNotFound, "daemonset/"+otel.DaemonSet))
}

// needCollector is the finding of a check that reads the collector's
// objects when none runs, and whether it is one.
func (d *dx) needCollector() (flow.Finding, bool) {
	if d.none {
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxNeedsCollector)}, true
	}
	return flow.Finding{}, false
}

// serviceSelectsOther: the Service sends to pods other than the
// collector's (switched by hand, or the other collector's Service kept).
func (d *dx) serviceSelectsOther(ctx context.Context) (flow.Finding, bool) {
	if d.svc == nil || d.none {
		return flow.Finding{}, false
	}
	app, set := d.svc.Spec.Selector["app"]
	if !set || app == d.names().App {
		return flow.Finding{}, false
	}
	return bad(flow.CheckFail, d.t(i18n.DxServiceSelects, steps.ServiceName, "app="+app, d.names().Label()), d.t(i18n.DxServiceSelectsFix), d.daemonFix(ctx),
		fmt.Sprintf("service/%s selector app=%s", steps.ServiceName, app), fmt.Sprintf("daemonset/%s pods %s", d.names().DaemonSet, d.names().Label())), true
}

// collectorPodsWithout are the names of the collector's running pods whose
// containers do not set the variable name.
func (d *dx) collectorPodsWithout(name string) []string {
	var out []string
	for _, p := range d.pods {
		if _, set := envOf(p.Spec.Containers, name); p.DeletionTimestamp == nil && !set {
			out = append(out, p.Name)
		}
	}
	return out
}

// restartFix is the command that restarts the collector's pods: kubectl's,
// or in the sandbox the wizard's pods step, which restarts them as kubectl
// would.
func (d *dx) restartFix() string {
	if d.sandbox {
		return d.wizard(flow.IDPods, false)
	}
	return fmt.Sprintf("kubectl rollout restart -n %s daemonset/%s", d.ns, d.names().DaemonSet)
}

// noPods is the finding of a check of the collector's pods when it has
// none.
func (d *dx) noPods() flow.Finding {
	return d.skip(fmt.Errorf("%s", d.t(d.pick(i18n.DxNoPods, i18n.DxOtelNoPods), d.ns)))
}
