package steps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// Does the kube context reach the EKS cluster the wizard works on? Its
// server may be the cluster's endpoint; or it may reach the cluster another
// way — a tunnel, a proxy, a private endpoint's bastion — and then still
// trust the cluster's own certificate authority, which no other cluster
// has. Neither: the person says so (a terminal, or --accept-context).

// KubeContext is one context of the kubeconfig: the server it points at and
// the certificate authority it trusts (PEM).
type KubeContext struct {
	Name   string
	Server string
	CA     []byte
}

// Reach is how a kube context reaches a cluster.
type Reach int

const (
	// ReachNone: neither its server nor its certificate authority is the
	// cluster's.
	ReachNone Reach = iota
	// ReachByCA: another server (a tunnel, a proxy), the cluster's
	// certificate authority.
	ReachByCA
	// ReachByURL: the cluster's endpoint.
	ReachByURL
)

// ReachOf is how a context with this server and certificate authority
// reaches cluster c.
func ReachOf(server string, ca []byte, c *ClusterInfo) Reach {
	switch {
	case sameEndpoint(server, c.Endpoint):
		return ReachByURL
	case sameCA(ca, c.CA):
		return ReachByCA
	}
	return ReachNone
}

// ContextReach is how the kube context in use reaches cluster c; ReachByURL
// when there is no server to compare (no kubeconfig: preflight says so).
func (e *Env) ContextReach(c *ClusterInfo) Reach {
	if e.KubeServer == "" || c.Endpoint == "" {
		return ReachByURL
	}
	return ReachOf(e.KubeServer, e.KubeCA, c)
}

// ContextsReaching are the kubeconfig's other contexts that reach c.
func (e *Env) ContextsReaching(c *ClusterInfo) []string {
	var out []string
	for _, k := range e.KubeContexts {
		if k.Name != e.KubeContext && ReachOf(k.Server, k.CA, c) != ReachNone {
			out = append(out, k.Name)
		}
	}
	return out
}

func sameEndpoint(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(strings.ToLower(s), "/")
		s = strings.TrimPrefix(s, "https://")
		return strings.TrimSuffix(s, ":443")
	}
	return norm(a) == norm(b)
}

// sameCA: the kubeconfig's certificate authority (PEM, one or more
// certificates) holds the cluster's as EKS gives it (base64 of a PEM).
func sameCA(kubeCA []byte, eksData string) bool {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(eksData))
	if err != nil || len(kubeCA) == 0 {
		return false
	}
	want := pemCerts(raw)
	for _, have := range pemCerts(kubeCA) {
		for _, w := range want {
			if bytes.Equal(have, w) {
				return true
			}
		}
	}
	return false
}

// pemCerts are the DER bytes of the CERTIFICATE blocks in b.
func pemCerts(b []byte) [][]byte {
	var out [][]byte
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		if blk.Type == "CERTIFICATE" {
			out = append(out, blk.Bytes)
		}
	}
}

// checkContext is preflight's look at the kube context: on the cluster's
// endpoint, said nothing; through another server with the cluster's
// certificate authority, said so; neither, accepted only as the person
// asked (--accept-context, or yes at the terminal), else refused with the
// contexts that do reach the cluster and the flag that accepts this one.
func checkContext(env *Env, r flow.Reporter, c *ClusterInfo, ctxName string) error {
	switch env.ContextReach(c) {
	case ReachByURL:
		return nil
	case ReachByCA:
		progress(env, r, flow.IDPreflight, env.T(i18n.MsgContextByCA, ctxName, c.Name, env.KubeServer, c.Endpoint))
		return nil
	}
	if env.Opts.AcceptContext {
		r.Report(flow.Event{Step: flow.IDPreflight, Kind: flow.Warning, Time: env.Now(),
			Message: env.T(i18n.MsgContextAccepted, ctxName, env.KubeServer, c.Name, c.Endpoint)})
		return nil
	}
	fe := &flow.Error{Cause: env.T(i18n.ErrKubeOtherCluster, ctxName, env.KubeServer, c.Name, c.Endpoint)}
	if others := env.ContextsReaching(c); len(others) > 0 {
		fe.Fix = env.T(i18n.FixKubeOtherContexts, c.Name, strings.Join(others, ", "), "--context "+others[0], ctxName)
	} else {
		fe.Fix = env.T(i18n.FixKubeNoContext, c.Name, ctxName)
		fe.Commands = []string{fmt.Sprintf("aws eks update-kubeconfig --name %s --region %s", c.Name, env.Region())}
	}
	return fe
}

// ClusterForContext is the cluster the run works on, described, for the
// terminal's question about a context that does not reach it; nil when it
// cannot be told without an error (preflight then says what is wrong).
func (e *Env) ClusterForContext(ctx context.Context) *ClusterInfo {
	c, err := e.Cluster(ctx)
	if err != nil {
		return nil
	}
	return c
}
