package doctor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/sandbox/practice"
)

// The app is not where the doctor looks: it says which namespace it looked
// in and what it found there; the fix deploys the app (on a real cluster,
// the workshop's earlier lab; in the sandbox, sandbox deploy-app), and
// after it the app and its address are as they should be.
func TestDoctorNoApp(t *testing.T) {
	ctx := context.Background()
	sb, env := setUp(t)
	kc := sb.Clientset()
	for _, name := range []string{"frontend", "prodcatalog", "proddetail"} {
		if err := kc.AppsV1().Deployments("workshop").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := kc.CoreV1().Services("workshop").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		pods, _ := kc.CoreV1().Pods("workshop").List(ctx, metav1.ListOptions{})
		if len(pods.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app's pods did not go: %d left", len(pods.Items))
		}
		time.Sleep(100 * time.Millisecond)
	}
	d := diagnose(t, env, "app", flow.CheckFail, "no app in namespace workshop", "namespace workshop holds no deployments, services or pods",
		"workshop's earlier lab", "kubectl get deployments,services -n workshop")
	if f := findings(d)["app-address"]; f.Status != flow.CheckSkip || !strings.Contains(f.Summary, "see the app check") {
		t.Errorf("app-address with no app: %+v", f)
	}
	for _, f := range d.Findings {
		if f.Status == flow.CheckFail && f.ID != "app" {
			t.Errorf("%s fails too: %s", f.ID, f.Summary)
		}
	}
	// In the practice world the fix is the wizard's, and works as printed.
	diagnoseIn(t, doctor.Input{Env: env, Sandbox: true}, "app", flow.CheckFail, "xray-wizard sandbox deploy-app")
	out, err := practice.DeployApp(ctx, kc, "workshop")
	if err != nil || !strings.Contains(strings.Join(out, "\n"), "deployment.apps/frontend created") {
		t.Fatalf("deploy-app: %v %q", err, out)
	}
	d = diagnoseIn(t, doctor.Input{Env: env, Sandbox: true}, "app", flow.CheckOK, "namespace workshop has 3 deployments", "deployment/frontend")
	if f := findings(d)["app-address"]; f.Status != flow.CheckOK {
		t.Errorf("app-address after deploy-app: %+v", f)
	}
	// A second deploy-app changes nothing.
	if out, err := practice.DeployApp(ctx, kc, "workshop"); err != nil || strings.Contains(strings.Join(out, "\n"), "created") {
		t.Errorf("deploy-app again: %v %q", err, out)
	}
}

// Looking in a namespace without the app while deployments in another
// send to an X-Ray daemon: the app seems to live there, and the fix is the
// doctor with that --app-namespace.
func TestDoctorAppElsewhere(t *testing.T) {
	_, env := setUp(t)
	env.Opts.AppNamespace = "shop"
	d := diagnose(t, env, "app", flow.CheckFail, "no app in namespace shop; the app seems to live in namespace workshop",
		"namespace/shop", "deployment/frontend, deployment/prodcatalog, deployment/proddetail set AWS_XRAY_DAEMON_ADDRESS",
		"--app-namespace workshop")
	if f := findings(d)["app"]; f.Command != "xray-wizard doctor" {
		t.Errorf("the fix looks at workshop, the default: %q", f.Command)
	}
	f := findings(doctor.Diagnose(context.Background(), doctor.Input{Env: env, Sandbox: true}, nil))["app"]
	if f.Command != "xray-wizard doctor --sandbox" {
		t.Errorf("in the sandbox: %q", f.Command)
	}
}
