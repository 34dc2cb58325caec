package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/steps"
	"github.com/xray-wizard/xray-wizard/ui"
)

// DoctorOptions are the doctor's flags.
type DoctorOptions struct {
	Shared       *SharedOptions
	Sandbox      bool
	AppNamespace string
	Identity     string
	Since        time.Duration
}

// NewCmdDoctor runs the read-only checks. sh are the shared flags (the
// root's); runF, when set, replaces the run.
func NewCmdDoctor(f *Factory, sh *SharedOptions, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{Shared: sh}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Find out why traces do not arrive, changing nothing",
		Long: `Runs read-only checks of an X-Ray setup on EKS — the places the lab goes
wrong: the lab's manifest on Kubernetes 1.22+, the image and its command, the
daemon's region, IRSA not in effect (OIDC provider, annotation, trust, pods
started before the annotation), the apps' AWS_XRAY_DAEMON_ADDRESS, a UDP-only
Service, app pods that need a restart, uploads that do not show, Cloud9's
managed credentials, and no traces at all. It reads whichever collector runs,
the X-Ray daemon or the OpenTelemetry Collector (--collector otel), and with
--identity pod-identity the EKS Pod Identity association, its role and the
agent add-on. Each check says ok, warn or fail, what it saw, and the fix with
a command.
Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage.`,
		Example: `  xray-wizard doctor
  xray-wizard doctor --output json
  xray-wizard doctor --sandbox          the practice sandbox, before anything is set up`,
		Args: cobra.NoArgs,
		RunE: runE(f, o, runF, runDoctor),
	}
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "check the practice sandbox")
	cmd.Flags().StringVar(&o.AppNamespace, "app-namespace", "workshop", "namespace of the sample app")
	cmd.Flags().StringVar(&o.Identity, "identity", "irsa", "how the daemon gets its IAM role: irsa or pod-identity")
	cmd.Flags().DurationVar(&o.Since, "since", 15*time.Minute, "how far back to look for traces")
	return cmd
}

func (o *DoctorOptions) validate(f *Factory) error {
	if err := o.Shared.validate(f); err != nil {
		return err
	}
	if err := checkSince(o.Shared.Lang, o.Since); err != nil {
		return err
	}
	if err := checkIdentity(o.Shared.Lang, o.Identity); err != nil {
		return err
	}
	if err := checkNamespace(o.Shared.Lang, "--app-namespace", o.AppNamespace); err != nil {
		return err
	}
	if o.Sandbox {
		return nil
	}
	return o.Shared.validateKube(f)
}

func runDoctor(ctx context.Context, f *Factory, o *DoctorOptions) error {
	sh := o.Shared
	opts := steps.Options{Cluster: sh.Cluster, Region: sh.Region, Profile: sh.Profile, Kubeconfig: sh.Kubeconfig, Context: sh.Context,
		Namespace: sh.Namespace, AppNamespace: o.AppNamespace, Identity: o.Identity, Since: o.Since, Lang: sh.Lang}
	s, err := startSession(ctx, f, sh, opts, sessionOptions{sandbox: o.Sandbox})
	if err != nil {
		return err
	}
	defer s.close()
	run := func(ctx context.Context, rep flow.Reporter) flow.Diagnosis {
		if err := s.prepare(ctx); err != nil {
			return flow.Diagnosis{Sandbox: o.Sandbox, Findings: []flow.Finding{{ID: "credentials", Status: flow.CheckFail, Summary: err.Error()}}}
		}
		d := doctor.Diagnose(ctx, doctor.Input{Env: s.env, Getenv: f.IOStreams.Getenv, Sandbox: o.Sandbox}, rep)
		d.Sandbox = o.Sandbox
		return d
	}
	var d flow.Diagnosis
	if sh.interactive(f) && !sh.json() {
		d, err = ui.RunDoctor(ctx, ui.DoctorConfig{Lang: sh.Lang, Sandbox: o.Sandbox, NoColor: !f.IOStreams.ColorEnabled(), ASCII: sh.ascii(f), Run: run})
		if err != nil {
			return fmt.Errorf("terminal UI: %w", err)
		}
		if ctx.Err() != nil || d.Findings == nil {
			return &exitError{ExitInterrupted}
		}
	} else {
		d = run(ctx, flow.ReporterFunc(func(e flow.Event) {
			if e.Kind == flow.Progress {
				fmt.Fprintf(f.IOStreams.ErrOut, "  · %s\n", e.Message)
			}
		}))
	}
	if sh.json() {
		if err := report.WriteJSON(f.IOStreams.Out, d); err != nil {
			return err
		}
	} else {
		report.Diagnosis(f.IOStreams.Out, d, sh.Lang)
	}
	if !d.Healthy() {
		return &exitError{ExitFailed}
	}
	return nil
}
