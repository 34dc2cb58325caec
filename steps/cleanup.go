package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// IDCleanup names the cleanup step.
const IDCleanup = "cleanup"

// Cleanup removes what the wizard made, and only that: the Kubernetes
// objects it created (it labels those, and only those,
// app.kubernetes.io/managed-by=xray-wizard), the daemon roles it tagged for
// this cluster in any namespace (their policies detached first), the pod
// identity associations it tagged, and — only with IncludeOIDC — the OIDC
// provider, if the wizard made it. From objects another tool made (an
// eksctl or Helm ServiceAccount the wizard annotated) it takes back only
// its own fields, which server-side apply's field managers name; the
// objects stay. The pod identity agent add-on stays: other workloads may
// use it.
type Cleanup struct{ IncludeOIDC bool }

// ID names the step.
func (Cleanup) ID() string { return IDCleanup }

// Info describes the step.
func (Cleanup) Info(env *Env) flow.StepInfo {
	return flow.StepInfo{
		ID:    IDCleanup,
		Title: env.T(i18n.CleanupTitle),
		Why:   env.T(i18n.CleanupWhy),
		Commands: []string{
			fmt.Sprintf("kubectl delete daemonset,service,configmap,serviceaccount -A -l %s=%s", ManagedByLabel, ManagedByValue),
			fmt.Sprintf("eksctl delete iamserviceaccount --cluster %s --namespace %s --name %s", clusterArg(env), env.Opts.Namespace, ServiceAccountName),
		},
	}
}

// leftover is what the wizard made, or changed, that is still there.
type leftover struct {
	// objects the wizard made (its label): they go.
	objects []kubeObject
	// touched are objects another tool made that hold fields the wizard
	// set (its field manager owns them, as the role annotation on an
	// eksctl or Helm ServiceAccount): the wizard's fields go, the objects
	// stay.
	touched  []kubeObject
	roles    []wizardRole
	assocs   []string // pod identity association ids
	rule     string   // the workshop sampling rule's ARN
	cluster  string
	provider string // OIDC provider ARN, with IncludeOIDC and our tag
	kept     []string
}

type kubeObject struct {
	kind, namespace, name string
	marks                 []string // touched: the wizard's labels and annotations
}

// wizardRole is a daemon role the wizard made for this cluster, for the
// daemon in namespace.
type wizardRole struct {
	name, namespace string
	policies        []string
}

// cleanupKinds are the kinds the wizard makes, with the names it gives
// them, in the order they go: the DaemonSet first, so its pods stop before
// their config and account.
var cleanupKinds = []struct{ kind, name string }{
	{"DaemonSet", DaemonSetName},
	{"DaemonSet", OtelDaemonSetName},
	{"Service", ServiceName},
	{"ConfigMap", ConfigMapName},
	{"ConfigMap", OtelConfigMapName},
	{"ServiceAccount", ServiceAccountName},
}

// kindClient lists a kind in every namespace, deletes one object, and
// applies to one.
type kindClient struct {
	list   func(context.Context, metav1.ListOptions) (runtime.Object, error)
	delete func(ctx context.Context, ns, name string, o metav1.DeleteOptions) error
	patch  func(ctx context.Context, ns, name string, mergePatch []byte, o metav1.PatchOptions) error
}

func kindClients(kc kube.Interface) map[string]kindClient {
	return map[string]kindClient{
		"DaemonSet":      kindClientOf(kc.AppsV1().DaemonSets),
		"Service":        kindClientOf(kc.CoreV1().Services),
		"ConfigMap":      kindClientOf(kc.CoreV1().ConfigMaps),
		"ServiceAccount": kindClientOf(kc.CoreV1().ServiceAccounts),
	}
}

// kindClientOf is the kindClient of one resource's clients.
func kindClientOf[T, L runtime.Object](client func(namespace string) kube.Client[T, L]) kindClient {
	return kindClient{
		list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return client(metav1.NamespaceAll).List(ctx, o)
		},
		delete: func(ctx context.Context, ns, name string, o metav1.DeleteOptions) error {
			return client(ns).Delete(ctx, name, o)
		},
		patch: func(ctx context.Context, ns, name string, mergePatch []byte, o metav1.PatchOptions) error {
			_, err := client(ns).Patch(ctx, name, types.MergePatchType, mergePatch, o)
			return err
		},
	}
}

// madeByWizard reports whether the wizard made the object: it labels what
// it creates, and only that.
func madeByWizard(o metav1.Object) bool {
	return o.GetLabels()[ManagedByLabel] == ManagedByValue
}

// wizardFields sorts the fields of o that the wizard's field manager
// owns: marks — labels and annotations no other manager owns, such as the
// role annotation — which cleanup can take back, and the rest (fields of
// the spec taken over with --force), which it cannot without breaking the
// object, as paths (metadata.annotations.eks.amazonaws.com/role-arn).
func wizardFields(o metav1.Object) (marks, rest []string) {
	mine, others := map[string]bool{}, map[string]bool{}
	for _, mf := range o.GetManagedFields() {
		if mf.Subresource != "" || mf.FieldsV1 == nil {
			continue
		}
		var tree map[string]any
		if json.Unmarshal(mf.FieldsV1.Raw, &tree) != nil {
			continue
		}
		set := others
		if mf.Manager == FieldManager {
			set = mine
		}
		for _, p := range fieldPaths("", tree) {
			set[p] = true
		}
	}
	for p := range mine {
		switch {
		case others[p]:
			// Someone else set it too: it is theirs as well, and stays.
		case strings.HasPrefix(p, "metadata.labels.") || strings.HasPrefix(p, "metadata.annotations."):
			marks = append(marks, p)
		default:
			rest = append(rest, p)
		}
	}
	slices.Sort(marks)
	slices.Sort(rest)
	return marks, rest
}

// marksPatch is a JSON merge patch that removes the marks.
func marksPatch(marks []string) ([]byte, error) {
	md := map[string]map[string]any{}
	for _, p := range marks {
		for _, field := range []string{"labels", "annotations"} {
			if key, ok := strings.CutPrefix(p, "metadata."+field+"."); ok {
				if md[field] == nil {
					md[field] = map[string]any{}
				}
				md[field][key] = nil
			}
		}
	}
	return json.Marshal(map[string]any{"metadata": md})
}

// fieldPaths flattens a managed-fields set (f:name, k:{key}, v:value) to
// the paths of its leaves.
func fieldPaths(prefix string, tree map[string]any) []string {
	var out []string
	for k, v := range tree {
		if k == "." {
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(k, "f:"), "k:"), "v:")
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 && !(len(sub) == 1 && sub["."] != nil) {
			out = append(out, fieldPaths(path, sub)...)
		} else {
			out = append(out, path)
		}
	}
	return out
}

func (c Cleanup) find(ctx context.Context, env *Env) (*leftover, error) {
	l := &leftover{}
	if err := env.NeedKube(); err != nil {
		return nil, err
	}
	clients := kindClients(env.Kube)
	for _, k := range cleanupKinds {
		// The wizard's names in every namespace: the field selector narrows
		// the list on an API server; the name is checked here as well.
		list, err := clients[k.kind].list(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + k.name})
		if err != nil {
			return nil, env.KubeError("list", strings.ToLower(k.kind)+"s", err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			o, err := meta.Accessor(it)
			if err != nil || o.GetName() != k.name {
				continue
			}
			ko := kubeObject{kind: k.kind, namespace: o.GetNamespace(), name: o.GetName()}
			switch {
			case madeByWizard(o):
				l.objects = append(l.objects, ko)
			default:
				marks, rest := wizardFields(o)
				if ko.marks = marks; len(marks) > 0 {
					l.touched = append(l.touched, ko)
				}
				if len(rest) > 0 {
					l.kept = append(l.kept, env.T(i18n.MsgCleanupKeepsTakenOver, k.kind, ko.namespace+"/"+ko.name, strings.Join(firstN(rest, 4), ", ")))
				}
			}
		}
	}
	ci, err := env.Cluster(ctx)
	if err != nil {
		return nil, err
	}
	l.cluster = ci.Name
	if err := l.findRoles(ctx, env, ci.Name); err != nil {
		return nil, err
	}
	// The workshop sampling rule the wizard made for this cluster.
	if arn, ok, err := wizardRule(ctx, env, ci.Name); err != nil {
		return nil, err
	} else if ok {
		l.rule = arn
	}
	// Pod identity associations the wizard tagged, for its service
	// account in any namespace.
	list, err := env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(ci.Name),
		ServiceAccount: aws.String(ServiceAccountName)})
	switch {
	case err == nil:
		for _, a := range list.Associations {
			d, err := env.EKS.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(ci.Name), AssociationId: a.AssociationId})
			if err != nil {
				return nil, env.AWSError("eks:DescribePodIdentityAssociation", err)
			}
			if d.Association.Tags[ManagedByLabel] == ManagedByValue {
				l.assocs = append(l.assocs, aws.ToString(a.AssociationId))
			}
		}
	case IsCode(err, "ResourceNotFoundException", "InvalidRequestException"), isNotFoundHTTP(err):
		// No pod identity on this cluster or endpoint: nothing to remove.
	default:
		return nil, env.AWSError("eks:ListPodIdentityAssociations", err)
	}
	if c.IncludeOIDC {
		arn, _, err := env.ProviderARN(ctx)
		if err != nil {
			return nil, err
		}
		tags, err := env.IAM.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		switch {
		case err == nil:
			ours := false
			for _, t := range tags.Tags {
				ours = ours || aws.ToString(t.Key) == ManagedByLabel && aws.ToString(t.Value) == ManagedByValue
			}
			if ours {
				l.provider = arn
			} else {
				l.kept = append(l.kept, env.T(i18n.MsgCleanupProviderNotOurs, arn))
			}
		case IsCode(err, "NoSuchEntity"):
		default:
			return nil, env.AWSError("iam:GetOpenIDConnectProvider", err)
		}
	}
	return l, nil
}

// findRoles finds the daemon roles the wizard made for this cluster, for
// every namespace it ran in: its roles are named xray-wizard-… and tagged
// with the cluster. A role of the wizard's name without its tags stays.
func (l *leftover) findRoles(ctx context.Context, env *Env, cluster string) error {
	own := RoleName(cluster, env.Opts.Namespace, ServiceAccountName)
	p := iam.NewListRolesPaginator(env.IAM, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return env.AWSError("iam:ListRoles", err)
		}
		for _, r := range page.Roles {
			name := aws.ToString(r.RoleName)
			if !strings.HasPrefix(name, "xray-wizard-") {
				continue
			}
			tags, err := env.IAM.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
			if err != nil {
				return env.AWSError("iam:ListRoleTags", err)
			}
			t := map[string]string{}
			for _, tag := range tags.Tags {
				t[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			if t[ManagedByLabel] != ManagedByValue || t["xray-wizard/cluster"] != cluster {
				if name == own {
					l.kept = append(l.kept, env.T(i18n.MsgCleanupRoleNotOurs, name))
				}
				continue
			}
			wr := wizardRole{name: name, namespace: t["xray-wizard/namespace"]}
			pols, err := env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
			if err != nil {
				return env.AWSError("iam:ListAttachedRolePolicies", err)
			}
			for _, p := range pols.AttachedPolicies {
				wr.policies = append(wr.policies, aws.ToString(p.PolicyArn))
			}
			l.roles = append(l.roles, wr)
		}
	}
	return nil
}

func (l *leftover) empty() bool {
	return len(l.objects) == 0 && len(l.touched) == 0 && len(l.roles) == 0 && len(l.assocs) == 0 && l.rule == "" && l.provider == ""
}

// Check: done when nothing the wizard made is left.
func (c Cleanup) Check(ctx context.Context, env *Env) (Status, error) {
	l, err := c.find(ctx, env)
	if err != nil {
		return Status{}, err
	}
	if l.empty() {
		return Status{Done: true, Detail: env.T(i18n.MsgCleanupNothing)}, nil
	}
	return Status{}, nil
}

// Plan lists what goes, in the order it goes, and what stays.
func (c Cleanup) Plan(ctx context.Context, env *Env) (flow.Plan, error) {
	l, err := c.find(ctx, env)
	if err != nil {
		return flow.Plan{}, err
	}
	p := flow.Plan{Commands: c.Info(env).Commands}
	for _, o := range l.objects {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: o.kind, Name: o.namespace + "/" + o.name,
			Detail: env.T(i18n.MsgCleanupMadeByWizard)})
	}
	for _, o := range l.touched {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActUpdate, Kind: o.kind, Name: o.namespace + "/" + o.name,
			Detail: env.T(i18n.MsgCleanupTouched, strings.Join(o.marks, ", "))})
		patch, _ := marksPatch(o.marks)
		p.Commands = append(p.Commands, fmt.Sprintf("kubectl patch %s %s -n %s --type merge -p '%s'", strings.ToLower(o.kind), o.name, o.namespace, patch))
	}
	for _, id := range l.assocs {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "EKS pod identity association", Name: id})
	}
	if l.rule != "" {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "X-Ray sampling rule", Name: WorkshopRuleName,
			Detail: env.T(i18n.MsgCleanupMadeByWizard)})
		p.Commands = append(p.Commands, fmt.Sprintf("aws xray delete-sampling-rule --region %s --rule-name %s", env.Region(), WorkshopRuleName))
	}
	for _, r := range l.roles {
		detail := env.T(i18n.MsgCleanupDetach, strings.Join(r.policies, ", "))
		if r.namespace != env.Opts.Namespace {
			detail = env.T(i18n.MsgCleanupOtherNamespace, r.namespace) + " " + detail
		}
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "IAM role", Name: r.name, Detail: detail})
		p.Commands = append(p.Commands, fmt.Sprintf("aws iam detach-role-policy --role-name %s --policy-arn ...; aws iam delete-role --role-name %s", r.name, r.name))
	}
	if l.provider != "" {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "IAM OIDC provider", Name: l.provider})
		p.Commands = append(p.Commands, "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn "+l.provider)
	} else if !c.IncludeOIDC {
		l.kept = append(l.kept, env.T(i18n.MsgCleanupKeepsOIDC))
	}
	p.Note = strings.Join(l.kept, " ")
	return p, nil
}

// Apply removes what find finds now; what is already gone is fine.
func (c Cleanup) Apply(ctx context.Context, env *Env, in Handoff, r flow.Reporter) (Outcome, error) {
	l, err := c.find(ctx, env)
	if err != nil {
		return Outcome{}, err
	}
	bg := metav1.DeletePropagationBackground
	del := metav1.DeleteOptions{PropagationPolicy: &bg}
	removed := 0
	clients := kindClients(env.Kube)
	for _, o := range l.objects {
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, o.kind, o.namespace+"/"+o.name))
		err := clients[o.kind].delete(ctx, o.namespace, o.name, del)
		if err != nil && !apierrors.IsNotFound(err) {
			return Outcome{}, env.KubeError("delete", strings.ToLower(o.kind)+" "+o.namespace+"/"+o.name, err)
		}
		removed++
	}
	for _, o := range l.touched {
		// Another tool's object: only the wizard's marks go (the role
		// annotation); the object and everything else in it stay.
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupReleasing, o.kind, o.namespace+"/"+o.name))
		patch, err := marksPatch(o.marks)
		if err != nil {
			return Outcome{}, err
		}
		err = clients[o.kind].patch(ctx, o.namespace, o.name, patch, metav1.PatchOptions{FieldManager: FieldManager})
		switch {
		case err == nil:
			removed++
		case apierrors.IsNotFound(err):
		default:
			return Outcome{}, env.KubeError("patch", strings.ToLower(o.kind)+" "+o.namespace+"/"+o.name, err)
		}
	}
	for _, id := range l.assocs {
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "pod identity association", id))
		_, err := env.EKS.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(l.cluster), AssociationId: aws.String(id)})
		if err != nil && !IsCode(err, "ResourceNotFoundException") {
			return Outcome{}, env.AWSError("eks:DeletePodIdentityAssociation", err)
		}
		removed++
	}
	if l.rule != "" {
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "X-Ray sampling rule", WorkshopRuleName))
		_, err := env.XRay.DeleteSamplingRule(ctx, &xray.DeleteSamplingRuleInput{RuleARN: aws.String(l.rule)})
		if err != nil {
			// X-Ray answers a rule that is gone with InvalidRequestException:
			// look again before calling it a failure.
			if _, still, rerr := wizardRule(ctx, env, l.cluster); rerr != nil || still || !IsCode(err, "InvalidRequestException") {
				return Outcome{}, env.AWSError("xray:DeleteSamplingRule", err)
			}
		} else {
			removed++
		}
	}
	for _, role := range l.roles {
		for _, p := range role.policies {
			progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDetaching, p, role.name))
			_, err := env.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role.name), PolicyArn: aws.String(p)})
			if err != nil && !IsCode(err, "NoSuchEntity") {
				return Outcome{}, env.AWSError("iam:DetachRolePolicy", err)
			}
		}
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "IAM role", role.name))
		if _, err := env.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role.name)}); err != nil && !IsCode(err, "NoSuchEntity") {
			return Outcome{}, env.AWSError("iam:DeleteRole", err)
		}
		removed++
	}
	if l.provider != "" {
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "IAM OIDC provider", l.provider))
		_, err := env.IAM.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(l.provider)})
		if err != nil && !IsCode(err, "NoSuchEntity") {
			return Outcome{}, env.AWSError("iam:DeleteOpenIDConnectProvider", err)
		}
		removed++
	}
	return Done(env.T(i18n.MsgCleanupDone, removed)), nil
}

// firstN is at most n of list, with … when there were more.
func firstN(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), "…")
}
