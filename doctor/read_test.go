package doctor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/xray-wizard/xray-wizard/doctor"
	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// A read the cluster refuses (403) or that times out is a finding "cannot
// read X", never "X is not there".
func TestDoctorCannotReadIsNotMissing(t *testing.T) {
	_, env := setUp(t)
	fail := func(verb, resource string, err error, objs ...runtime.Object) *kube.Fake {
		kc := kube.NewFake(append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}})...)
		kc.PrependReactor(verb, resource, func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, err })
		return kc
	}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "xray-daemon", errors.New("RBAC: no"))
	cases := []struct {
		name     string
		kc       *kube.Fake
		ids      []string
		what     string
		notThere string
	}{
		{"403 on the DaemonSet", fail("get", "daemonsets", forbidden), []string{"daemonset"}, "daemonset/xray-daemon",
			env.T(i18n.DxNoCollector, "default", steps.DaemonSetName, steps.OtelDaemonSetName)},
		// The daemon is deployed: the doctor reads its pods.
		{"a timeout listing the daemon pods", fail("list", "pods", apierrors.NewTimeoutError("list pods", 0),
			&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: steps.DaemonSetName}}),
			[]string{"daemonset", "pods-role", "daemon-log"}, "pods -l app=xray-daemon", env.T(i18n.DxNoPods, "default")},
		{"a deadline listing the apps", fail("list", "deployments", fmt.Errorf("list: %w", context.DeadlineExceeded)),
			[]string{"app", "app-address", "app-restart"}, "deployments", env.T(i18n.DxNoApp, "workshop")},
		{"403 on the Service", fail("get", "services", apierrors.NewForbidden(schema.GroupResource{Resource: "services"}, "xray-service", errors.New("no"))),
			[]string{"service"}, "service/xray-service", env.T(i18n.DxNoService, "default", steps.ServiceName)},
		{"403 on the ServiceAccount", fail("get", "serviceaccounts", apierrors.NewForbidden(schema.GroupResource{Resource: "serviceaccounts"}, "xray-daemon", errors.New("no"))),
			[]string{"role"}, "serviceaccount/xray-daemon", env.T(i18n.DxNoSA, "default", steps.ServiceAccountName)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env.Kube = c.kc
			d := doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
			f := findings(d)
			for _, id := range c.ids {
				got := f[id]
				want := env.T(i18n.DxCannotRead, c.what, "")
				if got.Status != flow.CheckFail || !strings.HasPrefix(got.Summary, want) || got.Fix == "" || got.Command == "" {
					t.Errorf("%s: %+v, want %q…", id, got, want)
				}
				if strings.Contains(got.Summary+strings.Join(got.Evidence, " "), c.notThere) {
					t.Errorf("%s says it is not there: %+v", id, got)
				}
			}
			if f["credentials"].Status != flow.CheckOK || f["oidc"].Status != flow.CheckOK {
				t.Errorf("the AWS side: %+v %+v", f["credentials"], f["oidc"])
			}
		})
	}
}

// With AWS reachable and Kubernetes not, the AWS-only checks still run:
// credentials, the OIDC provider, the traces.
func TestDoctorWithoutKubernetesChecksAWS(t *testing.T) {
	for _, setup := range []bool{true, false} {
		var env *steps.Env
		if setup {
			_, env = setUp(t)
		} else {
			env = newEnv(startSandbox(t), steps.Options{})
		}
		env.Kube, env.KubeErr = nil, errors.New(`dial tcp 127.0.0.1:6443: connect: connection refused`)
		d := doctor.Diagnose(context.Background(), doctor.Input{Env: env}, nil)
		f := findings(d)
		if f["cluster"].Status != flow.CheckFail {
			t.Errorf("setup %v: cluster %+v", setup, f["cluster"])
		}
		if f["credentials"].Status != flow.CheckOK {
			t.Errorf("setup %v: credentials %+v", setup, f["credentials"])
		}
		wantOIDC, wantTraces := flow.CheckOK, flow.CheckOK
		if !setup {
			wantOIDC, wantTraces = flow.CheckFail, flow.CheckFail
		}
		if f["oidc"].Status != wantOIDC || f["traces"].Status != wantTraces {
			t.Errorf("setup %v: oidc %+v, traces %+v", setup, f["oidc"], f["traces"])
		}
		if d.Cluster == "" {
			t.Errorf("setup %v: no cluster named", setup)
		}
		for _, id := range []string{"daemonset", "service", "role"} {
			if f[id].Status != flow.CheckSkip {
				t.Errorf("setup %v: %s %+v", setup, id, f[id])
			}
		}
	}
}
