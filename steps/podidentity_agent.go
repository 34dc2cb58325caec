package steps

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// EKS Pod Identity gives pods their role through the eks-pod-identity-agent
// on every node: the add-on of that name, or built into EKS Auto Mode. This
// file reads it, so the identity can be chosen knowing whether it is there,
// and waits for an add-on that is still starting.

// Agent is the EKS Pod Identity agent of a cluster as EKS reports it.
type Agent struct {
	// AutoMode: the cluster runs EKS Auto Mode, which has the agent
	// built in; there is no add-on to install.
	AutoMode bool
	// Status is the add-on's status (ACTIVE, CREATING, UPDATING,
	// DEGRADED, CREATE_FAILED, UPDATE_FAILED, DELETING, DELETE_FAILED),
	// "" when it is not installed.
	Status  string
	Version string
	// Issues are the add-on's health issues, "code: message".
	Issues []string
}

// Ready: pods of this cluster can get their role through EKS Pod Identity.
func (a Agent) Ready() bool {
	return a.AutoMode || a.Status == string(ekstypes.AddonStatusActive)
}

// Missing: no add-on and no Auto Mode; the add-on must be installed.
func (a Agent) Missing() bool { return !a.AutoMode && a.Status == "" }

// Starting: the add-on is being created or updated; waiting is enough.
func (a Agent) Starting() bool {
	return !a.AutoMode && (a.Status == string(ekstypes.AddonStatusCreating) || a.Status == string(ekstypes.AddonStatusUpdating))
}

// Broken: the add-on is there but cannot serve (DEGRADED, a failed
// create, update or delete, or on its way out): a person must see to it.
func (a Agent) Broken() bool { return !a.Ready() && !a.Missing() && !a.Starting() }

// Phrase says in a few words where the agent stands, for the identity
// question and preflight's line.
func (a Agent) Phrase(l i18n.Lang) string {
	switch {
	case a.AutoMode:
		return l.T(i18n.AgentAutoMode)
	case a.Missing():
		return l.T(i18n.AgentMissing)
	case a.Ready():
		return l.T(i18n.AgentActive, a.Version)
	case a.Starting():
		return l.T(i18n.AgentStarting, a.Status)
	}
	return l.T(i18n.AgentBroken, a.Status)
}

// ReadAgent reads the cluster's EKS Pod Identity agent: Auto Mode from
// DescribeCluster, else the add-on.
func ReadAgent(ctx context.Context, env *Env) (Agent, error) {
	c, err := env.Cluster(ctx)
	if err != nil {
		return Agent{}, err
	}
	if c.AutoMode {
		return Agent{AutoMode: true}, nil
	}
	out, err := env.EKS.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(c.Name), AddonName: aws.String(podIdentityAgent)})
	switch {
	case err == nil:
		return agentOf(out.Addon), nil
	case IsCode(err, "ResourceNotFoundException"):
		return Agent{}, nil
	}
	return Agent{}, env.AWSError("eks:DescribeAddon", err)
}

func agentOf(ad *ekstypes.Addon) Agent {
	if ad == nil {
		return Agent{}
	}
	a := Agent{Status: string(ad.Status), Version: aws.ToString(ad.AddonVersion)}
	if ad.Health != nil {
		for _, i := range ad.Health.Issues {
			a.Issues = append(a.Issues, fmt.Sprintf("%s: %s", i.Code, aws.ToString(i.Message)))
		}
	}
	return a
}

// createAgentCommand installs the agent as the AWS CLI does.
func createAgentCommand(cluster string) string {
	return fmt.Sprintf("aws eks create-addon --cluster-name %s --addon-name %s", cluster, podIdentityAgent)
}

// agentError says why a broken agent stops Pod Identity, and what to do:
// look at its health, then repair (DEGRADED, UPDATE_FAILED) or remove it
// (a failed create or delete) for the wizard to install again, or wait for
// a delete under way — or keep to IRSA.
func agentError(env *Env, cluster string, a Agent) error {
	cause := env.T(i18n.ErrAgentBroken, podIdentityAgent, cluster, a.Status)
	if len(a.Issues) > 0 {
		cause += ": " + a.Issues[0]
		if len(a.Issues) > 1 {
			cause += env.T(i18n.AgentMoreIssues, len(a.Issues)-1)
		}
	}
	addon := fmt.Sprintf("--cluster-name %s --addon-name %s", cluster, podIdentityAgent)
	look := "aws eks describe-addon " + addon + " --query addon.health"
	fe := &flow.Error{Cause: cause}
	switch ekstypes.AddonStatus(a.Status) {
	case ekstypes.AddonStatusDeleting:
		fe.Fix, fe.Commands = env.T(i18n.FixAgentDeleting), []string{"aws eks wait addon-deleted " + addon}
	case ekstypes.AddonStatusCreateFailed, ekstypes.AddonStatusDeleteFailed:
		fe.Fix, fe.Commands = env.T(i18n.FixAgentRecreate), []string{look, "aws eks delete-addon " + addon}
	default: // DEGRADED, UPDATE_FAILED, and any status EKS adds later
		fe.Fix, fe.Commands = env.T(i18n.FixAgentRepair), []string{look, "aws eks update-addon " + addon + " --resolve-conflicts OVERWRITE"}
	}
	return fe
}

// agentWait is how long the iamsa step waits for the agent to become
// ACTIVE: EKS takes a minute or two to start its pods on every node.
const agentWait = 5 * time.Minute

// waitAgent waits until the add-on is ACTIVE, saying how long it still
// waits; a state it cannot leave by waiting is that state's error.
func waitAgent(ctx context.Context, env *Env, r flow.Reporter, cluster string) error {
	ctx, cancel := context.WithTimeout(ctx, agentWait)
	defer cancel()
	poll := env.PollInterval
	if poll <= 0 {
		poll = 5 * time.Second
	}
	what := env.T(i18n.MsgWaitingAgent, podIdentityAgent)
	var last Agent
	w := eks.NewAddonActiveWaiter(env.EKS, func(o *eks.AddonActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = poll, max(poll, 15*time.Second)
		o.Retryable = func(ctx context.Context, _ *eks.DescribeAddonInput, out *eks.DescribeAddonOutput, err error) (bool, error) {
			if err != nil {
				return false, err
			}
			last = agentOf(out.Addon)
			countdown(ctx, env, r, flow.IDIAMSA, what)
			return last.Starting(), nil
		}
	})
	_, err := w.WaitForOutput(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(podIdentityAgent)}, agentWait+time.Minute)
	switch {
	case err == nil && last.Ready():
		return nil
	case err == nil:
		return agentError(env, cluster, last)
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return &flow.Error{Err: err, Cause: env.T(i18n.ErrAgentSlow, podIdentityAgent, last.Status, env.Opts.Lang.Duration(agentWait)),
			Fix: env.T(i18n.FixAgentSlow), Commands: []string{fmt.Sprintf("aws eks describe-addon --cluster-name %s --addon-name %s", cluster, podIdentityAgent)}}
	}
	return env.AWSError("eks:DescribeAddon", err)
}
