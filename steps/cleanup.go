package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// IDCleanup names the cleanup step.
const IDCleanup = "cleanup"

// Cleanup removes what the wizard made, and only that: the Kubernetes
// objects labelled app.kubernetes.io/managed-by=xray-wizard, the daemon's
// IAM role the wizard tagged for this cluster (its policies detached
// first), the pod identity association it tagged, and — only with
// IncludeOIDC — the OIDC provider, if the wizard made it. Objects without
// the label are never touched, whatever their names. The pod identity
// agent add-on stays: other workloads may use it.
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

// leftover is what the wizard made that is still there.
type leftover struct {
	objects  []kubeObject
	role     string
	policies []string
	assocs   []string // pod identity association ids
	cluster  string
	provider string // OIDC provider ARN, with IncludeOIDC and our tag
	kept     []string
}

type kubeObject struct{ kind, namespace, name string }

// cleanupKinds are the kinds the wizard makes, in the order they go: the
// DaemonSet first, so its pods stop before their config and account.
var cleanupKinds = []string{"DaemonSet", "Service", "ConfigMap", "ServiceAccount"}

// kindClient lists a kind in every namespace, and deletes one object.
type kindClient struct {
	list   func(context.Context, metav1.ListOptions) (runtime.Object, error)
	delete func(ctx context.Context, ns, name string, o metav1.DeleteOptions) error
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
	}
}

func (c Cleanup) find(ctx context.Context, env *Env) (*leftover, error) {
	l := &leftover{}
	sel := metav1.ListOptions{LabelSelector: ManagedByLabel + "=" + ManagedByValue}
	if err := env.NeedKube(); err != nil {
		return nil, err
	}
	clients := kindClients(env.Kube)
	for _, kind := range cleanupKinds {
		list, err := clients[kind].list(ctx, sel)
		if err != nil {
			return nil, env.KubeError("list", strings.ToLower(kind)+"s", err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if o, err := meta.Accessor(it); err == nil {
				l.objects = append(l.objects, kubeObject{kind, o.GetNamespace(), o.GetName()})
			}
		}
	}
	ci, err := env.Cluster(ctx)
	if err != nil {
		return nil, err
	}
	l.cluster = ci.Name
	// The role: the wizard's name for this cluster, with the wizard's tags.
	name := RoleName(ci.Name, env.Opts.Namespace, ServiceAccountName)
	tags, err := env.IAM.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
	switch {
	case err == nil:
		t := map[string]string{}
		for _, tag := range tags.Tags {
			t[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if t[ManagedByLabel] == ManagedByValue && t["xray-wizard/cluster"] == ci.Name {
			l.role = name
			pols, err := env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
			if err != nil {
				return nil, env.AWSError("iam:ListAttachedRolePolicies", err)
			}
			for _, p := range pols.AttachedPolicies {
				l.policies = append(l.policies, aws.ToString(p.PolicyArn))
			}
		} else {
			l.kept = append(l.kept, env.T(i18n.MsgCleanupRoleNotOurs, name))
		}
	case IsCode(err, "NoSuchEntity"):
	default:
		return nil, env.AWSError("iam:ListRoleTags", err)
	}
	// Pod identity associations the wizard tagged, for its service account.
	list, err := env.EKS.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(ci.Name),
		Namespace: aws.String(env.Opts.Namespace), ServiceAccount: aws.String(ServiceAccountName)})
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

func (l *leftover) empty() bool {
	return len(l.objects) == 0 && l.role == "" && len(l.assocs) == 0 && l.provider == ""
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
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: o.kind, Name: o.namespace + "/" + o.name})
	}
	for _, id := range l.assocs {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "EKS pod identity association", Name: id})
	}
	if l.role != "" {
		p.Changes = append(p.Changes, flow.Change{Action: flow.ActDelete, Kind: "IAM role", Name: l.role,
			Detail: env.T(i18n.MsgCleanupDetach, strings.Join(l.policies, ", "))})
		p.Commands = append(p.Commands, fmt.Sprintf("aws iam detach-role-policy --role-name %s --policy-arn ...; aws iam delete-role --role-name %s", l.role, l.role))
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
	for _, id := range l.assocs {
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "pod identity association", id))
		_, err := env.EKS.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(l.cluster), AssociationId: aws.String(id)})
		if err != nil && !IsCode(err, "ResourceNotFoundException") {
			return Outcome{}, env.AWSError("eks:DeletePodIdentityAssociation", err)
		}
		removed++
	}
	if l.role != "" {
		for _, p := range l.policies {
			progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDetaching, p, l.role))
			_, err := env.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(l.role), PolicyArn: aws.String(p)})
			if err != nil && !IsCode(err, "NoSuchEntity") {
				return Outcome{}, env.AWSError("iam:DetachRolePolicy", err)
			}
		}
		progress(env, r, IDCleanup, env.T(i18n.MsgCleanupDeleting, "IAM role", l.role))
		if _, err := env.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(l.role)}); err != nil && !IsCode(err, "NoSuchEntity") {
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
