package steps

import (
	"context"
	"fmt"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Preflight finds out, read-only, who the AWS calls run as, which region and
// EKS cluster the wizard works on, and whether the kube context points at it.
type Preflight struct{}

// ID names the step.
func (Preflight) ID() string { return flow.IDPreflight }

// Info describes the step.
func (Preflight) Info(env *Env) flow.StepInfo {
	in := flow.StepInfo{
		ID:       flow.IDPreflight,
		Title:    env.T(i18n.PreflightTitle),
		Why:      env.T(i18n.PreflightWhy),
		Commands: []string{"aws sts get-caller-identity"},
		Equivalent: []string{
			"aws eks describe-cluster --name " + clusterArg(env) + " --region " + env.Region(),
			"kubectl config current-context",
		},
	}
	if env.Opts.Identity == IdentityPodIdentity {
		in.Equivalent = append(in.Equivalent, fmt.Sprintf("aws eks describe-addon --cluster-name %s --addon-name %s --region %s", clusterArg(env), podIdentityAgent, env.Region()))
	}
	return in
}

// Check is never "done": preflight only reads, so it always runs.
func (Preflight) Check(context.Context, *Env) (Status, error) { return Status{}, nil }

// Plan changes nothing.
func (p Preflight) Plan(_ context.Context, env *Env) (flow.Plan, error) {
	in := p.Info(env)
	return flow.Plan{Commands: in.Commands, Equivalent: in.Equivalent}, nil
}

// Apply discovers the identity, region, cluster and kube context.
func (Preflight) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	id, err := env.Identity(ctx)
	if err != nil {
		return Outcome{}, err
	}
	progress(env, r, flow.IDPreflight, env.T(i18n.MsgIdentity, id.ARN, id.Account))
	progress(env, r, flow.IDPreflight, env.T(i18n.MsgRegion, env.Region()))
	c, err := env.Cluster(ctx)
	if err != nil {
		return Outcome{}, err
	}
	progress(env, r, flow.IDPreflight, env.T(i18n.MsgCluster, c.Name, c.Version, c.Status))
	r.Report(flow.Event{Step: flow.IDPreflight, Kind: flow.Target, Time: env.Now(), Message: c.Name + " · " + env.Region() + " · " + id.Account})
	if c.Status != "" && c.Status != "ACTIVE" {
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrClusterNotActive, c.Name, c.Status), Fix: env.T(i18n.FixClusterNotActive)}
	}
	if c.Issuer == "" && env.Opts.Identity != IdentityPodIdentity {
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrNoIssuer, c.Name), Fix: env.T(i18n.FixNoIssuer)}
	}
	if env.Opts.Identity == IdentityPodIdentity {
		// Where the identity's agent stands, before any step relies on
		// it: the iamsa step installs a missing one, waits for a starting
		// one and stops at a broken one.
		a, err := ReadAgent(ctx, env)
		if err != nil {
			return Outcome{}, err
		}
		line := env.T(i18n.MsgAgent, podIdentityAgent, a.Phrase(env.Opts.Lang))
		if a.Broken() {
			r.Report(flow.Event{Step: flow.IDPreflight, Kind: flow.Warning, Time: env.Now(), Message: line})
		} else {
			progress(env, r, flow.IDPreflight, line)
		}
	}
	if err := env.NeedKube(); err != nil {
		return Outcome{}, err
	}
	ctxName := env.KubeContext
	if ctxName == "" {
		ctxName = "-"
	}
	if err := checkContext(env, r, c, ctxName); err != nil {
		return Outcome{}, err
	}
	v, err := env.Kube.Discovery().ServerVersion(ctx)
	if err != nil {
		return Outcome{}, env.KubeError("get", "/version", err)
	}
	progress(env, r, flow.IDPreflight, env.T(i18n.MsgKubeContext, ctxName, v.GitVersion))
	return Done(env.T(i18n.MsgPreflightDone, c.Name, env.Region(), id.Account)), nil
}
