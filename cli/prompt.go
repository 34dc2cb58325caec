package cli

import (
	"context"
	"errors"

	"charm.land/huh/v2"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// regions offered when none is configured: the workshop's first, then the
// rest of the commercial regions people run EKS workshops in.
var regions = []string{"us-west-2", "us-east-1", "us-east-2", "ap-northeast-1", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
	"ap-south-1", "ap-northeast-2", "eu-west-1", "eu-central-1", "eu-west-2", "eu-north-1", "ca-central-1", "sa-east-1"}

// choose asks the person to pick one of options, with huh (in its
// accessible mode when the streams say so, for screen readers).
func choose(ctx context.Context, f *Factory, title, desc string, options []string) (string, error) {
	v := options[0]
	sel := huh.NewSelect[string]().Title(title).Description(desc).Options(huh.NewOptions(options...)...).Value(&v)
	err := huh.NewForm(huh.NewGroup(sel)).WithAccessible(f.IOStreams.Accessible()).RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return "", context.Canceled
	}
	return v, err
}

// askRegion is the clear ask when no region is configured.
func askRegion(ctx context.Context, f *Factory, lang i18n.Lang) (string, error) {
	return choose(ctx, f, lang.T(i18n.CLINoRegion), lang.T(i18n.CLIPickRegion), regions)
}

// askCluster lets the person pick the cluster when neither --cluster nor the
// kube context names one and the region has several.
func askCluster(ctx context.Context, f *Factory, env *steps.Env) error {
	if env.Opts.Cluster != "" || steps.EKSClusterFromKube(env.KubeCluster, env.KubeServer, env.Region()) != "" {
		return nil
	}
	names, err := steps.ListClusters(ctx, env.EKS)
	if err != nil || len(names) < 2 {
		return nil // preflight says what is wrong, in its own words
	}
	lang := env.Opts.Lang
	name, err := choose(ctx, f, lang.T(i18n.CLIPickCluster, env.Region()), lang.T(i18n.FixManyClusters), names)
	if errors.Is(err, context.Canceled) {
		return err // ctrl+c at the question: interrupted, exit 130
	}
	if err != nil {
		return &flow.Error{Cause: err.Error()}
	}
	env.Opts.Cluster = name
	return nil
}
