package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/steps"
)

// A kube context that reaches the cluster through another server (a
// tunnel, a proxy) is known by the cluster's certificate authority; one
// that has neither the endpoint nor the authority is used only when the
// person says so, and refused otherwise with the contexts that do reach
// the cluster — or, when none does, the command that makes one — and the
// flag that accepts it.
func TestPreflightContext(t *testing.T) {
	sb := startSandbox(t)
	const cluster = "eksworkshop-eksctl"
	endpoint, ca := sb.AWS.Endpoint(cluster), []byte(sb.AWS.CA(cluster))
	tunnel := "https://127.0.0.1:8443"
	run := func(t *testing.T, setup func(e *steps.Env)) (flow.StepSummary, *events) {
		t.Helper()
		e := newEnv(sb, steps.Options{})
		e.KubeContext, e.KubeServer = "tunnel", tunnel
		setup(e)
		ev := &events{}
		return (&steps.Runner{Env: e, Steps: mustSelect(t, "preflight")}).Run(context.Background(), ev).Steps[0], ev
	}
	t.Run("the cluster's certificate authority", func(t *testing.T) {
		s, ev := run(t, func(e *steps.Env) { e.KubeCA = ca })
		if s.Status != flow.Done {
			t.Fatalf("preflight: %+v", s)
		}
		if got := progressLines(ev, flow.IDPreflight); !strings.Contains(got, "kube context tunnel reaches cluster "+cluster+" through "+tunnel+", with the cluster's certificate authority (its endpoint is "+endpoint+")") {
			t.Errorf("lines:\n%s", got)
		}
	})
	t.Run("neither, other contexts reach it", func(t *testing.T) {
		s, _ := run(t, func(e *steps.Env) {
			e.KubeContexts = []steps.KubeContext{{Name: "tunnel", Server: tunnel}, {Name: "eks", Server: endpoint},
				{Name: "proxied", Server: "https://10.0.0.9:443", CA: ca}, {Name: "kind", Server: "https://127.0.0.1:39999"}}
		})
		if s.Status != flow.Failed || !strings.Contains(s.Detail, "kube context tunnel points at "+tunnel+", not at cluster "+cluster+" ("+endpoint+")") {
			t.Fatalf("preflight: %+v", s)
		}
		if want := "Contexts that reach cluster " + cluster + ": eks, proxied — pass --context eks. If tunnel reaches it another way (a tunnel, a proxy), pass --accept-context."; s.Fix != want {
			t.Errorf("fix %q\nwant %q", s.Fix, want)
		}
	})
	t.Run("neither, no context reaches it", func(t *testing.T) {
		s, _ := run(t, func(e *steps.Env) {})
		if s.Status != flow.Failed || !strings.Contains(s.Fix, "--accept-context") ||
			len(s.Commands) != 1 || s.Commands[0] != "aws eks update-kubeconfig --name "+cluster+" --region us-west-2" {
			t.Fatalf("preflight: %+v", s)
		}
	})
	t.Run("accepted", func(t *testing.T) {
		s, ev := run(t, func(e *steps.Env) { e.Opts.AcceptContext = true })
		if s.Status != flow.Done {
			t.Fatalf("preflight: %+v", s)
		}
		w := ev.of(flow.Warning)
		if len(w) != 1 || !strings.Contains(w[0].Message, "used as you said it reaches the cluster") || !strings.Contains(w[0].Message, endpoint) {
			t.Errorf("warnings %+v", w)
		}
	})
}
