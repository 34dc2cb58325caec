package steps

import (
	"context"
	"fmt"
	"strings"

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
	return flow.StepInfo{
		ID:       flow.IDPreflight,
		Title:    env.T(i18n.PreflightTitle),
		Why:      env.T(i18n.PreflightWhy),
		Commands: []string{"aws sts get-caller-identity"},
		Equivalent: []string{
			"aws eks describe-cluster --name " + clusterArg(env) + " --region " + env.Region(),
			"kubectl config current-context",
		},
	}
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
	if c.Issuer == "" {
		return Outcome{}, &flow.Error{Cause: env.T(i18n.ErrNoIssuer, c.Name), Fix: env.T(i18n.FixNoIssuer)}
	}
	if err := env.NeedKube(); err != nil {
		return Outcome{}, err
	}
	ctxName := env.KubeContext
	if ctxName == "" {
		ctxName = "-"
	}
	if env.KubeServer != "" && c.Endpoint != "" && !sameEndpoint(env.KubeServer, c.Endpoint) {
		return Outcome{}, &flow.Error{
			Cause: env.T(i18n.ErrKubeOtherCluster, ctxName, env.KubeServer, c.Name),
			Fix:   env.T(i18n.FixKubeOtherCluster, fmt.Sprintf("aws eks update-kubeconfig --name %s --region %s", c.Name, env.Region())),
		}
	}
	v, err := env.Kube.Discovery().ServerVersion(ctx)
	if err != nil {
		return Outcome{}, env.KubeError("get", "/version", err)
	}
	progress(env, r, flow.IDPreflight, env.T(i18n.MsgKubeContext, ctxName, v.GitVersion))
	return Done(env.T(i18n.MsgPreflightDone, c.Name, env.Region(), id.Account)), nil
}

func sameEndpoint(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(strings.ToLower(s), "/")
		s = strings.TrimPrefix(s, "https://")
		return strings.TrimSuffix(s, ":443")
	}
	return norm(a) == norm(b)
}
