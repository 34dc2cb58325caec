package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/steps"
)

// ManifestOptions are the flags of xray-wizard manifest.
type ManifestOptions struct {
	Shared      *SharedOptions
	Collector   string
	Tolerate    []string
	TolerateAll bool
	// Tolerations are Tolerate and TolerateAll read, set by validate.
	Tolerations []corev1.Toleration
	// Region is the region written into the config: --region, else
	// AWS_REGION or AWS_DEFAULT_REGION, set by validate.
	Region string
}

// NewCmdManifest prints the YAML the daemonset step applies. sh are the
// shared flags (the root's: --region, --namespace); runF, when set,
// replaces the run.
func NewCmdManifest(f *Factory, sh *SharedOptions, runF func(context.Context, *ManifestOptions) error) *cobra.Command {
	o := &ManifestOptions{Shared: sh}
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Print the exact YAML the daemonset step applies, for review or GitOps",
		Long: `Prints the ConfigMap, Service and DaemonSet the daemonset step applies by
server-side apply, with the region written into the config and the namespace
set: the X-Ray daemon (--collector daemon, the lab's) or the OpenTelemetry
Collector (--collector otel), behind the same Service and ports. It calls
nothing: no AWS and no cluster.`,
		Example: `  xray-wizard manifest --region us-west-2                      the X-Ray daemon
  xray-wizard manifest --collector otel --region us-west-2     the OpenTelemetry Collector
  xray-wizard manifest --collector otel --namespace tracing > collector.yaml`,
		Args: cobra.NoArgs,
		RunE: runE(f, o, runF, runManifest),
	}
	cmd.Flags().StringVar(&o.Collector, "collector", steps.CollectorDaemon, "what collects the traces: daemon (the X-Ray daemon) or otel (the OpenTelemetry Collector)")
	cmd.Flags().StringArrayVar(&o.Tolerate, "tolerate", nil, "add a toleration of this taint, KEY[=VALUE]:EFFECT (repeatable), as the wizard's --tolerate does")
	cmd.Flags().BoolVar(&o.TolerateAll, "tolerate-all", false, "add a toleration of every taint, as the wizard's --tolerate-all does")
	return cmd
}

func (o *ManifestOptions) validate(f *Factory) error {
	if err := o.Shared.validate(f); err != nil {
		return err
	}
	if err := checkCollector(o.Collector); err != nil {
		return err
	}
	tol, err := checkTolerations(o.Shared.Lang, o.Tolerate, o.TolerateAll)
	if err != nil {
		return err
	}
	o.Tolerations = tol
	o.Region = o.Shared.Region
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if o.Region == "" {
			o.Region = f.IOStreams.Getenv(name)
		}
	}
	if o.Region == "" {
		return usagef("manifest needs a region to write into the config: give --region (or set AWS_REGION)")
	}
	return checkRegion(o.Shared.Lang, "--region", o.Region)
}

// checkCollector checks a --collector value.
func checkCollector(c string) error {
	for _, ok := range steps.Collectors {
		if c == ok {
			return nil
		}
	}
	return usagef("--collector %q: must be %s", c, strings.Join(steps.Collectors, " or "))
}

func runManifest(_ context.Context, f *Factory, o *ManifestOptions) error {
	objs, err := steps.LoadManifest(o.Collector, o.Shared.Namespace, o.Region, o.Tolerations...)
	if err != nil {
		return err
	}
	y, err := objs.ManifestYAML()
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(f.IOStreams.Out, y)
	return err
}
