package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"

	"github.com/xray-wizard/xray-wizard/kube"
)

// startFast starts a sandbox paced for tests, stopped at the test's end
// unless the test stops it first.
func startFast(t *testing.T, w *World) *Sandbox {
	t.Helper()
	sb, err := Start(context.Background(), Options{PodStartDelay: 100 * time.Millisecond, LBDelay: 100 * time.Millisecond, World: w})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Stop)
	return sb
}

// saveAndLoad saves the stopped sandbox's world in dir and reads it back,
// through the files, as the next run does.
func saveAndLoad(t *testing.T, sb *Sandbox, dir string) *World {
	t.Helper()
	sb.Stop()
	w, err := sb.World()
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenState(dir, "test save")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(w); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = OpenState(dir, "test load")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.Load()
	if err != nil || got == nil {
		t.Fatalf("load: %v, %v", got, err)
	}
	return got
}

// waitPods waits until the pods the selector picks in ns are n and all
// Ready, and returns them.
func waitPods(t *testing.T, cs kube.Interface, ns, selector string, n int) []corev1.Pod {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: selector})
		if err == nil && len(list.Items) == n && !slices.ContainsFunc(list.Items, func(p corev1.Pod) bool { return !kube.PodReady(&p) }) {
			return list.Items
		}
		if time.Now().After(deadline) {
			t.Fatalf("pods %s in %s: %v %v", selector, ns, list, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// What a run made is there in the next: IAM's role and OIDC provider with
// their ids and dates, the cluster's issuer (so the trust policy still
// lets the daemon in), the pod identity association, the traces that were
// sent (not those made up), and the cluster's objects with their field
// managers, the daemon's pods running again under their names.
func TestWorldRoundTrip(t *testing.T) {
	ctx := context.Background()
	sb := startFast(t, nil)
	cfg, cs := sb.AWSConfig(), sb.Clientset()
	issuer := sb.AWS.Issuer("eksworkshop-eksctl")
	roleARN := awsTIRSA(t, cfg, issuer, "xray-daemon-role", "default", "xray-daemon", awsTWritePolicy)
	ic := iam.NewFromConfig(cfg)
	if _, err := ic.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("xray-daemon-role"), Tags: []iamtypes.Tag{{Key: aws.String("created-by"), Value: aws.String("test")}}}); err != nil {
		t.Fatal(err)
	}
	ec := eks.NewFromConfig(cfg)
	pa, err := ec.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String("eksworkshop-eksctl"),
		Namespace: aws.String("default"), ServiceAccount: aws.String("other"), RoleArn: aws.String(roleARN)})
	if err != nil {
		t.Fatal(err)
	}
	role1, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil {
		t.Fatal(err)
	}
	providers1, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(providers1.OpenIDConnectProviderList) != 1 {
		t.Fatalf("providers %+v %v", providers1, err)
	}

	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default").
		WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": roleARN})), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoles().Apply(ctx, ac(rbacv1ac.ClusterRole("xray-reader").WithRules(rbacv1ac.PolicyRule().
		WithAPIGroups("").WithResources("pods").WithVerbs("get"))), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	applyDaemonConfig(t, cs, "us-west-2")
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	pods1 := waitPods(t, cs, "default", "app=xray-daemon", 3)

	now := time.Now()
	var reqs []awsTReq
	for i, status := range []int{200, 404, 500} {
		reqs = append(reqs, awsTNewReq(now.Add(-time.Duration(i+1)*time.Minute), status, 20*time.Millisecond))
	}
	awsTSend(t, xray.NewFromConfig(cfg), reqs)
	if _, err := sb.AWS.SeedTraces(10, now); err != nil {
		t.Fatal(err)
	}

	w := saveAndLoad(t, sb, t.TempDir())
	if w.Traces() == 0 {
		t.Fatal("no traces saved")
	}
	sb2 := startFast(t, w)
	cfg2, cs2 := sb2.AWSConfig(), sb2.Clientset()
	ic2 := iam.NewFromConfig(cfg2)

	// AWS: the same role, provider, issuer and association.
	if got := sb2.AWS.Issuer("eksworkshop-eksctl"); got != issuer {
		t.Errorf("issuer %s, was %s", got, issuer)
	}
	if got := sb2.AWS.CA("eksworkshop-eksctl"); got == "" || got != sb.AWS.CA("eksworkshop-eksctl") {
		t.Error("the cluster's certificate authority changed with the saved world")
	}
	role2, err := ic2.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := role1.Role, role2.Role
	if aws.ToString(r2.RoleId) != aws.ToString(r1.RoleId) || aws.ToString(r2.Arn) != roleARN || !r2.CreateDate.Equal(*r1.CreateDate) ||
		aws.ToString(r2.AssumeRolePolicyDocument) != aws.ToString(r1.AssumeRolePolicyDocument) || len(r2.Tags) != 1 {
		t.Errorf("role after loading %+v, before %+v", r2, r1)
	}
	att, err := ic2.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("xray-daemon-role")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != awsTWritePolicy {
		t.Errorf("attached %+v %v", att, err)
	}
	providers2, err := ic2.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(providers2.OpenIDConnectProviderList) != 1 ||
		aws.ToString(providers2.OpenIDConnectProviderList[0].Arn) != aws.ToString(providers1.OpenIDConnectProviderList[0].Arn) {
		t.Errorf("providers %+v %v", providers2, err)
	}
	anon := cfg2
	anon.Credentials = aws.AnonymousCredentials{}
	if _, err := sts.NewFromConfig(anon).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(awsTToken(issuer, "system:serviceaccount:default:xray-daemon",
			"sts.amazonaws.com", time.Now().Add(time.Hour)))}); err != nil {
		t.Errorf("the trust policy no longer lets the daemon in: %v", err)
	}
	got, err := eks.NewFromConfig(cfg2).DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
		ClusterName: aws.String("eksworkshop-eksctl"), AssociationId: pa.Association.AssociationId})
	if err != nil || aws.ToString(got.Association.RoleArn) != roleARN {
		t.Errorf("association %+v %v", got, err)
	}

	// X-Ray: the three traces sent, not the ten made up.
	sums, _, _ := awsTSummaries(t, xray.NewFromConfig(cfg2), &xray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now.Add(time.Minute))})
	if len(sums) != 3 {
		t.Errorf("%d traces after loading, want the 3 sent", len(sums))
	}

	// Kubernetes: the objects, their field managers, the daemon's pods.
	sa, err := cs2.CoreV1().ServiceAccounts("default").Get(ctx, "xray-daemon", metav1.GetOptions{})
	if err != nil || sa.Annotations["eks.amazonaws.com/role-arn"] != roleARN ||
		!slices.ContainsFunc(sa.ManagedFields, func(m metav1.ManagedFieldsEntry) bool { return m.Manager == fieldManager }) {
		t.Fatalf("service account %+v %v", sa, err)
	}
	_, err = cs2.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default").
		WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/other"})), metav1.ApplyOptions{FieldManager: "helm"})
	if !apierrors.IsConflict(err) {
		t.Errorf("another manager's apply of the wizard's field: %v, want a conflict", err)
	}
	if _, err := cs2.RbacV1().ClusterRoles().Get(ctx, "xray-reader", metav1.GetOptions{}); err != nil {
		t.Error(err)
	}
	if _, err := cs2.CoreV1().ConfigMaps("default").Get(ctx, "xray-config", metav1.GetOptions{}); err != nil {
		t.Error(err)
	}
	pods2 := waitPods(t, cs2, "default", "app=xray-daemon", 3)
	name := func(p corev1.Pod) string { return p.Name }
	n1, n2 := slices.Sorted(slices.Values(mapSlice(pods1, name))), slices.Sorted(slices.Values(mapSlice(pods2, name)))
	if !slices.Equal(n1, n2) {
		t.Errorf("daemon pods %v, were %v", n2, n1)
	}
	for _, p := range pods2 {
		before, after := w.PodLogs["default/"+p.Name], sb2.Cluster.PodLog("default", p.Name)
		if len(before) == 0 || len(after) <= len(before) || !slices.Equal(after[:len(before)], before) {
			t.Errorf("pod %s: log before %q, after loading %q: want the earlier lines and the daemon's new start", p.Name, before, after)
		}
	}
	app, err := cs2.CoreV1().Pods("workshop").List(ctx, metav1.ListOptions{LabelSelector: labels.Everything().String()})
	if err != nil || len(app.Items) != 3 {
		t.Errorf("app pods %v %v", app, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		svc, err := cs2.CoreV1().Services("workshop").Get(ctx, "frontend", metav1.GetOptions{})
		if err == nil && frontendURL(svc) == sb2.Cluster.AppURL() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("frontend's load balancer %v (app at %s): %v", svc.Status, sb2.Cluster.AppURL(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// A fresh sandbox's world saved and loaded is the same world, object for
// object, and a sandbox started from it saves it again unchanged.
func TestWorldSavesTheSameWorld(t *testing.T) {
	sb := startFast(t, nil)
	w1 := saveAndLoad(t, sb, t.TempDir())
	sb2 := startFast(t, w1)
	w2 := saveAndLoad(t, sb2, t.TempDir())
	if len(w1.Kubernetes) == 0 || len(w1.Kubernetes) != len(w2.Kubernetes) {
		t.Fatalf("%d objects, then %d", len(w1.Kubernetes), len(w2.Kubernetes))
	}
	for i := range w1.Kubernetes {
		if string(w1.Kubernetes[i]) != string(w2.Kubernetes[i]) {
			t.Errorf("object %d changed:\n%s\n%s", i, w1.Kubernetes[i], w2.Kubernetes[i])
		}
	}
	if w1.AWS.Clusters[0].Issuer != w2.AWS.Clusters[0].Issuer || w2.Region != "us-west-2" || w2.Cluster != "eksworkshop-eksctl" || w2.AppNamespace != "workshop" {
		t.Errorf("world %+v", w2)
	}
}

// A file that cannot be read, or of another version, is moved aside and
// said so; no file is no world.
func TestStateLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenState(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if w, err := st.Load(); w != nil || err != nil {
		t.Fatalf("no file: %v %v", w, err)
	}
	for _, c := range []struct {
		name, body string
		version    bool
	}{
		{"garbage", "{not json", false},
		{"empty", "", false},
		{"another version", `{"version":99,"region":"us-west-2"}`, true},
		{"no names", `{"version":1}`, false},
		{"a bad object", `{"version":1,"region":"r","cluster":"c","appNamespace":"a","aws":{"region":"r","accountId":"1"},"kubernetes":[{"apiVersion":"v1","kind":"Nope"}]}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(st.Path(), []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			w, err := st.Load()
			var ue *UnreadableError
			if w != nil || !errors.As(err, &ue) || ue.Path != st.Path() {
				t.Fatalf("load: %v %v", w, err)
			}
			if errors.Is(err, ErrWorldVersion) != c.version {
				t.Errorf("%v: version error %v", err, errors.Is(err, ErrWorldVersion))
			}
			if _, err := os.Stat(st.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the unreadable file is still in place: %v", err)
			}
			if raw, err := os.ReadFile(ue.MovedTo); err != nil || string(raw) != c.body {
				t.Errorf("moved to %q: %q %v", ue.MovedTo, raw, err)
			}
			os.Remove(ue.MovedTo)
		})
	}
}

// One run at a time: the second is told which run holds the world; after
// the first lets go, the world is free. Remove takes the saved files.
func TestStateLockAndRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "sandbox")
	st, err := OpenState(dir, "xray-wizard --sandbox")
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenState(dir, "xray-wizard doctor --sandbox")
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrWorldBusy) || be.PID != os.Getpid() || be.Command != "xray-wizard --sandbox" ||
		!strings.Contains(err.Error(), "xray-wizard --sandbox") {
		t.Fatalf("second open: %v", err)
	}
	if err := st.Save(&World{Version: WorldVersion}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(st.Path()+".unreadable-1", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	removed, err := st.Remove()
	if err != nil || len(removed) != 2 {
		t.Errorf("removed %v, %v", removed, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != lockFile {
		t.Errorf("left %v", entries)
	}
	st.Close()
	st2, err := OpenState(dir, "again")
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	st2.Close()
}
