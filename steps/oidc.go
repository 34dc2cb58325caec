package steps

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// OIDC associates the cluster's OIDC issuer with IAM, as
// `eksctl utils associate-iam-oidc-provider` does: IAM must trust the issuer
// before a service account can take a role.
type OIDC struct{}

// ID names the step.
func (OIDC) ID() string { return flow.IDOIDC }

// Info describes the step.
func (OIDC) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:    flow.IDOIDC,
		Title: env.T(i18n.OIDCTitle),
		Why:   env.T(i18n.OIDCWhy),
		Commands: []string{
			fmt.Sprintf("eksctl utils associate-iam-oidc-provider --cluster %s --region %s --approve", clusterArg(env), env.Region()),
		},
	}
}

// providerARN is the ARN IAM gives the cluster's OIDC provider.
func providerARN(id *Identity, c *ClusterInfo) string {
	return fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", id.Partition, id.Account, c.IssuerHostPath())
}

// ProviderARN finds the provider ARN of the cluster (read-only).
func (env *Env) ProviderARN(ctx context.Context) (string, *ClusterInfo, error) {
	id, err := env.Identity(ctx)
	if err != nil {
		return "", nil, err
	}
	c, err := env.Cluster(ctx)
	if err != nil {
		return "", nil, err
	}
	if c.Issuer == "" {
		return "", nil, &flow.Error{Cause: env.T(i18n.ErrNoIssuer, c.Name), Fix: env.T(i18n.FixNoIssuer)}
	}
	return providerARN(id, c), c, nil
}

// oidcState is what IAM has for the provider: nil when there is none.
func oidcState(ctx context.Context, env *Env, arn string) (*iam.GetOpenIDConnectProviderOutput, error) {
	out, err := env.IAM.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if err != nil {
		var nse *iamtypes.NoSuchEntityException
		if IsCode(err, "NoSuchEntity") || asType(err, &nse) {
			return nil, nil
		}
		return nil, env.AWSError("iam:GetOpenIDConnectProvider", err)
	}
	return out, nil
}

// Check looks the provider up.
func (OIDC) Check(ctx context.Context, env *Env) (Status, error) {
	if env.Opts.Identity == IdentityPodIdentity {
		return Status{Done: true, Detail: env.T(i18n.MsgOIDCNotNeeded)}, nil
	}
	arn, c, err := env.ProviderARN(ctx)
	if err != nil {
		return Status{}, err
	}
	out, err := oidcState(ctx, env, arn)
	if err != nil {
		return Status{}, err
	}
	if out == nil {
		return Status{Detail: env.T(i18n.MsgOIDCMissing, c.Name)}, nil
	}
	if !slices.Contains(out.ClientIDList, OIDCAudience) {
		return Status{Detail: env.T(i18n.MsgOIDCNoAudience, arn, OIDCAudience)}, nil
	}
	return Status{Done: true, Detail: env.T(i18n.MsgOIDCAlready, c.Name)}, nil
}

// Plan names the provider it would create.
func (o OIDC) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	if env.Opts.Identity == IdentityPodIdentity {
		return flow.Plan{Commands: o.Info(env).Commands, Note: env.T(i18n.MsgOIDCNotNeeded)}, nil
	}
	arn, c, err := env.ProviderARN(ctx)
	if err != nil {
		return flow.Plan{}, err
	}
	out, err := oidcState(ctx, env, arn)
	if err != nil {
		return flow.Plan{}, err
	}
	cmds := o.Info(env).Commands
	switch {
	case out == nil:
		eq := []string{fmt.Sprintf("aws iam create-open-id-connect-provider --url %s --client-id-list %s --thumbprint-list %s", c.Issuer, OIDCAudience, env.T(i18n.PlaceThumbprint))}
		return flow.Plan{Commands: cmds, Equivalent: eq, Changes: []flow.Change{{Action: flow.ActCreate, Kind: "IAM OIDC provider", Name: arn, Detail: env.T(i18n.PlanClientID, OIDCAudience)}}}, nil
	case !slices.Contains(out.ClientIDList, OIDCAudience):
		eq := []string{fmt.Sprintf("aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s", arn, OIDCAudience)}
		return flow.Plan{Commands: cmds, Equivalent: eq, Changes: []flow.Change{{Action: flow.ActUpdate, Kind: "IAM OIDC provider", Name: arn, Detail: env.T(i18n.PlanAddClientID, OIDCAudience)}}}, nil
	}
	return flow.Plan{Commands: cmds, Changes: []flow.Change{{Action: flow.ActNone, Kind: "IAM OIDC provider", Name: arn}}}, nil
}

// Apply creates the provider when IAM has none.
func (OIDC) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	arn, c, err := env.ProviderARN(ctx)
	if err != nil {
		return Outcome{}, err
	}
	out, err := oidcState(ctx, env, arn)
	if err != nil {
		return Outcome{}, err
	}
	if out != nil {
		if slices.Contains(out.ClientIDList, OIDCAudience) {
			return Done(env.T(i18n.MsgOIDCAlready, c.Name)), nil
		}
		_, err := env.IAM.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
			OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(OIDCAudience),
		})
		if err != nil {
			return Outcome{}, env.AWSError("iam:AddClientIDToOpenIDConnectProvider", err)
		}
		return Done(env.T(i18n.MsgOIDCAudienceAdded, OIDCAudience)), nil
	}
	create := &iam.CreateOpenIDConnectProviderInput{
		Url:          aws.String(c.Issuer),
		ClientIDList: []string{OIDCAudience},
		Tags: []iamtypes.Tag{
			{Key: aws.String("alpha.eksctl.io/cluster-name"), Value: aws.String(c.Name)},
			{Key: aws.String(ManagedByLabel), Value: aws.String(ManagedByValue)},
		},
	}
	progress(env, r, flow.IDOIDC, env.T(i18n.MsgThumbprint, c.IssuerHostPath()))
	thumb, terr := env.thumbprint(ctx, c.Issuer)
	if terr != nil {
		warn(env, r, flow.IDOIDC, env.T(i18n.MsgNoThumbprint, terr))
	} else {
		create.ThumbprintList = []string{thumb}
	}
	if _, err := env.IAM.CreateOpenIDConnectProvider(ctx, create); err != nil {
		if IsCode(err, "EntityAlreadyExists") {
			return Done(env.T(i18n.MsgOIDCAlready, c.Name)), nil
		}
		return Outcome{}, env.AWSError("iam:CreateOpenIDConnectProvider", err)
	}
	return Done(env.T(i18n.MsgOIDCCreated, c.Name, env.Region())), nil
}

func (env *Env) thumbprint(ctx context.Context, issuer string) (string, error) {
	if env.Thumbprint != nil {
		return env.Thumbprint(ctx, issuer)
	}
	return IssuerThumbprint(ctx, issuer)
}

// IssuerThumbprint is the SHA-1 fingerprint of the last certificate of the
// issuer's TLS chain, the value eksctl gives IAM.
func IssuerThumbprint(ctx context.Context, issuer string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad issuer URL %q", issuer)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{ServerName: u.Hostname()}}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("%s sent no certificate", host)
	}
	sum := sha1.Sum(certs[len(certs)-1].Raw)
	return hex.EncodeToString(sum[:]), nil
}
