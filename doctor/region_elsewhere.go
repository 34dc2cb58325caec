package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Lab point 9, "nothing in the console": the daemon's log says
// "Successfully sent batch", so the traces went somewhere — to another
// region than the one looked at, or to a time before the one looked at.

// clusterRegion is the region of the cluster looked at, as its ARN names
// it; else the region in use.
func (d *dx) clusterRegion(ctx context.Context) string {
	c := (*steps.ClusterInfo)(nil)
	if d.irsa != nil {
		c = d.irsa.Cluster
	}
	if c == nil && d.idErr == nil {
		c, _ = d.env.Cluster(ctx)
	}
	if c != nil {
		if a, err := arn.Parse(c.ARN); err == nil && a.Region != "" {
			return a.Region
		}
	}
	return d.env.Region()
}

// podRegions are the regions the daemon pods said they use ("Using
// region: X", the last one each said), by pod, in the pods' order.
func (d *dx) podRegions() (pods []string, regions map[string]string) {
	regions = map[string]string{}
	for pod, log := range d.podLogs() {
		if l := lineWith(log, "Using region: "); l != "" {
			pods = append(pods, pod)
			regions[pod] = strings.TrimSpace(l[strings.Index(l, "Using region: ")+len("Using region: "):])
		}
	}
	return pods, regions
}

// regionFlag is a region the DaemonSet's command line gives the daemon
// (-n, --region), which its config file cannot override.
func (d *dx) regionFlag() string {
	if d.ds == nil {
		return ""
	}
	for _, c := range d.ds.Spec.Template.Spec.Containers {
		args := append(slices.Clone(c.Command), c.Args...)
		for i, a := range args {
			switch {
			case (a == "-n" || a == "--region" || a == "-region") && i+1 < len(args):
				return args[i+1]
			case strings.HasPrefix(a, "--region="), strings.HasPrefix(a, "-region="):
				return a[strings.Index(a, "=")+1:]
			}
		}
	}
	return ""
}

// uploadsElsewhere is the region check's finding when the daemon is set
// to (cfgRegion, or a -n flag), or its running pods say they use, another
// region than the cluster's: the console and the wizard look in the
// cluster's and find nothing. The fix puts it back, and says where the
// traces sent so far are. ok is false when the daemon uploads to the
// cluster's region.
func (d *dx) uploadsElsewhere(ctx context.Context, cfgRegion string, ev []string) (flow.Finding, bool) {
	want := d.clusterRegion(ctx)
	if flag := d.regionFlag(); flag != "" {
		ev = append(ev, fmt.Sprintf("daemonset/%s --region %s", steps.DaemonSetName, flag))
		cfgRegion = flag
	}
	pods, regions := d.podRegions()
	var away []string
	for _, p := range pods {
		if regions[p] != want {
			away = append(away, p)
			ev = append(ev, p+": "+lineWith(d.logs[p], "Using region: "))
			if sent := lineWith(d.logs[p], "Successfully sent batch"); sent != "" {
				ev = append(ev, p+": "+sent)
			}
		}
	}
	switch {
	case cfgRegion != "" && cfgRegion != want:
		return bad(flow.CheckFail, d.t(i18n.DxRegionElsewhere, cfgRegion, want, want), d.elsewhereFix(want, cfgRegion), d.daemonFix(ctx), ev...), true
	case len(away) > 0:
		other := regions[away[0]]
		return bad(flow.CheckFail, d.t(i18n.DxPodsRegionElsewhere, other, want, want), d.elsewhereFix(want, other), d.daemonFix(ctx), ev...), true
	}
	return flow.Finding{}, false
}

// elsewhereFix says how to put the daemon on want, and where to see what
// it sent to other.
func (d *dx) elsewhereFix(want, other string) string {
	return d.t(i18n.DxRegionElsewhereFix, want, other, d.command("traces", "--region", other), other)
}

// tracesElsewhere is the traces check's finding for a window with no
// trace while the daemon says it sent some (sent, a log line): to another
// region than the cluster's, it fails with the fix that puts the daemon
// back; to the cluster's, while the doctor looks in another, it points
// there. ok is false when neither.
func (d *dx) tracesElsewhere(ctx context.Context, sent string, ev []string) (flow.Finding, bool) {
	if sent == "" {
		return flow.Finding{}, false
	}
	ev = append(ev, sent)
	to, want := d.daemonRegion(), d.clusterRegion(ctx)
	switch {
	case to != want:
		return bad(flow.CheckFail, d.t(i18n.DxRegionElsewhere, to, want, d.env.Region()), d.elsewhereFix(want, to), d.daemonFix(ctx), ev...), true
	case to != d.env.Region():
		return bad(flow.CheckFail, d.t(i18n.DxSentButNone, d.env.Region()), d.t(i18n.DxSentButNoneFix, to),
			d.command("traces", "--since", "1h", "--region", to), ev...), true
	}
	return flow.Finding{}, false
}

// lookBack is how far before the window the traces check looks for the
// newest trace, when the window holds none.
const lookBack = 24 * time.Hour

// tracesEarlier is the traces check's finding for a window with no trace
// while X-Ray has some from the hours before it: the time range is the
// cause. It names the newest and the --since that reaches it. ok is false
// when there is none (or X-Ray could not say).
func (d *dx) tracesEarlier(ctx context.Context, start, end time.Time, ev []string) (flow.Finding, bool) {
	newest, found, err := steps.NewestTrace(ctx, d.env, start, lookBack)
	if err != nil || !found {
		return flow.Finding{}, false
	}
	lang := d.env.Opts.Lang
	at := newest.Local().Format(time.DateTime)
	since := steps.SinceFor(end.Sub(newest))
	return bad(flow.CheckWarn, d.t(i18n.DxTracesEarlier, lang.Duration(end.Sub(start)), d.env.Region(), at, lang.Duration(end.Sub(newest).Truncate(time.Minute))),
		d.t(i18n.DxTracesEarlierFix, since, at), d.command("traces", "--since", since), ev...), true
}
