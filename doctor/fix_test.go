package doctor

import (
	"context"
	"testing"

	"github.com/xray-wizard/xray-wizard/steps"
)

// The doctor's fixes reach the world it looked at: the sandbox with -y
// and its flags, kubectl through xray-wizard in the sandbox, and the
// person's cluster with the flags they gave.
func TestFixCommandsReachTheSameWorld(t *testing.T) {
	d := &dx{env: &steps.Env{Opts: steps.Options{Namespace: "xray", AppNamespace: "shop", Identity: steps.IdentityPodIdentity}}, sandbox: true, forceKnown: true}
	for got, want := range map[string]string{
		d.wizard("daemonset,pods", false):       "xray-wizard --sandbox --steps daemonset,pods --namespace xray --identity pod-identity -y",
		d.wizard("app,traces", false):           "xray-wizard --sandbox --steps app,traces --namespace xray --app-namespace shop --identity pod-identity -y",
		d.wizardAsking("oidc,iamsa,pods"):       "xray-wizard --sandbox --steps oidc,iamsa,pods --namespace xray --identity pod-identity",
		d.kubectl("rollout restart -n shop"):    "xray-wizard sandbox kubectl rollout restart -n shop",
		d.command("doctor", "--output", "json"): "xray-wizard doctor --sandbox --output json --namespace xray --app-namespace shop --identity pod-identity",
	} {
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	real := &dx{env: &steps.Env{Opts: steps.Options{Namespace: "default", AppNamespace: "workshop", Identity: steps.IdentityIRSA,
		Cluster: "lab", Context: "my ctx"}}, forceKnown: true, force: true}
	if got, want := real.daemonFix(context.Background()), "xray-wizard --steps daemonset,pods --cluster lab --context 'my ctx' --force"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := real.kubectl("delete clusterrolebinding x"), "kubectl delete clusterrolebinding x"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
