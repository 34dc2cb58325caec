package sandbox

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/xray-wizard/xray-wizard/kube"
)

// TestClusterPodsWaitForTheirConfigMap: the daemon's pods mount its
// ConfigMap; applied before it, they wait in ContainerCreating (with the
// kubelet's FailedMount event) and start once it is there.
func TestClusterPodsWaitForTheirConfigMap(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(800 * time.Millisecond) // four start delays
	pods := o.daemonPods("default", "xray-daemon")
	if len(pods) != 3 {
		t.Fatalf("%d pods", len(pods))
	}
	for _, p := range pods {
		if p.Status.Phase != corev1.PodPending || kube.PodReady(p) || len(p.Status.ContainerStatuses) != 1 ||
			p.Status.ContainerStatuses[0].State.Waiting == nil || p.Status.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" {
			t.Errorf("pod %s without its ConfigMap: %s %+v", p.Name, p.Status.Phase, p.Status.ContainerStatuses)
		}
	}
	evs, err := cs.CoreV1().Events("default").List(ctx, metav1.ListOptions{})
	if err != nil || !slices.ContainsFunc(evs.Items, func(e corev1.Event) bool {
		return e.Reason == "FailedMount" && strings.Contains(e.Message, `configmap "xray-config" not found`)
	}) {
		t.Errorf("no FailedMount event: %v", err)
	}
	applyDaemonConfig(t, cs, "us-west-2")
	o.waitFor(t, "pods with their ConfigMap", 5*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return slices.Contains(names(pods), p.Name) })
	})
}

// TestClusterCrashLoops: a daemon that cannot start crash-loops, restarted
// with back-off; the command of the other image's path never starts, and a
// daemon without a region starts once its config has one.
func TestClusterCrashLoops(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{PodStartDelay: 100 * time.Millisecond})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	applyDaemonConfig(t, cs, "")
	crashing := func(p *corev1.Pod) bool {
		st := p.Status.ContainerStatuses
		return p.Status.Phase == corev1.PodRunning && !kube.PodReady(p) && len(st) == 1 && st[0].State.Waiting != nil &&
			st[0].State.Waiting.Reason == "CrashLoopBackOff" && st[0].LastTerminationState.Terminated != nil
	}
	allCrash := func(check func(*corev1.Pod) bool) func() bool {
		return func() bool {
			pods := o.daemonPods("default", "xray-daemon")
			return len(pods) == 3 && !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return !crashing(p) || !check(p) })
		}
	}

	// The ECR Public image with the Docker Hub image's command.
	wrong := daemonSetApply("default", daemonImage)
	wrong.Spec.Template.Spec.Containers[0].Command = []string{"/usr/bin/xray", "-c", "/aws/xray/config.yaml"}
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(wrong), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "CrashLoopBackOff on a missing executable", 5*time.Second, allCrash(func(p *corev1.Pod) bool {
		term := p.Status.ContainerStatuses[0].LastTerminationState.Terminated
		return term.Reason == "StartError" && term.ExitCode == 128 && strings.Contains(term.Message, `exec: "/usr/bin/xray": stat /usr/bin/xray: no such file or directory`)
	}))
	// It is started again, and again, later each time.
	o.waitFor(t, "restarts", 5*time.Second, allCrash(func(p *corev1.Pod) bool { return p.Status.ContainerStatuses[0].RestartCount >= 2 }))

	// The right command, but no region anywhere: the daemon exits.
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o.waitFor(t, "CrashLoopBackOff without a region", 5*time.Second, allCrash(func(p *corev1.Pod) bool {
		term := p.Status.ContainerStatuses[0].LastTerminationState.Terminated
		return term.Reason == "Error" && term.ExitCode == 1 && p.Spec.Containers[0].Command[0] == "/xray"
	}))
	for _, p := range o.daemonPods("default", "xray-daemon") {
		log := c.PodLog("default", p.Name)
		if !slices.ContainsFunc(log, func(l string) bool {
			return strings.HasSuffix(l, "[Error] Cannot fetch region variable from config file, environment variables, ecs metadata, or ec2 metadata. Use local-mode to use the local config region.")
		}) || !strings.Contains(log[0], "[Info] Initializing AWS X-Ray daemon 3.6.6") {
			t.Errorf("pod %s log %q", p.Name, log)
		}
	}
	// The region in the config: at their next restart the pods run (the
	// back-off may have grown to some seconds by then).
	applyDaemonConfig(t, cs, "us-west-2")
	o.waitFor(t, "Ready after the fix", 30*time.Second, func() bool {
		return allReady(o.daemonPods("default", "xray-daemon"), 3, func(p *corev1.Pod) bool { return p.Status.ContainerStatuses[0].RestartCount >= 1 })
	})
	for _, p := range o.daemonPods("default", "xray-daemon") {
		if log := c.PodLog("default", p.Name); !strings.HasSuffix(log[len(log)-1], "[Info] Starting proxy http server on 0.0.0.0:2000") {
			t.Errorf("pod %s log %q", p.Name, log)
		}
	}
}

// TestClusterDeploymentRolloutRestart: the app's Deployments keep their
// pods; `kubectl rollout restart` (or a changed template) replaces them,
// the new pod Ready before the old one goes.
func TestClusterDeploymentRolloutRestart(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{})
	cs := c.Clientset()
	o := observe(t, cs)
	appPods := func() []*corev1.Pod {
		pods, _ := o.pods.Pods("workshop").List(labels.SelectorFromSet(labels.Set{"app": "frontend"}))
		return pods
	}
	before := appPods()
	if len(before) != 1 || !kube.PodReady(before[0]) {
		t.Fatalf("frontend pods %v", names(before))
	}
	restart(t, cs, "Deployment", "workshop", "frontend")
	sawBoth := false
	o.waitFor(t, "the new frontend pod alone", 5*time.Second, func() bool {
		pods := appPods()
		if len(pods) == 2 && kube.PodReady(pods[0]) && kube.PodReady(pods[1]) {
			sawBoth = true
		}
		return len(pods) == 1 && kube.PodReady(pods[0]) && pods[0].Name != before[0].Name
	})
	if !sawBoth {
		t.Error("the old pod went before the new one was Ready")
	}
	now := appPods()[0]
	if !regexp.MustCompile(`^frontend-[a-z0-9]+-[a-z0-9]{5}$`).MatchString(now.Name) || now.Labels["pod-template-hash"] == before[0].Labels["pod-template-hash"] ||
		now.Annotations["kubectl.kubernetes.io/restartedAt"] == "" {
		t.Errorf("new pod %s labels %v annotations %v", now.Name, now.Labels, now.Annotations)
	}
	o.waitFor(t, "the Deployment's status", 2*time.Second, func() bool {
		d, err := o.deps.Deployments("workshop").Get("frontend")
		return err == nil && d.Generation == 2 && d.Status.ObservedGeneration == 2 && d.Status.UpdatedReplicas == 1 && d.Status.ReadyReplicas == 1 && d.Status.Replicas == 1
	})
	// The other Deployments' pods stay.
	for _, app := range []string{"prodcatalog", "proddetail"} {
		pods, _ := o.pods.Pods("workshop").List(labels.SelectorFromSet(labels.Set{"app": app}))
		if len(pods) != 1 || time.Since(pods[0].CreationTimestamp.Time) < time.Hour {
			t.Errorf("%s pods %v", app, names(pods))
		}
	}
}

// TestClusterRunsBarePods: a pod made by hand (`kubectl run`) is scheduled
// on a node, started, and given its service account's role by the webhook.
func TestClusterRunsBarePods(t *testing.T) {
	t.Parallel()
	c := startCluster(t, ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	o := observe(t, cs)
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("debug", "default").
		WithAnnotations(map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/debug"})), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	p, err := cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "aws-cli"}, Spec: corev1.PodSpec{
		ServiceAccountName: "debug", Containers: []corev1.Container{{Name: "aws-cli", Image: "amazon/aws-cli", Command: []string{"sleep", "infinity"}}}}}, metav1.CreateOptions{})
	if err != nil || podEnv(p, "AWS_ROLE_ARN") != "arn:aws:iam::123456789012:role/debug" {
		t.Fatalf("created %+v: %v", p, err)
	}
	o.waitFor(t, "the pod Ready", 5*time.Second, func() bool {
		p, err := o.pods.Pods("default").Get("aws-cli")
		return err == nil && kube.PodReady(p) && slices.Contains(c.Nodes(), p.Spec.NodeName) && p.Status.PodIP != "" && p.Status.HostIP != ""
	})
	// Its service account must exist.
	_, err = cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "orphan"}, Spec: corev1.PodSpec{
		ServiceAccountName: "nobody", Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `error looking up service account default/nobody: serviceaccount "nobody" not found`) {
		t.Errorf("a pod without its service account: %v", err)
	}
}

// kubectl logs on a sandbox pod reads the simulated daemon's log.
func TestClusterPodLogs(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cs := c.Clientset()
	applyDaemonConfig(t, cs, "us-west-2")
	if _, err := cs.CoreV1().ServiceAccounts("default").Apply(ctx, ac(corev1ac.ServiceAccount("xray-daemon", "default")), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AppsV1().DaemonSets("default").Apply(ctx, ac(daemonSetApply("default", daemonImage)), metav1.ApplyOptions{FieldManager: fieldManager}); err != nil {
		t.Fatal(err)
	}
	o := observe(t, cs)
	var pod string
	o.waitFor(t, "a daemon pod with a log", 20*time.Second, func() bool {
		pods, _ := o.pods.Pods("default").List(labels.Everything())
		for _, p := range pods {
			if len(c.PodLog("default", p.Name)) > 1 {
				pod = p.Name
				return true
			}
		}
		return false
	})
	one := int64(1)
	b, err := cs.CoreV1().Pods("default").Logs(ctx, pod, &corev1.PodLogOptions{TailLines: &one})
	all := c.PodLog("default", pod)
	if err != nil || string(b) != all[len(all)-1] {
		t.Fatalf("logs --tail=1 = %q, %v; want %q", b, err, all[len(all)-1])
	}
}

// An informer whose list saw an object deleted before its watch began
// still hears of the deletion, as from an API server's resourceVersion;
// a dry-run delete deletes nothing.
func TestClusterWatchFromListVersion(t *testing.T) {
	t.Parallel()
	c := NewCluster(ClusterOptions{})
	cs, ctx := c.Clientset(), context.Background()
	for _, name := range []string{"a", "b"} {
		if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := cs.CoreV1().ConfigMaps("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 2 || list.ResourceVersion == "" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := cs.CoreV1().ConfigMaps("default").Delete(ctx, "b", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps("default").Get(ctx, "b", metav1.GetOptions{}); err != nil {
		t.Fatalf("a dry-run delete deleted: %v", err)
	}
	if err := cs.CoreV1().ConfigMaps("default").Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	w, err := cs.CoreV1().ConfigMaps("default").Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for len(got) < 2 {
		select {
		case ev := <-w.ResultChan():
			got = append(got, string(ev.Type)+" "+ev.Object.(*corev1.ConfigMap).Name)
		case <-time.After(2 * time.Second):
			t.Fatalf("events: %v", got)
		}
	}
	if want := []string{"DELETED a", "ADDED b"}; !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}
