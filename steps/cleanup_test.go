package steps_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// state is what the cluster and the account hold, as lists of names.
func state(t *testing.T, sb *sandbox.Sandbox, env *steps.Env) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	cs := sb.Clientset()
	dss, _ := cs.AppsV1().DaemonSets("").List(ctx, metav1.ListOptions{})
	for _, o := range dss.Items {
		out = append(out, "daemonset "+o.Namespace+"/"+o.Name)
	}
	svcs, _ := cs.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	for _, o := range svcs.Items {
		out = append(out, "service "+o.Namespace+"/"+o.Name)
	}
	cms, _ := cs.CoreV1().ConfigMaps("").List(ctx, metav1.ListOptions{})
	for _, o := range cms.Items {
		out = append(out, "configmap "+o.Namespace+"/"+o.Name)
	}
	sas, _ := cs.CoreV1().ServiceAccounts("").List(ctx, metav1.ListOptions{})
	for _, o := range sas.Items {
		out = append(out, fmt.Sprintf("serviceaccount %s/%s %v", o.Namespace, o.Name, o.Annotations))
	}
	roles, err := env.IAM.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		out = append(out, "role "+*r.RoleName)
	}
	ps, err := env.IAM.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.OpenIDConnectProviderList {
		out = append(out, "oidc "+*p.Arn)
	}
	slices.Sort(out)
	return out
}

func cleanup(t *testing.T, env *steps.Env, includeOIDC bool) flow.StepSummary {
	t.Helper()
	sum := (&steps.Runner{Env: env, Steps: []steps.Step{steps.Cleanup{IncludeOIDC: includeOIDC}}}).Run(context.Background(), &events{})
	if sum.Failed() {
		t.Fatalf("cleanup failed: %+v", sum.Steps)
	}
	return sum.Steps[0]
}

// After a full run, cleanup leaves the cluster and the account as they were
// before it; objects of the same names without the wizard's label stay; a
// second cleanup finds nothing and changes nothing.
func TestCleanupUndoesTheWizard(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	// Someone else's objects with the wizard's names, in another namespace.
	cs := sb.Clientset()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []func() error{
		func() error {
			_, err := cs.CoreV1().ConfigMaps("team-a").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "xray-config"}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.CoreV1().ServiceAccounts("team-a").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "xray-daemon"}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.CoreV1().Services("team-a").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "xray-service"},
				Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 2000, Protocol: corev1.ProtocolUDP}}}}, metav1.CreateOptions{})
			return err
		},
	} {
		if err := o(); err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.Clientset().CoreV1().ServiceAccounts("default").Delete(ctx, "xray-daemon", metav1.DeleteOptions{}); err == nil {
		t.Log("the sandbox had a daemon service account before the wizard")
	}
	before := state(t, sb, env)
	if sum := (&steps.Runner{Env: env, Steps: steps.All()}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("wizard: %+v", sum.Steps)
	}
	during := state(t, sb, env)
	if slices.Equal(before, during) {
		t.Fatal("the wizard changed nothing: the test proves nothing")
	}

	// The plan names what goes and what stays.
	plan, err := steps.Cleanup{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range plan.Changes {
		names = append(names, c.Kind+" "+c.Name)
	}
	for _, want := range []string{"DaemonSet default/xray-daemon", "Service default/xray-service", "ConfigMap default/xray-config",
		"ServiceAccount default/xray-daemon", "IAM role xray-wizard-eksworkshop-eksctl-default-xray-daemon"} {
		if !slices.Contains(names, want) {
			t.Errorf("plan lacks %q: %v", want, names)
		}
	}
	if len(names) != 5 {
		t.Errorf("plan = %v", names)
	}

	cleanup(t, env, true)
	after := state(t, sb, env)
	if !slices.Equal(before, after) {
		t.Errorf("after cleanup the state differs from before the wizard:\nbefore %v\nafter  %v", before, after)
	}
	calls := mutatingAWS(sb.AWS.Calls())
	again := cleanup(t, env, true)
	if again.Status != flow.Unchanged || again.Detail != "nothing the wizard made is left" {
		t.Errorf("second cleanup: %+v", again)
	}
	if now := mutatingAWS(sb.AWS.Calls()); fmt.Sprint(now) != fmt.Sprint(calls) {
		t.Errorf("second cleanup changed AWS: %v → %v", calls, now)
	}
	if !slices.Equal(after, state(t, sb, env)) {
		t.Error("second cleanup changed the cluster or the account")
	}
}

// Without --include-oidc-provider the provider stays, and the plan says so.
func TestCleanupKeepsTheOIDCProvider(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{})
	if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,oidc,iamsa")}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("wizard: %+v", sum.Steps)
	}
	plan, err := steps.Cleanup{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Note == "" {
		t.Error("the plan does not say the OIDC provider stays")
	}
	cleanup(t, env, false)
	ps, _ := env.IAM.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if len(ps.OpenIDConnectProviderList) != 1 {
		t.Errorf("providers after cleanup: %d, want the one kept", len(ps.OpenIDConnectProviderList))
	}
}

// With EKS Pod Identity, the association goes with the role.
func TestCleanupPodIdentity(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	env := newEnv(sb, steps.Options{Identity: steps.IdentityPodIdentity})
	if sum := (&steps.Runner{Env: env, Steps: mustSelect(t, "preflight,iamsa,daemonset")}).Run(ctx, &events{}); sum.Failed() {
		t.Fatalf("wizard: %+v", sum.Steps)
	}
	plan, err := steps.Cleanup{}.Plan(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range plan.Changes {
		found = found || c.Kind == "EKS pod identity association"
	}
	if !found {
		t.Fatalf("plan without the association: %+v", plan.Changes)
	}
	cleanup(t, env, false)
	if again := cleanup(t, env, false); again.Status != flow.Unchanged {
		t.Errorf("second cleanup: %+v", again)
	}
}
