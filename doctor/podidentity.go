package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The role and pods-role checks with EKS Pod Identity (--identity
// pod-identity): an association ties the collector's service account to a
// role; the role trusts the service principal pods.eks.amazonaws.com for
// sts:AssumeRole and sts:TagSession and has a policy that allows
// PutTraceSegments; the eks-pod-identity-agent add-on's agent on each node
// hands the pods the role's credentials; and EKS gives pods the agent's
// address (AWS_CONTAINER_CREDENTIALS_FULL_URI) only when they start after
// the association.

const (
	podIdentityAgent     = "eks-pod-identity-agent"
	podIdentityPrincipal = "pods.eks.amazonaws.com"
)

// piAssociation is the service account's association, once read.
type piAssociation struct {
	read        bool
	id, roleARN string
	cluster     string
	err         error // why it could not be read
	none        bool  // there is none
	ns, sa      string
}

// podIdentity reads the Pod Identity association of the collector's
// service account, once.
func (d *dx) podIdentity(ctx context.Context) *piAssociation {
	if d.pi.read {
		return &d.pi
	}
	a := &d.pi
	a.read, a.ns, a.sa = true, d.ns, d.serviceAccount()
	c, err := d.env.Cluster(ctx)
	if err != nil {
		a.err = err
		return a
	}
	a.cluster = c.Name
	list, err := d.env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: aws.String(c.Name), Namespace: aws.String(a.ns), ServiceAccount: aws.String(a.sa)})
	if err != nil {
		a.err = d.env.AWSError("eks:ListPodIdentityAssociations", err)
		return a
	}
	if len(list.Associations) == 0 {
		a.none = true
		return a
	}
	out, err := d.env.EKS.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
		ClusterName: aws.String(c.Name), AssociationId: list.Associations[0].AssociationId})
	if err != nil {
		a.err = d.env.AWSError("eks:DescribePodIdentityAssociation", err)
		return a
	}
	a.id, a.roleARN = aws.ToString(out.Association.AssociationId), aws.ToString(out.Association.RoleArn)
	return a
}

// podIdentityRole: the association, its role, the role's trust and
// policies, and the agent's add-on.
func (d *dx) podIdentityRole(ctx context.Context) flow.Finding {
	if d.idErr != nil {
		return d.skip(d.idErr)
	}
	a := d.podIdentity(ctx)
	if a.err != nil {
		return d.skip(a.err)
	}
	fix := d.wizard(flow.IDIAMSA+","+flow.IDPods, false)
	if a.none {
		return bad(flow.CheckFail, d.t(i18n.DxPINoAssoc, a.ns, a.sa), d.t(i18n.DxPIFix), fix,
			fmt.Sprintf("eks:ListPodIdentityAssociations %s %s/%s → []", a.cluster, a.ns, a.sa))
	}
	ev := []string{fmt.Sprintf("association %s: %s/%s → %s", a.id, a.ns, a.sa, a.roleARN)}
	roleName := a.roleARN[strings.LastIndex(a.roleARN, "/")+1:]
	role, err := d.env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if steps.IsCode(err, "NoSuchEntity") {
		return bad(flow.CheckFail, d.t(i18n.DxPINoRole, roleName), d.t(i18n.DxPIFix), fix, ev...)
	}
	if err != nil {
		return d.skip(d.env.AWSError("iam:GetRole", err))
	}
	actions := podIdentityActions(aws.ToString(role.Role.AssumeRolePolicyDocument))
	ev = append(ev, fmt.Sprintf("trust %s: %s", podIdentityPrincipal, orNone(actions)))
	if !allows(actions, "sts:AssumeRole") || !allows(actions, "sts:TagSession") {
		// The wizard rewrites a role's trust only when a person confirms
		// it at the terminal: the fix asks.
		return bad(flow.CheckFail, d.t(i18n.DxPITrust, roleName), d.t(i18n.DxPITrustFix), d.wizardAsking(flow.IDIAMSA+","+flow.IDPods), ev...)
	}
	pols, err := d.env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	if err != nil {
		return d.skip(d.env.AWSError("iam:ListAttachedRolePolicies", err))
	}
	var have []string
	writes := false
	for _, p := range pols.AttachedPolicies {
		have = append(have, aws.ToString(p.PolicyName))
		writes = writes || slices.Contains(xrayPolicies, aws.ToString(p.PolicyName))
	}
	ev = append(ev, "policies: "+orNone(have))
	if !writes {
		return bad(flow.CheckFail, d.t(i18n.DxPINoPolicy, roleName, strings.Join(have, ", "), steps.XRayWritePolicy), d.t(i18n.DxPIFix), fix, ev...)
	}
	ad, err := d.env.EKS.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(a.cluster), AddonName: aws.String(podIdentityAgent)})
	switch {
	case steps.IsCode(err, "ResourceNotFoundException"):
		return bad(flow.CheckFail, d.t(i18n.DxPIAddonMissing), d.t(i18n.DxPIFix), fix, append(ev, d.t(i18n.DxNotFound, "add-on "+podIdentityAgent))...)
	case err != nil:
		return d.skip(d.env.AWSError("eks:DescribeAddon", err))
	}
	status := string(ad.Addon.Status)
	ev = append(ev, fmt.Sprintf("add-on %s %s", podIdentityAgent, status))
	switch status {
	case "ACTIVE":
	case "CREATING", "UPDATING":
		return bad(flow.CheckWarn, d.t(i18n.DxPIAddonStatus, status), d.t(i18n.DxPIFix), fix, ev...)
	default:
		return bad(flow.CheckFail, d.t(i18n.DxPIAddonStatus, status), d.t(i18n.DxPIFix), fix, ev...)
	}
	return ok(d.t(i18n.DxPIRoleOK, a.ns, a.sa, roleName), ev...)
}

// podIdentityPods: the collector's pods have the agent's address; pods
// that started before the association run without a role.
func (d *dx) podIdentityPods(ctx context.Context) flow.Finding {
	if len(d.pods) == 0 {
		return d.noPods()
	}
	if a := d.podIdentity(ctx); a.none {
		// The role check says so; without an association no pod has it.
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxSkipped), Evidence: []string{d.t(i18n.DxPINoAssoc, a.ns, a.sa)}}
	}
	ds := "daemonset/" + d.names().DaemonSet
	if stale := d.collectorPodsWithout(steps.PodIdentityEnv); len(stale) > 0 {
		// kubectl's restart (the sandbox's in the sandbox); the wizard's
		// pods step, run with --identity pod-identity, offers it too.
		return bad(flow.CheckFail, d.t(i18n.DxPIPodsWithout, ds, len(stale)), d.t(d.pick(i18n.DxRestartDaemonFix, i18n.DxOtelRestartFix)),
			d.kubectl(fmt.Sprintf("rollout restart -n %s %s", d.ns, ds)), stale...)
	}
	return ok(d.t(i18n.DxPIPodsOK, ds, len(d.pods)))
}

// podIdentityActions are the actions a trust policy allows the service
// principal of EKS Pod Identity, in the order it names them.
func podIdentityActions(doc string) []string {
	if dec, err := url.QueryUnescape(doc); err == nil {
		doc = dec
	}
	var pol struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &pol) != nil {
		return nil
	}
	type statement struct {
		Effect    string
		Principal json.RawMessage
		Action    json.RawMessage
	}
	var stmts []statement
	if json.Unmarshal(pol.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(pol.Statement, &one) != nil {
			return nil
		}
		stmts = []statement{one}
	}
	var out []string
	for _, s := range stmts {
		var p struct{ Service json.RawMessage }
		if s.Effect != "Allow" || json.Unmarshal(s.Principal, &p) != nil || !slices.Contains(stringOrList(p.Service), podIdentityPrincipal) {
			continue
		}
		for _, a := range stringOrList(s.Action) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// stringOrList reads a policy element that is a string or a list of them.
func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	_ = json.Unmarshal(raw, &list)
	return list
}

// allows: actions grant action, by name or by a wildcard (sts:*, *).
func allows(actions []string, action string) bool {
	for _, a := range actions {
		if strings.EqualFold(a, action) || a == "*" || strings.EqualFold(a, "sts:*") {
			return true
		}
	}
	return false
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "[]"
	}
	return strings.Join(s, ", ")
}
