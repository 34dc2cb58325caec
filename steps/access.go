package steps

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// When an EKS cluster's Kubernetes API refuses the wizard — 401, it does not
// know the IAM principal; 403, the principal lacks the rights — the person
// is told which IAM principal the cluster sees and given the commands that
// let it in: EKS access entries, or the aws-auth ConfigMap where the cluster
// knows only that.

// Access policies of EKS access entries, by name.
const (
	// AmazonEKSAdminPolicy scoped to namespaces: what the wizard needs, as
	// everything it creates or changes lives in the daemon's namespace
	// (ServiceAccount, ConfigMap, Service, DaemonSet) and the app's
	// (restarting its Deployments), and it reads pods and logs there.
	adminPolicy = "AmazonEKSAdminPolicy"
	// AmazonEKSAdminViewPolicy at cluster scope: reads of cluster-wide
	// objects (nodes, cluster role bindings), changing nothing.
	adminViewPolicy = "AmazonEKSAdminViewPolicy"
)

// clusterScoped are the cluster-wide resources the wizard and the doctor
// read; a refusal of one needs a cluster-scoped policy.
var clusterScoped = []string{"nodes", "namespaces", "clusterroles", "clusterrolebindings"}

// PrincipalARN is the IAM principal EKS access entries and aws-auth name
// for a caller ARN from STS: an assumed role's session becomes the role
// (arn:aws:iam::ACCOUNT:role/NAME), a user stays itself. It is "" for what
// cannot hold an access entry (a federated user's session).
func PrincipalARN(caller string) string {
	a, err := arn.Parse(caller)
	if err != nil {
		return ""
	}
	switch {
	case a.Service == "iam":
		return caller
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		role := strings.SplitN(strings.TrimPrefix(a.Resource, "assumed-role/"), "/", 2)[0]
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, role)
	}
	return ""
}

// kubePrincipal is the IAM principal the cluster sees: the role the
// kubeconfig's credential plugin assumes, else the caller's (known already:
// an error path makes no calls that can fail); "" when neither is known.
func (e *Env) kubePrincipal() string {
	if e.KubeRoleARN != "" {
		return e.KubeRoleARN
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.identity != nil {
		return PrincipalARN(e.identity.ARN)
	}
	return ""
}

// kubeAccessCluster is the EKS cluster a refusal came from, as far as is
// known without asking: the one described already, else --cluster or the
// kube context's. authMode is "" when the cluster was not described.
func (e *Env) kubeAccessCluster() (name, authMode string) {
	e.mu.Lock()
	c := e.cluster
	e.mu.Unlock()
	if c != nil {
		return c.Name, c.AuthMode
	}
	if e.Opts.Cluster != "" {
		return e.Opts.Cluster, ""
	}
	return EKSClusterFromKube(e.KubeCluster, e.KubeServer, e.Region()), ""
}

// kubeAccessError explains a 401 or 403 from an EKS cluster's API with the
// principal and the commands; nil when the cluster is not known as EKS
// (the plain refusal is all that can be said).
func (e *Env) kubeAccessError(verb, what string, err error) error {
	cluster, mode := e.kubeAccessCluster()
	if cluster == "" {
		return nil
	}
	forbidden := apierrors.IsForbidden(err)
	principal := e.kubePrincipal()
	shown := principal
	if shown == "" {
		shown = e.T(i18n.AccessPrincipalUnknown)
		principal = "<" + e.T(i18n.AccessPrincipalHolder) + ">"
	}
	fe := &flow.Error{Err: err}
	if forbidden {
		fe.Cause = e.T(i18n.ErrKubeForbiddenAs, shown, e.Opts.Lang.KubeVerb(verb), what, cluster)
	} else {
		fe.Cause = e.T(i18n.ErrKubeUnknownPrincipal, cluster, shown)
	}
	if mode == "CONFIG_MAP" {
		// The cluster knows IAM principals only through aws-auth.
		if forbidden {
			fe.Fix = e.T(i18n.FixAWSAuthForbidden, shown)
			fe.Commands = []string{"kubectl get configmap aws-auth -n kube-system -o yaml"}
		} else {
			fe.Fix = e.T(i18n.FixAWSAuth, cluster, fmt.Sprintf("aws eks update-cluster-config --name %s --access-config authenticationMode=API_AND_CONFIG_MAP", cluster))
			fe.Commands = []string{fmt.Sprintf("eksctl create iamidentitymapping --cluster %s --region %s --arn %s --username xray-wizard-admin --group system:masters",
				cluster, e.Region(), principal)}
		}
		return fe // aws-auth names a role without its path
	}
	entry := fmt.Sprintf("aws eks create-access-entry --cluster-name %s --principal-arn %s", cluster, principal)
	if forbidden && refusedClusterWide(err) {
		fe.Fix = e.T(i18n.FixAccessClusterView, what, adminViewPolicy)
		fe.Commands = []string{entry, associate(cluster, principal, adminViewPolicy, "type=cluster")}
		return e.withSSONote(fe, principal)
	}
	namespaces := []string{e.Opts.Namespace}
	if e.Opts.AppNamespace != "" && !slices.Contains(namespaces, e.Opts.AppNamespace) {
		namespaces = append(namespaces, e.Opts.AppNamespace)
	}
	ns := strings.Join(namespaces, ",")
	if forbidden {
		fe.Fix = e.T(i18n.FixAccessPolicy, adminPolicy, ns)
	} else {
		fe.Fix = e.T(i18n.FixAccessEntry, adminPolicy, ns)
	}
	fe.Commands = []string{entry, associate(cluster, principal, adminPolicy, "type=namespace,namespaces="+ns)}
	return e.withSSONote(fe, principal)
}

// associate is the AWS CLI's command that gives an access entry a policy.
func associate(cluster, principal, policy, scope string) string {
	return fmt.Sprintf("aws eks associate-access-policy --cluster-name %s --principal-arn %s --policy-arn arn:aws:eks::aws:cluster-access-policy/%s --access-scope %s",
		cluster, principal, policy, scope)
}

// withSSONote adds, for an IAM Identity Center role, that its ARN has a
// path the session's ARN does not show (access entries want it whole).
func (e *Env) withSSONote(fe *flow.Error, principal string) error {
	if a, err := arn.Parse(principal); err == nil && strings.HasPrefix(a.Resource, "role/AWSReservedSSO_") {
		role := strings.TrimPrefix(a.Resource, "role/")
		fe.Fix += " " + e.T(i18n.FixAccessSSOPath, fmt.Sprintf("aws iam get-role --role-name %s --query Role.Arn", role))
	}
	return fe
}

// refusedClusterWide: the API server refused a cluster-wide resource, as
// its status details name it.
func refusedClusterWide(err error) bool {
	var st apierrors.APIStatus
	if !errors.As(err, &st) || st.Status().Details == nil {
		return false
	}
	return slices.Contains(clusterScoped, st.Status().Details.Kind)
}
