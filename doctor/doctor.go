// Package doctor is xray-wizard doctor: read-only checks of a setup that
// does not work, each naming what it saw and, when something is wrong, the
// fix. It covers the places people get stuck in the lab: the lab's manifest
// on a current cluster, the image and its command, the daemon's region, IRSA
// not in effect, the apps' daemon address, a UDP-only Service, apps that
// need a restart, uploads that do not show, Cloud9's managed credentials,
// and no traces at all. The checks read the collector that runs — the
// X-Ray daemon or the OpenTelemetry Collector (running.go, otel.go) — and
// the role by IRSA or EKS Pod Identity (podidentity.go).
//
// To add a check, write a method of dx that reads what read gathered and
// add it to checks, with a title key in i18n/doctor.go.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/steps"
)

// check is one of the doctor's checks: its id (as JSON names it), its
// title, and the check itself, which reads what dx gathered.
type check struct {
	ID    string
	Title i18n.Key
	Run   func(*dx, context.Context) flow.Finding
}

// checks are the doctor's checks, in the order they run and are shown.
var checks = []check{
	{"credentials", i18n.DxTitleCredentials, (*dx).credentials},
	{"cluster", i18n.DxTitleCluster, (*dx).cluster},
	{"rbac", i18n.DxTitleRBAC, (*dx).rbac},
	{"daemonset", i18n.DxTitleDaemonSet, (*dx).daemonSet},
	{"pods-created", i18n.DxTitlePodsCreated, (*dx).podsCreated},
	{"collector", i18n.DxTitleCollector, (*dx).collector},
	{"region", i18n.DxTitleRegion, (*dx).region},
	{"oidc", i18n.DxTitleOIDC, (*dx).oidc},
	{"role", i18n.DxTitleRole, (*dx).role},
	{"pods-role", i18n.DxTitlePodsRole, (*dx).podsRole},
	{"daemon-log", i18n.DxTitleDaemonLog, (*dx).daemonLog},
	{"service", i18n.DxTitleService, (*dx).service},
	{"app", i18n.DxTitleApp, (*dx).app},
	{"app-address", i18n.DxTitleAppAddress, (*dx).appAddress},
	{"app-restart", i18n.DxTitleAppRestart, (*dx).appRestart},
	{"app-nodes", i18n.DxTitleAppNodes, (*dx).appNodes},
	{"sampling", i18n.DxTitleSampling, (*dx).sampling},
	{"traces", i18n.DxTitleTraces, (*dx).traces},
}

// CheckIDs are the ids of the checks, in the order they run and are shown.
func CheckIDs() []string {
	ids := make([]string, len(checks))
	for i, c := range checks {
		ids[i] = c.ID
	}
	return ids
}

// Input is what the doctor looks at: the clients and options of a setup,
// and the process's environment.
type Input struct {
	Env *steps.Env
	// Getenv reads the environment, for the Cloud9 check (the command line
	// passes its IO streams' Getenv); nil is an empty environment.
	Getenv func(string) string
	// Sandbox: the world is the practice sandbox's, so the fixes carry
	// --sandbox and -y, and kubectl's become xray-wizard's.
	Sandbox bool
}

// dx is what the checks read, each thing read once.
type dx struct {
	env         *steps.Env
	getenv      func(string) string
	ns, appNS   string
	id          *steps.Identity
	idErr       error
	iamErr      error // the IAM probe's error: Cloud9's managed credentials fail here
	kubeErr     error
	version     string
	v1beta1RBAC bool
	ds          *appsv1.DaemonSet
	cm          *corev1.ConfigMap
	svc         *corev1.Service
	pods        []corev1.Pod
	logs        map[string]string // collector pod → its log, earlier runs included; range over podLogs
	deps        []appsv1.Deployment
	appPods     []corev1.Pod
	irsa        *steps.IRSAView
	irsaErr     error
	// oidcAlone is the cluster's OIDC provider as IAM has it, read without
	// the cluster when IRSA as a whole could not be read (Kubernetes down).
	oidcAlone *oidcView
	// readErr is why an object or list could not be read (403, a timeout):
	// the check says so rather than "not there". Keyed as kubectl names it.
	readErr map[string]error
	sandbox bool
	// force: the collector's objects have fields another manager owns
	// (see daemonForce), once forceKnown.
	force, forceKnown bool

	// coll is the collector the checks look at (ds, cm, pods and logs are
	// its); none: no collector is deployed (see running.go).
	coll steps.CollectorNames
	none bool
	pi   piAssociation // read once, with --identity pod-identity
}

// Diagnose runs every check and returns what they found; it changes
// nothing. r gets a Progress line as each check starts.
func Diagnose(ctx context.Context, in Input, r flow.Reporter) flow.Diagnosis {
	env := in.Env
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	d := &dx{env: env, getenv: getenv, ns: env.Opts.Namespace, appNS: env.Opts.AppNamespace, logs: map[string]string{}, readErr: map[string]error{}, sandbox: in.Sandbox}
	d.read(ctx)
	out := flow.Diagnosis{Region: env.Region()}
	if d.irsa != nil && d.irsa.Cluster != nil {
		out.Cluster = d.irsa.Cluster.Name
	} else if d.oidcAlone != nil {
		out.Cluster = d.oidcAlone.cluster
	} else if d.idErr == nil {
		if c, err := env.Cluster(ctx); err == nil {
			out.Cluster = c.Name // IAM refused, EKS answers
		}
	}
	for _, c := range checks {
		title := env.T(d.title(c))
		if r != nil {
			r.Report(flow.Event{Step: "doctor", Kind: flow.Progress, Time: env.Now(), Message: title})
		}
		f := c.Run(d, ctx)
		f.ID, f.Title = c.ID, title
		out.Findings = append(out.Findings, f)
	}
	return out
}

func (d *dx) t(k i18n.Key, args ...any) string { return d.env.T(k, args...) }

func ok(summary string, evidence ...string) flow.Finding {
	return flow.Finding{Status: flow.CheckOK, Summary: summary, Evidence: evidence}
}

func bad(status flow.CheckStatus, summary, fix, command string, evidence ...string) flow.Finding {
	return flow.Finding{Status: status, Summary: summary, Fix: fix, Command: command, Evidence: evidence}
}

func (d *dx) skip(err error) flow.Finding {
	// No credentials, or no cluster: said once, by the credentials and
	// cluster checks; the checks that need them only say so.
	switch {
	case err != nil && err == d.idErr:
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxNeedsCredentials)}
	case err != nil && err == d.kubeErr:
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxNeedsCluster)}
	}
	return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxSkipped), Evidence: []string{err.Error()}}
}

// ---- the checks

// credentials: who the AWS calls run as, and whether IAM accepts them —
// Cloud9's AWS managed temporary credentials fail IAM calls with
// InvalidClientTokenId.
func (d *dx) credentials(context.Context) flow.Finding {
	if d.idErr != nil {
		cause, fix := d.idErr.Error(), d.t(i18n.FixCredentials)
		var fe *flow.Error
		if errors.As(d.idErr, &fe) && fe.Fix != "" {
			cause, fix = fe.Cause, fe.Fix
		}
		return bad(flow.CheckFail, cause, fix, "aws sts get-caller-identity")
	}
	id := d.id
	ev := []string{"sts:GetCallerIdentity → " + id.ARN}
	if d.iamErr != nil {
		ev = append(ev, "iam:ListOpenIDConnectProviders → "+steps.ErrorMessage(d.iamErr))
		if c9 := d.cloud9(); c9 != nil && steps.IsCode(d.iamErr, "InvalidClientTokenId") {
			return d.cloud9Creds(c9, ev) // cloud9.go
		}
		return bad(flow.CheckFail, d.t(i18n.DxIAMRefused), d.t(i18n.FixCredentials), "aws iam list-open-id-connect-providers", ev...)
	}
	return ok(d.t(i18n.DxCredsOK, id.ARN), ev...)
}

// cluster: the Kubernetes API answers.
func (d *dx) cluster(context.Context) flow.Finding {
	if d.kubeErr != nil {
		return bad(flow.CheckFail, d.kubeErr.Error(), d.t(i18n.FixKubeUnreachable), "kubectl version")
	}
	return ok(d.t(i18n.DxClusterOK, d.version, d.env.KubeContext))
}

// rbac: the lab's ClusterRoleBinding is rbac v1beta1, which Kubernetes 1.22
// and later no longer serve, so applying the lab's file fails on it; the
// daemon never calls the Kubernetes API and needs no binding. A binding to
// cluster-admin, as the lab made, is more than it needs.
func (d *dx) rbac(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	ev := []string{d.t(i18n.DxServerVersion, d.version)}
	if !d.v1beta1RBAC {
		ev = append(ev, d.t(i18n.DxNoV1beta1))
	}
	crbs, err := d.env.Kube.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		return d.skip(d.env.KubeError("list", "clusterrolebindings", err))
	}
	for _, b := range crbs.Items {
		for _, s := range b.Subjects {
			if s.Kind == "ServiceAccount" && s.Name == steps.ServiceAccountName && s.Namespace == d.ns && b.RoleRef.Name == "cluster-admin" {
				ev = append(ev, fmt.Sprintf("ClusterRoleBinding %s → cluster-admin", b.Name))
				return bad(flow.CheckWarn, d.t(i18n.DxClusterAdmin, b.Name), d.t(i18n.DxClusterAdminFix),
					d.kubectl("delete clusterrolebinding "+b.Name), ev...)
			}
		}
	}
	return ok(d.t(d.pick(i18n.DxRBACOK, i18n.DxOtelRBACOK)), ev...)
}

// daemonSet: deployed, and its image has the command it runs (the lab's
// Docker Hub command /usr/bin/xray is not in the ECR image, whose binary is
// /xray: CrashLoopBackOff "no such file").
func (d *dx) daemonSet(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread("daemonset/"+d.names().DaemonSet, d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if d.ds == nil {
		return d.noCollector()
	}
	var ev []string
	for _, c := range d.ds.Spec.Template.Spec.Containers {
		cmd := strings.Join(c.Command, " ")
		ev = append(ev, fmt.Sprintf("image %s, command %q", c.Image, cmd))
		if want := imageCommand(c.Image); want != "" && len(c.Command) > 0 && c.Command[0] != want {
			ev = append(ev, d.crashEvidence()...)
			return bad(flow.CheckFail, d.t(i18n.DxImageCommand, c.Image, c.Command[0], want), d.t(i18n.DxImageCommandFix, want),
				d.daemonFix(ctx), ev...)
		}
	}
	if crash := d.crashEvidence(); len(crash) > 0 {
		return bad(flow.CheckFail, d.t(d.pick(i18n.DxCrashing, i18n.DxOtelCrashing)), d.t(i18n.FixCrashLoop, d.ns, crashPod(d.pods)),
			fmt.Sprintf("kubectl logs -n %s %s --previous", d.ns, crashPod(d.pods)), append(ev, crash...)...)
	}
	ready := 0
	for _, p := range d.pods {
		if kube.PodReady(&p) {
			ready++
		}
	}
	ev = append(ev, d.t(d.pick(i18n.DxPodsReady, i18n.DxOtelPodsReady), ready, d.ds.Status.DesiredNumberScheduled))
	if d.ds.Status.DesiredNumberScheduled > 0 && ready < int(d.ds.Status.DesiredNumberScheduled) {
		return bad(flow.CheckWarn, d.t(d.pick(i18n.DxPodsNotReady, i18n.DxOtelPodsNotReady), ready, d.ds.Status.DesiredNumberScheduled), d.t(i18n.FixPodsNotReady, d.ns),
			fmt.Sprintf("kubectl get pods -n %s -l %s -o wide", d.ns, d.names().Label()), ev...)
	}
	return ok(d.t(d.pick(i18n.DxDaemonSetOK, i18n.DxOtelDaemonSetOK), ready), ev...)
}

// imageCommand is the daemon's binary in the images people use.
func imageCommand(image string) string {
	switch {
	case strings.HasPrefix(image, "public.ecr.aws/xray/aws-xray-daemon"):
		return "/xray"
	case strings.HasPrefix(image, "amazon/aws-xray-daemon"), strings.HasPrefix(image, "docker.io/amazon/aws-xray-daemon"):
		return "/usr/bin/xray"
	}
	return ""
}

// crashEvidence are the daemon pods that crash, with what they said.
func (d *dx) crashEvidence() []string {
	var ev []string
	for _, p := range d.pods {
		row := steps.PodRowOf(&p)
		if row.Phase == "CrashLoopBackOff" || row.Phase == "RunContainerError" || row.Phase == "Error" {
			ev = append(ev, fmt.Sprintf("%s %s: %s", p.Name, row.Phase, firstLine(row.Reason+" "+lastLines(d.logs[p.Name], 1))))
		}
	}
	return ev
}

func crashPod(pods []corev1.Pod) string {
	for _, p := range pods {
		if !kube.PodReady(&p) {
			return p.Name
		}
	}
	return "<pod>"
}

// envOf is the value the containers give a variable (the last that sets
// it), and whether any does.
func envOf(cs []corev1.Container, name string) (value string, set bool) {
	for _, c := range cs {
		for _, e := range c.Env {
			if e.Name == name {
				value, set = e.Value, true
			}
		}
	}
	return value, set
}

// region: the daemon finds its region in its config, else it asks the
// instance metadata, which pods on EKS often cannot reach (hop limit 1):
// "Cannot fetch region variable".
func (d *dx) region(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if f, none := d.needCollector(); none {
		return f
	}
	if d.otel() {
		return d.otelRegionCheck(ctx)
	}
	if what, err := d.unread("configmap/"+steps.ConfigMapName, d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	var ev []string
	cfgRegion := ""
	if d.cm != nil {
		var cfg struct {
			Region string `json:"Region"`
		}
		for _, k := range slices.Sorted(maps.Keys(d.cm.Data)) {
			if yaml.Unmarshal([]byte(d.cm.Data[k]), &cfg) == nil && cfg.Region != "" {
				cfgRegion = cfg.Region
			}
		}
		ev = append(ev, fmt.Sprintf("configmap/%s Region: %q", steps.ConfigMapName, cfgRegion))
	} else {
		ev = append(ev, d.t(i18n.DxNotFound, "configmap/"+steps.ConfigMapName))
	}
	for pod, log := range d.podLogs() {
		if strings.Contains(log, "Cannot fetch region variable") {
			ev = append(ev, pod+": "+lineWith(log, "Cannot fetch region variable"))
			return bad(flow.CheckFail, d.t(i18n.DxNoRegion), d.t(i18n.DxNoRegionFix, d.env.Region()),
				d.daemonFix(ctx), ev...)
		}
	}
	switch {
	case d.cm == nil:
		return bad(flow.CheckFail, d.t(i18n.DxNoConfigMap, d.ns, steps.ConfigMapName), d.t(i18n.DxNoConfigMapFix), d.daemonFix(ctx), ev...)
	case cfgRegion == "":
		return bad(flow.CheckWarn, d.t(i18n.DxRegionFromIMDS), d.t(i18n.DxNoRegionFix, d.env.Region()), d.daemonFix(ctx), ev...)
	}
	if f, elsewhere := d.uploadsElsewhere(ctx, cfgRegion, ev); elsewhere {
		return f // region_elsewhere.go
	}
	return ok(d.t(i18n.DxRegionOK, cfgRegion), ev...)
}

// oidc: IRSA needs the cluster's OIDC issuer as an IAM identity provider.
func (d *dx) oidc(context.Context) flow.Finding {
	if d.env.Opts.Identity == steps.IdentityPodIdentity {
		return ok(d.t(i18n.DxPodIdentityNoOIDC))
	}
	v := d.oidcAlone
	switch {
	case d.irsa != nil:
		v = &oidcView{cluster: d.irsa.Cluster.Name, issuer: d.irsa.Cluster.Issuer, provider: d.irsa.Provider, ok: d.irsa.ProviderOK}
	case v == nil:
		return d.skip(d.irsaErr)
	}
	ev := []string{"issuer " + v.issuer}
	if !v.ok {
		fix := "eksctl utils associate-iam-oidc-provider --cluster " + v.cluster + " --approve"
		if d.sandbox {
			fix = d.wizard(flow.IDOIDC, false)
		}
		return bad(flow.CheckFail, d.t(i18n.DxNoOIDC), d.t(i18n.DxNoOIDCFix), fix, append(ev, d.t(i18n.DxNotFound, v.provider))...)
	}
	return ok(d.t(i18n.DxOIDCOK), append(ev, v.provider)...)
}

// role: the service account carries a role whose trust names exactly this
// service account and the sts.amazonaws.com audience (else the daemon gets
// WebIdentityErr / InvalidIdentityToken), with the write policy.
func (d *dx) role(ctx context.Context) flow.Finding {
	if d.env.Opts.Identity == steps.IdentityPodIdentity {
		return d.podIdentityRole(ctx)
	}
	if d.irsaErr != nil {
		if d.idErr != nil || d.iamErr != nil || d.kubeErr != nil {
			return d.skip(d.irsaErr) // a check before says why
		}
		var st apierrors.APIStatus
		if errors.As(d.irsaErr, &st) {
			return d.cannotRead("serviceaccount/"+steps.ServiceAccountName, d.ns, d.irsaErr)
		}
		return d.cannotReadWith("IAM", strings.Replace(d.wizard("oidc,iamsa", false), " -y", "", 1)+" --dry-run", d.irsaErr)
	}
	s := d.irsa
	fix := d.wizard("oidc,iamsa,pods", false)
	if s.ServiceAccount == nil {
		return bad(flow.CheckFail, d.t(i18n.DxNoSA, d.ns, steps.ServiceAccountName), d.t(i18n.DxRoleFix), fix, d.t(i18n.DxNotFound, "serviceaccount/"+steps.ServiceAccountName))
	}
	annotated := s.ServiceAccount.Annotations[steps.RoleARNAnnotation]
	ev := []string{fmt.Sprintf("serviceaccount/%s %s=%q", steps.ServiceAccountName, steps.RoleARNAnnotation, annotated)}
	if annotated == "" {
		return bad(flow.CheckFail, d.t(i18n.DxSANotAnnotated, d.ns, steps.ServiceAccountName), d.t(i18n.DxRoleFix), fix, ev...)
	}
	roleName := annotated[strings.LastIndex(annotated, "/")+1:]
	role, err := d.env.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if steps.IsCode(err, "NoSuchEntity") {
		return bad(flow.CheckFail, d.t(i18n.DxNoRole, roleName), d.t(i18n.DxRoleFix), fix, ev...)
	}
	if err != nil {
		return d.skip(d.env.AWSError("iam:GetRole", err))
	}
	if diff := s.TrustDiff(aws.ToString(role.Role.AssumeRolePolicyDocument)); diff != "" {
		// The wizard rewrites a role's trust only when a person confirms
		// it at the terminal: the fix asks, -y would refuse.
		return bad(flow.CheckFail, d.t(i18n.DxTrustMismatch, roleName), d.t(i18n.DxTrustFix), d.wizardAsking("oidc,iamsa,pods"), append(ev, diff)...)
	}
	pols, err := d.env.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	if err != nil {
		return d.skip(d.env.AWSError("iam:ListAttachedRolePolicies", err))
	}
	attached := false
	for _, p := range pols.AttachedPolicies {
		attached = attached || strings.HasSuffix(aws.ToString(p.PolicyArn), "/"+steps.XRayWritePolicy)
	}
	if !attached {
		return bad(flow.CheckFail, d.t(i18n.DxNoPolicy, roleName, steps.XRayWritePolicy), d.t(i18n.DxRoleFix), fix, ev...)
	}
	return ok(d.t(i18n.DxRoleOK, roleName), ev...)
}

// podsRole: pods started before the annotation run without the role (no
// AWS_ROLE_ARN), and upload as the node role: AccessDenied.
func (d *dx) podsRole(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if f, none := d.needCollector(); none {
		return f
	}
	if what, err := d.unread(d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if d.env.Opts.Identity == steps.IdentityPodIdentity {
		return d.podIdentityPods(ctx)
	}
	stale := d.collectorPodsWithout("AWS_ROLE_ARN")
	if len(d.pods) == 0 {
		return d.noPods()
	}
	if len(stale) > 0 {
		return bad(flow.CheckFail, d.t(d.pick(i18n.DxPodsWithoutRole, i18n.DxOtelPodsWithout), len(stale)),
			d.t(d.pick(i18n.DxRestartDaemonFix, i18n.DxOtelRestartFix)), d.restartFix(), stale...)
	}
	return ok(d.t(d.pick(i18n.DxPodsRoleOK, i18n.DxOtelPodsRoleOK), len(d.pods)))
}

// daemonLog: what the daemon says of its uploads.
func (d *dx) daemonLog(context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if f, none := d.needCollector(); none {
		return f
	}
	if what, err := d.unread(d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if len(d.logs) == 0 {
		return d.noPods()
	}
	if d.otel() {
		return d.otelLog()
	}
	var denied, identity, sent []string
	for pod, log := range d.podLogs() {
		switch {
		case strings.Contains(log, "InvalidIdentityToken") || strings.Contains(log, "WebIdentityErr"):
			identity = append(identity, pod+": "+firstLine(lineWith(log, "Identity")))
		case strings.Contains(log, "AccessDenied"):
			denied = append(denied, pod+": "+firstLine(lineWith(log, "AccessDenied")))
		case strings.Contains(log, "Successfully sent batch"):
			sent = append(sent, pod+": "+lineWith(log, "Successfully sent batch"))
		}
	}
	switch {
	case len(identity) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxWebIdentity), d.t(i18n.DxTrustFix), d.wizardAsking("oidc,iamsa,pods"), identity...)
	case len(denied) > 0:
		return bad(flow.CheckFail, d.t(i18n.DxAccessDenied), d.t(i18n.DxAccessDeniedFix), d.command("doctor", "--output", "json"), denied...)
	case len(sent) > 0:
		return ok(d.t(i18n.DxUploads), sent...)
	}
	return bad(flow.CheckWarn, d.t(i18n.DxNoUploads), d.t(i18n.DxNoUploadsFix), fmt.Sprintf("kubectl logs -n %s -l %s", d.ns, d.names().Label()))
}

// service: the daemon's Service must carry TCP 2000 as well as UDP: the
// SDKs fetch their sampling rules over TCP through the daemon.
func (d *dx) service(ctx context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread("service/" + steps.ServiceName); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if f, none := d.needCollector(); none && d.svc == nil {
		return f // the collector and its Service: one fix, said once
	}
	if d.svc == nil {
		return bad(flow.CheckFail, d.t(d.pick(i18n.DxNoService, i18n.DxOtelNoService), d.ns, steps.ServiceName), d.t(i18n.DxNoDaemonSetFix), d.daemonFix(ctx), d.t(i18n.DxNotFound, "service/"+steps.ServiceName))
	}
	udp, tcp := false, false
	var ev []string
	for _, p := range d.svc.Spec.Ports {
		ev = append(ev, fmt.Sprintf("%s %d", p.Protocol, p.Port))
		udp = udp || p.Protocol == corev1.ProtocolUDP && p.Port == 2000
		tcp = tcp || p.Protocol == corev1.ProtocolTCP && p.Port == 2000
	}
	// Missing TCP 2000 is a failure too: without the sampling proxy the
	// SDKs keep their local rule (1 a second and 5 %), so most requests
	// never become traces and the counts the lab asks for are wrong.
	switch {
	case !udp:
		return bad(flow.CheckFail, d.t(d.pick(i18n.DxNoUDP, i18n.DxOtelNoUDP), steps.ServiceName), d.t(i18n.DxServiceFix), d.daemonFix(ctx), ev...)
	case !tcp:
		return bad(flow.CheckFail, d.t(d.pick(i18n.DxUDPOnly, i18n.DxOtelUDPOnly), steps.ServiceName), d.t(i18n.DxServiceFix), d.daemonFix(ctx), ev...)
	}
	if f, other := d.serviceSelectsOther(ctx); other {
		return f
	}
	if addr, where := d.tcpAddress(); addr != "" {
		ev = append(ev, fmt.Sprintf("%s %s", where, addr))
		if host, _, err := net.SplitHostPort(addr); err != nil || host == "127.0.0.1" || host == "localhost" {
			return bad(flow.CheckFail, d.t(d.pick(i18n.DxTCPLocal, i18n.DxOtelTCPLocal), addr), d.t(d.pick(i18n.DxTCPLocalFix, i18n.DxOtelTCPLocalFix)), d.daemonFix(ctx), ev...)
		}
	}
	return ok(d.t(i18n.DxServiceOK), ev...)
}

// daemonAddresses is each app deployment's AWS_XRAY_DAEMON_ADDRESS ("" when
// it sets none).
func (d *dx) daemonAddresses() map[string]string {
	out := map[string]string{}
	for _, dep := range d.deps {
		out[dep.Name], _ = envOf(dep.Spec.Template.Spec.Containers, "AWS_XRAY_DAEMON_ADDRESS")
	}
	return out
}

// appAddress: the apps' SDKs send to AWS_XRAY_DAEMON_ADDRESS, else to
// 127.0.0.1:2000, where no daemon listens in their pod.
func (d *dx) appAddress(context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread(readDeployments); err != nil {
		return d.cannotRead(what, d.appNS, err)
	}
	if what, err := d.unread("service/"+steps.ServiceName, d.readPods()); err != nil {
		return d.cannotRead(what, d.ns, err)
	}
	if len(d.deps) == 0 {
		// The app check says where the app is, or how to deploy it.
		return flow.Finding{Status: flow.CheckSkip, Summary: d.t(i18n.DxAppNotLooked, d.appNS)}
	}
	want := fmt.Sprintf("%s.%s:2000", steps.ServiceName, d.ns)
	var wrong []string
	var ev []string
	addrs := d.daemonAddresses()
	for _, name := range slices.Sorted(maps.Keys(addrs)) {
		got := addrs[name]
		ev = append(ev, fmt.Sprintf("deployment/%s AWS_XRAY_DAEMON_ADDRESS=%q", name, got))
		if !d.addressReachesDaemon(got) {
			wrong = append(wrong, name)
		}
	}
	if len(wrong) > 0 {
		return bad(flow.CheckFail, d.t(i18n.DxAppAddress, strings.Join(wrong, ", "), want), d.t(i18n.DxAppAddressFix, want),
			d.kubectl(fmt.Sprintf("set env -n %s deployment/%s AWS_XRAY_DAEMON_ADDRESS=%s", d.appNS, strings.Join(wrong, " deployment/"), want)), ev...)
	}
	return ok(d.t(i18n.DxAppAddressOK, want), ev...)
}

// addressReachesDaemon: host:port naming the daemon's Service (short, with
// its namespace, or fully qualified) on 2000, or its ClusterIP, or a daemon
// pod's IP.
func (d *dx) addressReachesDaemon(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != "2000" {
		return false
	}
	names := []string{steps.ServiceName + "." + d.ns, steps.ServiceName + "." + d.ns + ".svc", steps.ServiceName + "." + d.ns + ".svc.cluster.local"}
	if d.appNS == d.ns {
		names = append(names, steps.ServiceName)
	}
	if slices.Contains(names, host) {
		return true
	}
	if d.svc != nil && host == d.svc.Spec.ClusterIP {
		return true
	}
	return d.daemonPodIP(host)
}

func (d *dx) daemonPodIP(ip string) bool {
	for _, p := range d.pods {
		if p.Status.PodIP == ip && p.DeletionTimestamp == nil {
			return true
		}
	}
	return false
}

// appRestart: an app pinned to a daemon pod's IP loses the daemon when that
// pod moves, and app pods keep the environment they started with: restart
// them after the daemon or the address changed.
func (d *dx) appRestart(context.Context) flow.Finding {
	if d.kubeErr != nil {
		return d.skip(d.kubeErr)
	}
	if what, err := d.unread(readAppPods, readDeployments); err != nil {
		return d.cannotRead(what, d.appNS, err)
	}
	var stale, ev []string
	addrs := d.daemonAddresses()
	for _, p := range d.appPods {
		got, set := envOf(p.Spec.Containers, "AWS_XRAY_DAEMON_ADDRESS")
		if !set {
			continue
		}
		host, _, _ := net.SplitHostPort(got)
		if ip := net.ParseIP(host); ip != nil && !d.addressReachesDaemon(got) {
			stale = append(stale, p.Name)
			ev = append(ev, fmt.Sprintf("pod/%s sends to %s, where no daemon runs now", p.Name, got))
			continue
		}
		// The deployment changed its address since the pod started.
		for _, dep := range d.deps {
			if strings.HasPrefix(p.Name, dep.Name+"-") {
				if want := addrs[dep.Name]; want != got {
					stale = append(stale, p.Name)
					ev = append(ev, fmt.Sprintf("pod/%s has %q, deployment/%s now %q", p.Name, got, dep.Name, want))
				}
			}
		}
	}
	if len(stale) > 0 {
		return bad(flow.CheckFail, d.t(i18n.DxAppRestart, len(stale)), d.t(i18n.DxAppRestartFix),
			d.kubectl(fmt.Sprintf("rollout restart -n %s deployment", d.appNS)), ev...)
	}
	return ok(d.t(d.pick(i18n.DxAppRestartOK, i18n.DxOtelAppRestartOK)))
}

// traces: any in the window? If none while the daemon reports uploads,
// they went to another region or another time than the one looked at.
func (d *dx) traces(ctx context.Context) flow.Finding {
	if d.idErr != nil {
		return d.skip(d.idErr)
	}
	start, end := d.env.Window(time.Time{})
	c, err := steps.CountTraces(ctx, d.env, start, end, "")
	if err != nil {
		return d.skip(err)
	}
	ev := []string{d.t(i18n.MsgTracesCounted, c.Total, c.OK, c.Error, c.Fault, c.Throttle),
		fmt.Sprintf("%s %s – %s", d.env.Region(), start.Format(time.DateTime), end.Format(time.DateTime))}
	// With Transaction Search, X-Ray sees only the indexed share.
	ix, _ := d.env.Indexing(ctx)
	pct := fmt.Sprintf("%g", ix.Percent)
	if ix.Partial() {
		ev = append(ev, d.t(i18n.MsgTransactionSearch, pct, steps.IndexingCommand))
	}
	if c.Total > 0 {
		return ok(d.t(i18n.DxTracesOK, c.Total), ev...)
	}
	if ix.Partial() {
		return bad(flow.CheckWarn, d.t(i18n.DxIndexedNone, pct), d.t(i18n.MsgTransactionSearch, pct, steps.IndexingCommand),
			steps.IndexingCommand, ev...)
	}
	if f, elsewhere := d.otelSentElsewhere(ev); elsewhere {
		return f
	}
	sent := ""
	for pod, log := range d.podLogs() {
		if strings.Contains(log, "Successfully sent batch") {
			sent = pod + ": " + lineWith(log, "Successfully sent batch")
			break
		}
	}
	// Sent to another region, or before the window (region_elsewhere.go).
	if f, found := d.tracesElsewhere(ctx, sent, ev); found {
		return f
	}
	if f, found := d.tracesEarlier(ctx, start, end, ev); found {
		return f
	}
	if sent != "" {
		return bad(flow.CheckFail, d.t(i18n.DxSentButNone, d.env.Region()), d.t(i18n.DxSentButNoneFix, d.daemonRegion()),
			d.command("traces", "--since", "1h", "--region", d.daemonRegion()), append(ev, sent)...)
	}
	if d.sandbox {
		// The practice world's app gets no traffic unless someone sends
		// it: the wizard's app step does, and the traces step counts.
		return bad(flow.CheckFail, d.t(i18n.DxNoTraces, d.env.Region()), d.t(i18n.DxNoTracesSandboxFix), d.wizard("app,traces", false), ev...)
	}
	return bad(flow.CheckFail, d.t(i18n.DxNoTraces, d.env.Region()), d.t(i18n.DxNoTracesFix), d.command("traces", "--since", "1h"), ev...)
}

// daemonRegion is the region the daemon uploads to, from its log.
func (d *dx) daemonRegion() string {
	for _, log := range d.podLogs() {
		if l := lineWith(log, "Using region: "); l != "" {
			return strings.TrimSpace(l[strings.Index(l, "Using region: ")+len("Using region: "):])
		}
	}
	return d.env.Region()
}

// ---- text helpers

func lineWith(log, s string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

func lastLines(log string, n int) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
