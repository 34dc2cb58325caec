package practice

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// breaker is what a mode breaks the world with.
type breaker struct {
	env       *steps.Env
	kc        kube.Interface
	ns, appNS string
}

const addressVar = "AWS_XRAY_DAEMON_ADDRESS"

func (b *breaker) address() string { return fmt.Sprintf("%s.%s:2000", steps.ServiceName, b.ns) }

// ---- healing

func (b *breaker) healApp(ctx context.Context) error {
	deps, err := b.kc.AppsV1().Deployments(b.appNS).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	changed := false
	for _, d := range deps.Items {
		if v, _ := containerEnv(d.Spec.Template.Spec.Containers, addressVar); v != b.address() {
			if err := SetEnv(ctx, b.kc, b.appNS, d.Name, map[string]string{addressVar: b.address()}, nil); err != nil {
				return err
			}
			changed = true
		}
	}
	if changed {
		return WaitSettled(ctx, b.kc, b.appNS)
	}
	return nil
}

func (b *breaker) healRBAC(ctx context.Context) error {
	err := b.kc.RbacV1().ClusterRoleBindings().Delete(ctx, steps.DaemonSetName, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}

// ---- the daemon's objects, as kubectl edit would change them

func (b *breaker) editConfig(ctx context.Context, edit func(cfg map[string]any)) error {
	cms := b.kc.CoreV1().ConfigMaps(b.ns)
	cm, err := cms.Get(ctx, steps.ConfigMapName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	var cfg map[string]any
	if err := yamlUnmarshal(cm.Data["config.yaml"], &cfg); err != nil {
		return err
	}
	edit(cfg)
	raw, err := yamlMarshal(cfg)
	if err != nil {
		return err
	}
	cm.Data["config.yaml"] = raw
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: managerEdit})
	return err
}

func (b *breaker) editDaemonSet(ctx context.Context, edit func(*appsv1.DaemonSet)) error {
	ds, err := daemonSet(ctx, b.kc, b.ns)
	if err != nil {
		return err
	}
	edit(ds)
	_, err = b.kc.AppsV1().DaemonSets(b.ns).Update(ctx, ds, metav1.UpdateOptions{FieldManager: managerEdit})
	return err
}

func (b *breaker) restartDaemon(ctx context.Context) error {
	if err := RolloutRestart(ctx, b.kc, b.ns, "daemonset", steps.DaemonSetName); err != nil {
		return err
	}
	return WaitSettled(ctx, b.kc, b.ns)
}

// annotate sets or (with "") removes the service account's role, as
// `kubectl annotate serviceaccount` does.
func (b *breaker) annotate(ctx context.Context, role string) (string, error) {
	sas := b.kc.CoreV1().ServiceAccounts(b.ns)
	sa, err := sas.Get(ctx, steps.ServiceAccountName, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	was := sa.Annotations[steps.RoleARNAnnotation]
	if role == "" {
		delete(sa.Annotations, steps.RoleARNAnnotation)
	} else {
		if sa.Annotations == nil {
			sa.Annotations = map[string]string{}
		}
		sa.Annotations[steps.RoleARNAnnotation] = role
	}
	_, err = sas.Update(ctx, sa, metav1.UpdateOptions{FieldManager: "kubectl-annotate"})
	return was, err
}

// ---- the modes

// labManifest: the lab's own xray-k8s-daemonset.yaml in place of the
// wizard's, as `kubectl apply -f` leaves it on Kubernetes 1.22+: its
// v1beta1 ClusterRoleBinding was refused, so the learner changed it to v1
// (cluster-admin, more than the daemon needs), and the rest went in — a
// headless Service with UDP 2000 only, the Docker Hub image, hostNetwork.
func (b *breaker) labManifest(ctx context.Context) error {
	core, apps := b.kc.CoreV1(), b.kc.AppsV1()
	for _, del := range []func() error{
		func() error { return apps.DaemonSets(b.ns).Delete(ctx, steps.DaemonSetName, metav1.DeleteOptions{}) },
		func() error { return core.Services(b.ns).Delete(ctx, steps.ServiceName, metav1.DeleteOptions{}) },
		func() error { return core.ConfigMaps(b.ns).Delete(ctx, steps.ConfigMapName, metav1.DeleteOptions{}) },
	} {
		if err := del(); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	if err := WaitSettled(ctx, b.kc, b.ns); err != nil {
		return err
	}
	create := metav1.CreateOptions{FieldManager: managerApply}
	lbl := map[string]string{"app": "xray-daemon"}
	_, err := b.kc.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: steps.DaemonSetName},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: steps.ServiceAccountName, Namespace: b.ns}},
	}, create)
	if err != nil {
		return err
	}
	_, err = core.ConfigMaps(b.ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: steps.ConfigMapName, Namespace: b.ns},
		Data: map[string]string{"config.yaml": "# Maximum buffer size in MB (minimum 3). Choose 0 to use 1% of host memory.\nTotalBufferSizeMB: 0\n" +
			"# Maximum number of concurrent calls to AWS X-Ray to upload segment documents.\nConcurrency: 8\n" +
			"# Send segments to AWS X-Ray service in a specific region\nRegion: \"\"\n" +
			"Socket:\n  # Change the address and port on which the daemon listens for UDP packets containing segment documents.\n  UDPAddress: \"0.0.0.0:2000\"\n" +
			"Logging:\n  LogRotation: true\n  LogLevel: \"info\"\n" +
			"# Turn on local mode to skip EC2 instance metadata check.\nLocalMode: false\n" +
			"Version: 1\n"},
	}, create)
	if err != nil {
		return err
	}
	_, err = core.Services(b.ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: steps.ServiceName, Namespace: b.ns},
		Spec: corev1.ServiceSpec{Selector: lbl, ClusterIP: corev1.ClusterIPNone,
			Ports: []corev1.ServicePort{{Name: "incoming", Port: 2000, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromInt32(2000)}}},
	}, create)
	if err != nil {
		return err
	}
	_, err = apps.DaemonSets(b.ns).Create(ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: steps.DaemonSetName, Namespace: b.ns},
		Spec: appsv1.DaemonSetSpec{
			Selector:       &metav1.LabelSelector{MatchLabels: lbl},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl},
				Spec: corev1.PodSpec{
					ServiceAccountName: steps.ServiceAccountName,
					HostNetwork:        true,
					Volumes: []corev1.Volume{{Name: "config-volume", VolumeSource: corev1.VolumeSource{
						ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: steps.ConfigMapName}}}}},
					Containers: []corev1.Container{{
						Name: "xray-daemon", Image: "amazon/aws-xray-daemon",
						Command:      []string{"/usr/bin/xray", "-c", "/aws/xray/config.yaml"},
						Ports:        []corev1.ContainerPort{{Name: "xray-ingest", ContainerPort: 2000, HostPort: 2000, Protocol: corev1.ProtocolUDP}},
						VolumeMounts: []corev1.VolumeMount{{Name: "config-volume", MountPath: "/aws/xray", ReadOnly: true}},
					}},
				},
			},
		},
	}, create)
	return err
}

// ecrCommand: the ECR Public image with the Docker Hub image's command.
func (b *breaker) ecrCommand(ctx context.Context) error {
	return b.editDaemonSet(ctx, func(ds *appsv1.DaemonSet) {
		c := &ds.Spec.Template.Spec.Containers[0]
		c.Image = "public.ecr.aws/xray/aws-xray-daemon:latest"
		c.Command = []string{"/usr/bin/xray", "-c", "/aws/xray/config.yaml"}
	})
}

// noRegion: no Region in the config, and daemon pods that started before
// the role (so nothing put AWS_REGION in their environment either): the
// daemon asks the instance metadata, which pods cannot reach.
func (b *breaker) noRegion(ctx context.Context) error {
	if err := b.editConfig(ctx, func(cfg map[string]any) { delete(cfg, "Region") }); err != nil {
		return err
	}
	return b.podsBeforeRole(ctx)
}

// noConfigMap: the daemon's ConfigMap deleted; its pods cannot read the
// config their command names when they start again.
func (b *breaker) noConfigMap(ctx context.Context) error {
	// The running daemons read their config when they started; the pods
	// the next start makes wait for the volume (FailedMount).
	return b.kc.CoreV1().ConfigMaps(b.ns).Delete(ctx, steps.ConfigMapName, metav1.DeleteOptions{})
}

// noOIDC: the cluster's IAM OIDC provider deleted (as after deleting and
// re-creating a cluster, or cleaning up IAM by hand).
func (b *breaker) noOIDC(ctx context.Context) error {
	arn, _, err := b.env.ProviderARN(ctx)
	if err != nil {
		return err
	}
	_, err = b.env.IAM.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	return err
}

// saNotAnnotated: the service account without its role annotation, and
// the daemon restarted since: it runs as the node's role.
func (b *breaker) saNotAnnotated(ctx context.Context) error {
	if _, err := b.annotate(ctx, ""); err != nil {
		return err
	}
	return b.restartDaemon(ctx)
}

// podsBeforeRole: the daemon's pods started while the service account had
// no role annotation; it has one now, and they still run without it.
func (b *breaker) podsBeforeRole(ctx context.Context) error {
	role, err := b.annotate(ctx, "")
	if err != nil {
		return err
	}
	if err := b.restartDaemon(ctx); err != nil {
		return err
	}
	_, err = b.annotate(ctx, role)
	return err
}

func (b *breaker) roleName(ctx context.Context) (string, error) {
	sa, err := b.kc.CoreV1().ServiceAccounts(b.ns).Get(ctx, steps.ServiceAccountName, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	arn := sa.Annotations[steps.RoleARNAnnotation]
	return arn[strings.LastIndex(arn, "/")+1:], nil
}

// policyDetached: AWSXRayDaemonWriteAccess detached from the role.
func (b *breaker) policyDetached(ctx context.Context) error {
	role, err := b.roleName(ctx)
	if err != nil {
		return err
	}
	pols, err := b.env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return err
	}
	for _, p := range pols.AttachedPolicies {
		if strings.HasSuffix(aws.ToString(p.PolicyArn), "/"+steps.XRayWritePolicy) {
			if _, err := b.env.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: p.PolicyArn}); err != nil {
				return err
			}
		}
	}
	return nil
}

// editTrust changes the role's trust policy's StringEquals conditions.
func (b *breaker) editTrust(ctx context.Context, edit func(key string, cond map[string]any)) error {
	role, err := b.roleName(ctx)
	if err != nil {
		return err
	}
	out, err := b.env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		return err
	}
	doc := aws.ToString(out.Role.AssumeRolePolicyDocument)
	if dec, err := url.QueryUnescape(doc); err == nil {
		doc = dec
	}
	var pol map[string]any
	if err := json.Unmarshal([]byte(doc), &pol); err != nil {
		return err
	}
	stmts, _ := pol["Statement"].([]any)
	for _, s := range stmts {
		st, _ := s.(map[string]any)
		conds, _ := st["Condition"].(map[string]any)
		eq, _ := conds["StringEquals"].(map[string]any)
		for _, k := range sortedAny(eq) {
			edit(k, eq)
		}
	}
	raw, err := json.Marshal(pol)
	if err != nil {
		return err
	}
	_, err = b.env.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(string(raw))})
	return err
}

// trustOtherSA: the role trusts another service account (a typo in
// --name, or the role made for another namespace).
func (b *breaker) trustOtherSA(ctx context.Context) error {
	return b.editTrust(ctx, func(k string, eq map[string]any) {
		if strings.HasSuffix(k, ":sub") {
			eq[k] = "system:serviceaccount:" + b.ns + ":xray"
		}
	})
}

// trustAud: the trust's audience is not sts.amazonaws.com.
func (b *breaker) trustAud(ctx context.Context) error {
	return b.editTrust(ctx, func(k string, eq map[string]any) {
		if strings.HasSuffix(k, ":aud") {
			eq[k] = "sts.amazon.com"
		}
	})
}

func (b *breaker) setAppAddress(ctx context.Context, set map[string]string, unset []string) error {
	deps, err := b.kc.AppsV1().Deployments(b.appNS).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	if len(deps.Items) == 0 {
		return fmt.Errorf("no app deployments in %s", b.appNS)
	}
	for _, d := range deps.Items {
		if err := SetEnv(ctx, b.kc, b.appNS, d.Name, set, unset); err != nil {
			return err
		}
	}
	return WaitSettled(ctx, b.kc, b.appNS)
}

// appNoAddress: the app's deployments without AWS_XRAY_DAEMON_ADDRESS.
func (b *breaker) appNoAddress(ctx context.Context) error {
	return b.setAppAddress(ctx, nil, []string{addressVar})
}

// appShortAddress: the daemon's Service named without its namespace,
// which the app's pods resolve in their own namespace.
func (b *breaker) appShortAddress(ctx context.Context) error {
	return b.setAppAddress(ctx, map[string]string{addressVar: steps.ServiceName + ":2000"}, nil)
}

// appPinnedIP: the app sends to a daemon pod's IP, copied from kubectl
// get pods -o wide; the daemon was redeployed since, and that pod is gone.
func (b *breaker) appPinnedIP(ctx context.Context) error {
	pods, err := b.kc.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{LabelSelector: steps.DaemonLabel})
	if err != nil {
		return err
	}
	ips := []string{}
	for _, p := range pods.Items {
		if p.Status.PodIP != "" {
			ips = append(ips, p.Status.PodIP)
		}
	}
	if len(ips) == 0 {
		return fmt.Errorf("no daemon pod has an IP")
	}
	slices.Sort(ips)
	if err := b.setAppAddress(ctx, map[string]string{addressVar: ips[0] + ":2000"}, nil); err != nil {
		return err
	}
	return b.restartDaemon(ctx)
}

// udpOnly: the daemon's Service without TCP 2000.
func (b *breaker) udpOnly(ctx context.Context) error {
	svcs := b.kc.CoreV1().Services(b.ns)
	svc, err := svcs.Get(ctx, steps.ServiceName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	svc.Spec.Ports = slices.DeleteFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Protocol == corev1.ProtocolTCP })
	_, err = svcs.Update(ctx, svc, metav1.UpdateOptions{FieldManager: managerEdit})
	return err
}

// noTCPAddress: the daemon's config without Socket.TCPAddress, so its
// sampling proxy listens on its default, 127.0.0.1:2000.
func (b *breaker) noTCPAddress(ctx context.Context) error {
	if err := b.editConfig(ctx, func(cfg map[string]any) {
		if sock, ok := cfg["Socket"].(map[string]any); ok {
			delete(sock, "TCPAddress")
		}
	}); err != nil {
		return err
	}
	return b.restartDaemon(ctx)
}

func containerEnv(cs []corev1.Container, name string) (string, bool) {
	for _, c := range cs {
		for _, e := range c.Env {
			if e.Name == name {
				return e.Value, true
			}
		}
	}
	return "", false
}

func sortedAny(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func yamlUnmarshal(s string, v any) error { return sigsyaml.Unmarshal([]byte(s), v) }

func yamlMarshal(v any) (string, error) {
	b, err := sigsyaml.Marshal(v)
	return string(b), err
}
