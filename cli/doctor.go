package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/report"
	"github.com/xray-wizard/xray-wizard/steps"
	"github.com/xray-wizard/xray-wizard/ui"
)

type doctorFlags struct {
	*shared
	sandbox      bool
	appNamespace string
	identity     string
	since        time.Duration
}

func newDoctor(sh *shared, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	f := doctorFlags{shared: sh}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Find out why traces do not arrive, changing nothing",
		Long: `Runs read-only checks of an X-Ray setup on EKS — the places the lab goes
wrong: the lab's manifest on Kubernetes 1.22+, the image and its command, the
daemon's region, IRSA not in effect (OIDC provider, annotation, trust, pods
started before the annotation), the apps' AWS_XRAY_DAEMON_ADDRESS, a UDP-only
Service, app pods that need a restart, uploads that do not show, Cloud9's
managed credentials, and no traces at all. Each check says ok, warn or fail,
what it saw, and the fix with a command.
Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage.`,
		Example: `  xray-wizard doctor
  xray-wizard doctor --output json
  xray-wizard doctor --sandbox          the practice sandbox, before anything is set up`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), &f, stdin, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&f.sandbox, "sandbox", false, "check the practice sandbox")
	cmd.Flags().StringVar(&f.appNamespace, "app-namespace", "workshop", "namespace of the sample app")
	cmd.Flags().StringVar(&f.identity, "identity", "irsa", "how the daemon gets its IAM role: irsa or pod-identity")
	cmd.Flags().DurationVar(&f.since, "since", 15*time.Minute, "how far back to look for traces")
	return cmd
}

func runDoctor(ctx context.Context, f *doctorFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	lang, err := f.validate()
	if err != nil {
		return err
	}
	if err := checkSince(f.since); err != nil {
		return err
	}
	if f.identity != steps.IdentityIRSA && f.identity != steps.IdentityPodIdentity {
		return usagef("--identity %q: must be irsa or pod-identity", f.identity)
	}
	log, closeLog, err := openLog(f.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	opts := steps.Options{Cluster: f.cluster, Region: f.region, Profile: f.profile, Kubeconfig: f.kubeconfig, Context: f.kubeContext,
		Namespace: f.namespace, AppNamespace: f.appNamespace, Identity: f.identity, Since: f.since, Lang: lang}
	env, prepare, stop, err := buildEnv(ctx, f.sandbox, opts, log)
	if err != nil {
		return err
	}
	defer stop()
	run := func(ctx context.Context, rep flow.Reporter) flow.Diagnosis {
		if err := prepare(ctx); err != nil {
			return flow.Diagnosis{Sandbox: f.sandbox, Findings: []flow.Finding{{ID: "credentials", Status: flow.CheckFail, Summary: err.Error()}}}
		}
		d := doctor.Diagnose(ctx, doctor.Input{Env: env, Getenv: os.Getenv}, rep)
		d.Sandbox = f.sandbox
		return d
	}
	var d flow.Diagnosis
	if interactive(f.nonInteractive, stdin, stdout) && f.output != "json" {
		d, err = ui.RunDoctor(ctx, ui.DoctorConfig{Lang: lang, Sandbox: f.sandbox, Run: run})
		if err != nil {
			return fmt.Errorf("terminal UI: %w", err)
		}
		if ctx.Err() != nil || d.Findings == nil {
			return &exitError{ExitInterrupted}
		}
	} else {
		d = run(ctx, flow.ReporterFunc(func(e flow.Event) {
			if e.Kind == flow.Progress {
				fmt.Fprintf(stderr, "  · %s\n", e.Message)
			}
		}))
	}
	if f.output == "json" {
		if err := report.WriteJSON(stdout, d); err != nil {
			return err
		}
	} else {
		report.Diagnosis(stdout, d, lang)
	}
	if !d.Healthy() {
		return &exitError{ExitFailed}
	}
	return nil
}
