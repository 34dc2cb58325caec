package doctor

import (
	"context"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The fixes the doctor prints are commands that work as printed, on the
// world it looked at: the wizard's with the flags that reach it (the
// sandbox, namespaces, identity, cluster and kube context), and in the
// sandbox, whose cluster no kubectl can reach, the wizard's or
// `xray-wizard sandbox kubectl` in place of kubectl.

// wizard is the wizard command that runs steps on the world the doctor
// looked at. force adds --force (fields of the daemon's objects another
// manager owns); in the sandbox it is -y, as nothing else approves there
// without a terminal.
func (d *dx) wizard(stepIDs string, force bool) string {
	args := []string{"xray-wizard"}
	if d.sandbox {
		args = append(args, "--sandbox")
	}
	args = append(args, "--steps", stepIDs)
	args = append(args, d.worldFlags(strings.Contains(stepIDs, "app") || strings.Contains(stepIDs, "traces"))...)
	if d.otel() {
		// The wizard's steps act on the collector --collector names.
		args = append(args, "--collector", steps.CollectorOtel)
	}
	if force {
		args = append(args, "--force")
	}
	if d.sandbox {
		args = append(args, "-y")
	}
	return strings.Join(args, " ")
}

// CommandLine is xray-wizard's sub command (doctor, traces) on the world
// env reaches, with the flags that reach it: the sandbox, the AWS and kube
// target, the namespaces and the identity, where not their defaults.
func CommandLine(env *steps.Env, sandbox bool, sub string, extra ...string) string {
	return (&dx{env: env, sandbox: sandbox}).command(sub, extra...)
}

// command is another xray-wizard command (doctor, traces) on the same world.
func (d *dx) command(sub string, extra ...string) string {
	appNS := ""
	if sub == "doctor" {
		appNS = d.env.Opts.AppNamespace
	}
	return d.commandIn(appNS, sub, extra...)
}

// commandIn is command with the app looked for in namespace appNS ("":
// no --app-namespace).
func (d *dx) commandIn(appNS, sub string, extra ...string) string {
	args := []string{"xray-wizard", sub}
	if d.sandbox {
		args = append(args, "--sandbox")
	}
	args = append(args, extra...)
	args = append(args, d.worldFlagsIn(appNS)...)
	return strings.Join(args, " ")
}

// worldFlags are the flags, other than their defaults, that reach the
// world the doctor looked at; app adds --app-namespace.
func (d *dx) worldFlags(app bool) []string {
	if app {
		return d.worldFlagsIn(d.env.Opts.AppNamespace)
	}
	return d.worldFlagsIn("")
}

// worldFlagsIn is worldFlags with the app in namespace appNS ("": none).
func (d *dx) worldFlagsIn(appNS string) []string {
	o := d.env.Opts
	var out []string
	add := func(flag, v, def string) {
		if v != "" && v != def {
			out = append(out, flag, shellQuote(v))
		}
	}
	if !d.sandbox {
		// The sandbox has one cluster in one region, and no kubeconfig.
		add("--cluster", o.Cluster, "")
		add("--region", o.Region, "")
		add("--profile", o.Profile, "")
		add("--kubeconfig", o.Kubeconfig, "")
		add("--context", o.Context, "")
	}
	add("--namespace", o.Namespace, "default")
	if appNS != "" {
		add("--app-namespace", appNS, "workshop")
	}
	add("--identity", o.Identity, steps.IdentityIRSA)
	return out
}

// kubectl is a kubectl command that changes the cluster; in the sandbox,
// the same through xray-wizard sandbox kubectl.
func (d *dx) kubectl(args string) string {
	if d.sandbox {
		return "xray-wizard sandbox kubectl " + args
	}
	return "kubectl " + args
}

// daemonForce reports whether applying the wizard's collector objects would
// conflict with fields another manager (kubectl edit, the lab's kubectl
// apply) owns, so the fix needs --force. It asks the API server with a
// server-side dry run: nothing changes.
func (d *dx) daemonForce(ctx context.Context) bool {
	if d.forceKnown {
		return d.force
	}
	d.forceKnown = true
	p, err := steps.DaemonSet{}.Plan(ctx, d.collectorEnv())
	if err != nil {
		return false
	}
	for _, c := range p.Changes {
		if c.Action == flow.ActConflict {
			d.force = true
		}
	}
	return d.force
}

// collectorEnv is the doctor's Env for the collector the checks look at:
// the daemonset step plans the collector its options name.
func (d *dx) collectorEnv() *steps.Env {
	e := d.env
	if steps.CollectorOf(e.Opts.Collector).Kind == d.names().Kind {
		return e
	}
	o := e.Opts
	o.Collector = d.names().Kind
	return &steps.Env{Opts: o, AWS: e.AWS, STS: e.STS, IAM: e.IAM, EKS: e.EKS, XRay: e.XRay, Kube: e.Kube,
		KubeContext: e.KubeContext, KubeCluster: e.KubeCluster, KubeServer: e.KubeServer, KubeErr: e.KubeErr,
		HTTP: e.HTTP, PollInterval: e.PollInterval, Thumbprint: e.Thumbprint, Now: e.Now, Log: e.Log, PodLog: e.PodLog}
}

// daemonFix is the wizard run that applies the collector's objects again
// and waits for its pods.
func (d *dx) daemonFix(ctx context.Context) string {
	return d.wizard(flow.IDDaemonSet+","+flow.IDPods, d.daemonForce(ctx))
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tcpAddress is where the daemon's TCP proxy (the SDKs' sampling rules)
// listens, as its command line (-t, --bind-tcp) or its config file's
// Socket.TCPAddress says, and which of them said it (the Collector's:
// otelTCPAddress); its default,
// 127.0.0.1:2000, when the config names a UDP address but no TCP one. ""
// when neither the DaemonSet nor the config could be read.
func (d *dx) tcpAddress() (addr, where string) {
	if d.otel() {
		return d.otelTCPAddress()
	}
	if d.ds != nil {
		for _, c := range d.ds.Spec.Template.Spec.Containers {
			args := append(slices.Clone(c.Command), c.Args...)
			for i, a := range args {
				switch {
				case (a == "-t" || a == "--bind-tcp" || a == "-bind-tcp") && i+1 < len(args):
					return args[i+1], "daemonset/" + steps.DaemonSetName + " TCPAddress"
				case strings.HasPrefix(a, "--bind-tcp="), strings.HasPrefix(a, "-bind-tcp="):
					return a[strings.Index(a, "=")+1:], "daemonset/" + steps.DaemonSetName + " TCPAddress"
				}
			}
		}
	}
	if d.cm == nil {
		return "", ""
	}
	for _, k := range slices.Sorted(maps.Keys(d.cm.Data)) {
		var cfg struct {
			Socket struct{ UDPAddress, TCPAddress string }
		}
		if yaml.Unmarshal([]byte(d.cm.Data[k]), &cfg) != nil || cfg.Socket.UDPAddress == "" && cfg.Socket.TCPAddress == "" {
			continue
		}
		if cfg.Socket.TCPAddress == "" {
			return "127.0.0.1:2000", "configmap/" + steps.ConfigMapName + " (" + d.t(i18n.DxTCPDefault) + ") TCPAddress"
		}
		return cfg.Socket.TCPAddress, "configmap/" + steps.ConfigMapName + " TCPAddress"
	}
	return "", ""
}

// wizardAsking is wizard without -y: for a change the wizard makes only
// when a person confirms it at the terminal (a role's trust policy).
func (d *dx) wizardAsking(stepIDs string) string {
	return strings.TrimSuffix(d.wizard(stepIDs, false), " -y")
}
