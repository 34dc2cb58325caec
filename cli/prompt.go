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
	return chooseOption(ctx, f, title, desc, huh.NewOptions(options...))
}

// chooseOption is choose with options whose text is not their value.
func chooseOption(ctx context.Context, f *Factory, title, desc string, options []huh.Option[string]) (string, error) {
	v := options[0].Value
	sel := huh.NewSelect[string]().Title(title).Description(desc).Options(options...).Value(&v)
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

// askIdentity lets the person choose how the daemon gets its IAM role when
// --identity was not given: IRSA as the lab, first, or EKS Pod Identity,
// shown with where the cluster's agent stands (installed, built into Auto
// Mode, missing — the iamsa step then installs it, asking first — or not
// working), so the choice is made knowing it.
func askIdentity(ctx context.Context, f *Factory, env *steps.Env) error {
	agent, err := steps.ReadAgent(ctx, env)
	if err != nil {
		return nil // preflight says what is wrong, in its own words
	}
	lang := env.Opts.Lang
	phrase := agent.Phrase(lang)
	if agent.Missing() {
		phrase = lang.T(i18n.CLIIdentityPodAgent)
	}
	c, _ := env.Cluster(ctx) // described already, by ReadAgent
	short := agent.Phrase(lang)
	if agent.Ready() && !agent.AutoMode {
		short = agent.Status
	}
	options := []huh.Option[string]{
		huh.NewOption(lang.T(i18n.CLIIdentityIRSA), steps.IdentityIRSA),
		huh.NewOption(lang.T(i18n.CLIIdentityPod, short), steps.IdentityPodIdentity),
	}
	id, err := chooseOption(ctx, f, lang.T(i18n.CLIPickIdentity), lang.T(i18n.CLIPickIdentityWhy, c.Name, phrase), options)
	if errors.Is(err, context.Canceled) {
		return err // ctrl+c at the question: interrupted, exit 130
	}
	if err != nil {
		return &flow.Error{Cause: err.Error()}
	}
	env.Opts.Identity = id
	return nil
}

// choosesIdentity: the steps include one whose work depends on the
// identity (the OIDC provider, the role and its trust).
func choosesIdentity(ss []steps.Step) bool {
	for _, s := range ss {
		if id := s.ID(); id == flow.IDOIDC || id == flow.IDIAMSA {
			return true
		}
	}
	return false
}

// runsPreflight: the steps include preflight, which checks the kube context.
func runsPreflight(ss []steps.Step) bool {
	for _, s := range ss {
		if s.ID() == flow.IDPreflight {
			return true
		}
	}
	return false
}

// askContext asks, naming both endpoints, whether a kube context that is
// neither on the cluster's endpoint nor trusts its certificate authority
// reaches it another way (a tunnel, a proxy); yes is --accept-context, no
// leaves preflight to refuse it with the contexts that do reach it.
func askContext(ctx context.Context, f *Factory, env *steps.Env) error {
	c := env.ClusterForContext(ctx)
	if c == nil || env.ContextReach(c) != steps.ReachNone {
		return nil
	}
	lang := env.Opts.Lang
	yes := false
	q := huh.NewConfirm().Title(lang.T(i18n.CLIAskContext, env.KubeContext, c.Name)).
		Description(lang.T(i18n.CLIAskContextWhy, env.KubeServer, c.Endpoint)).
		Affirmative(lang.T(i18n.CLIAskContextYes)).Negative(lang.T(i18n.CLIAskContextNo)).Value(&yes)
	err := huh.NewForm(huh.NewGroup(q)).WithAccessible(f.IOStreams.Accessible()).RunWithContext(ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return context.Canceled
	case err != nil:
		return &flow.Error{Cause: err.Error()}
	}
	env.Opts.AcceptContext = yes
	return nil
}
