package steps

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
)

// Names the lab uses.
const (
	ServiceAccountName = "xray-daemon"
	DaemonSetName      = "xray-daemon"
	ConfigMapName      = "xray-config"
	ServiceName        = "xray-service"
	DaemonLabel        = "app=xray-daemon"
	AppServiceName     = "frontend"
	FieldManager       = "xray-wizard"
	ManagedByLabel     = "app.kubernetes.io/managed-by"
	ManagedByValue     = "xray-wizard"
	RoleARNAnnotation  = "eks.amazonaws.com/role-arn"
	XRayWritePolicy    = "AWSXRayDaemonWriteAccess"
	OIDCAudience       = "sts.amazonaws.com"
)

// Identity modes for the daemon's AWS permissions.
const (
	IdentityIRSA        = "irsa"
	IdentityPodIdentity = "pod-identity"
)

// Options are what the person chose on the command line.
type Options struct {
	Cluster      string
	Region       string
	Profile      string
	Kubeconfig   string
	Context      string
	Namespace    string // where the daemon goes
	Collector    string // daemon ("" too) or otel: what the daemonset step deploys
	AppNamespace string // where the sample app lives
	Identity     string // irsa (default) or pod-identity
	Requests     int    // how many requests the traffic step sends
	// SamplingRule is what the sampling step does about the workshop
	// rule: SamplingLeave (the default), SamplingAsk or SamplingRecordAll.
	SamplingRule string
	Since        time.Duration
	Filter       string // X-Ray filter expression for the trace counts
	// TracesOnce makes the traces step count once, without waiting for
	// the traffic's traces (xray-wizard traces).
	TracesOnce bool
	// OverrideExistingSA annotates a ServiceAccount that someone else made.
	OverrideExistingSA bool
	// Force takes ownership of fields another field manager set.
	Force bool
	// Tolerations are added to the collector's pods (--tolerate,
	// --tolerate-all), for nodes with taints.
	Tolerations []corev1.Toleration
	// AcceptContext uses a kube context whose server is not the cluster's
	// endpoint and which does not trust its certificate authority, as
	// reaching it another way (a tunnel, a proxy).
	AcceptContext bool
	// Timeouts of the waiting steps.
	PodsTimeout   time.Duration
	AppTimeout    time.Duration
	TracesTimeout time.Duration
	Lang          i18n.Lang
}

// Env is what every step works with: the AWS clients, the Kubernetes
// clientset and the options, made once before the steps run and not changed
// by them, plus the read-only facts asked of AWS once (the caller, the
// cluster). What one step hands to the next is not here: it is a Handoff.
type Env struct {
	Opts Options
	AWS  aws.Config
	STS  *sts.Client
	IAM  *iam.Client
	EKS  *eks.Client
	XRay *xray.Client
	Kube kube.Interface
	// KubeContext is the name of the kube context in use, and KubeCluster
	// the cluster it points at (for preflight to show and match).
	KubeContext string
	KubeCluster string
	KubeServer  string
	// KubeRoleARN is the IAM role the kube context's credential plugin
	// assumes (aws eks get-token --role-arn), "" when it uses the
	// caller's own credentials.
	KubeRoleARN string
	// KubeCA is the certificate authority the kube context trusts (PEM),
	// and KubeContexts every context of the kubeconfig: preflight matches
	// the cluster by its endpoint or its certificate authority.
	KubeCA       []byte
	KubeContexts []KubeContext
	// KubeErr is why no clientset could be built, shown by the steps that
	// need one.
	KubeErr error
	HTTP    *http.Client
	// PollInterval is how often the traces step asks X-Ray again.
	PollInterval time.Duration
	// Thumbprint fetches the issuer's CA thumbprint; nil means over TLS.
	Thumbprint func(ctx context.Context, issuer string) (string, error)
	Now        func() time.Time
	Log        *slog.Logger
	// PodLog reads a pod's log, earlier runs included; nil reads it from
	// the API server (the sandbox has its own).
	PodLog func(ctx context.Context, namespace, pod string) string
	// Diagnose runs the doctor's read-only checks on this environment, for
	// a wait that sees nothing arrive (the command line sets it: the
	// doctor imports steps, so steps cannot call it). nil: no checks.
	Diagnose func(ctx context.Context) flow.Diagnosis
	// DoctorCommand is xray-wizard doctor with the flags of this run, to
	// point at; empty means plain "xray-wizard doctor".
	DoctorCommand string
	// Cloud9 is the Cloud9 environment the terminal runs in, nil outside
	// one (cloud9.go).
	Cloud9 *Cloud9

	mu           sync.Mutex
	identity     *Identity
	cluster      *ClusterInfo
	pace         aws.Retryer
	indexing     *Indexing // where the spans go (Transaction Search)
	indexingTold bool
}

// Identity is who the AWS calls run as.
type Identity struct {
	Account   string
	ARN       string
	Partition string
}

// ClusterInfo is what EKS says of the cluster.
type ClusterInfo struct {
	Name     string
	ARN      string
	Issuer   string // https://oidc.eks.<region>.amazonaws.com/id/<ID>
	Version  string
	Endpoint string
	Status   string
	// CA is the cluster's certificate authority as EKS gives it
	// (certificateAuthority.data: a PEM certificate, base64).
	CA string
	// AutoMode: EKS Auto Mode runs the cluster's compute
	// (computeConfig.enabled), with the EKS Pod Identity agent built in.
	AutoMode bool
	// AuthMode is how the cluster authenticates IAM principals
	// (accessConfig.authenticationMode): API (access entries),
	// API_AND_CONFIG_MAP, or CONFIG_MAP (the aws-auth ConfigMap only).
	AuthMode string
}

// IssuerHostPath is the issuer without its scheme, as IAM names it.
func (c *ClusterInfo) IssuerHostPath() string {
	return strings.TrimPrefix(c.Issuer, "https://")
}

// NewEnv builds an Env from an AWS config and a clientset.
func NewEnv(cfg aws.Config, kc kube.Interface, opts Options) *Env {
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.AppNamespace == "" {
		opts.AppNamespace = "workshop"
	}
	if opts.Identity == "" {
		opts.Identity = IdentityIRSA
	}
	if opts.Requests <= 0 {
		opts.Requests = 20
	}
	if opts.Lang == "" {
		opts.Lang = i18n.En
	}
	if opts.PodsTimeout == 0 {
		opts.PodsTimeout = 5 * time.Minute
	}
	if opts.AppTimeout == 0 {
		opts.AppTimeout = 5 * time.Minute
	}
	if opts.TracesTimeout == 0 {
		opts.TracesTimeout = 2 * time.Minute
	}
	e := &Env{
		Opts: opts,
		Kube: kc,
		HTTP: &http.Client{Timeout: 10 * time.Second},
		Now:  time.Now,
		Log:  slog.New(slog.DiscardHandler),
	}
	e.UseAWS(cfg)
	return e
}

// UseAWS points the AWS clients at cfg. Call it before the steps run.
// Who the calls run as is asked again (other credentials, another caller).
func (e *Env) UseAWS(cfg aws.Config) {
	e.mu.Lock()
	e.identity = nil
	e.mu.Unlock()
	e.AWS = cfg
	e.STS = sts.NewFromConfig(cfg)
	e.IAM = iam.NewFromConfig(cfg)
	e.EKS = eks.NewFromConfig(cfg)
	e.XRay = xray.NewFromConfig(cfg)
}

// T formats a catalog entry in the person's language.
func (e *Env) T(k i18n.Key, args ...any) string { return e.Opts.Lang.T(k, args...) }

// Region is the AWS region in use.
func (e *Env) Region() string { return e.AWS.Region }

// Identity returns the caller identity, asking STS once.
func (e *Env) Identity(ctx context.Context) (*Identity, error) {
	e.mu.Lock()
	if e.identity != nil {
		defer e.mu.Unlock()
		return e.identity, nil
	}
	e.mu.Unlock()
	out, err := e.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, e.AWSError("sts:GetCallerIdentity", err)
	}
	id := &Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), Partition: "aws"}
	if a, err := arn.Parse(id.ARN); err == nil {
		id.Partition = a.Partition
	}
	e.mu.Lock()
	e.identity = id
	e.mu.Unlock()
	return id, nil
}

// ClusterName is the cluster to work on: --cluster, else the kube context's
// EKS cluster, else the only cluster in the region.
func (e *Env) ClusterName(ctx context.Context) (string, error) {
	if e.Opts.Cluster != "" {
		return e.Opts.Cluster, nil
	}
	if name := EKSClusterFromKube(e.KubeCluster, e.KubeServer, e.Region()); name != "" {
		return name, nil
	}
	names, err := ListClusters(ctx, e.EKS)
	if err != nil {
		return "", e.AWSError("eks:ListClusters", err)
	}
	switch len(names) {
	case 1:
		return names[0], nil
	case 0:
		return "", &flow.Error{Cause: e.T(i18n.ErrNoClusters, e.Region()), Fix: e.T(i18n.FixNoClusters)}
	}
	return "", &flow.Error{Usage: true, Cause: e.T(i18n.ErrManyClusters, e.Region(), strings.Join(names, ", ")), Fix: e.T(i18n.FixManyClusters)}
}

// Cluster returns what EKS says of the cluster, asking once.
func (e *Env) Cluster(ctx context.Context) (*ClusterInfo, error) {
	e.mu.Lock()
	if e.cluster != nil {
		defer e.mu.Unlock()
		return e.cluster, nil
	}
	e.mu.Unlock()
	name, err := e.ClusterName(ctx)
	if err != nil {
		return nil, err
	}
	out, err := e.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		if IsCode(err, "ResourceNotFoundException") {
			return nil, e.clusterNotFound(ctx, name)
		}
		return nil, e.AWSError("eks:DescribeCluster", err)
	}
	c := out.Cluster
	info := &ClusterInfo{
		Name:     aws.ToString(c.Name),
		ARN:      aws.ToString(c.Arn),
		Version:  aws.ToString(c.Version),
		Endpoint: aws.ToString(c.Endpoint),
		Status:   string(c.Status),
	}
	if c.Identity != nil && c.Identity.Oidc != nil {
		info.Issuer = aws.ToString(c.Identity.Oidc.Issuer)
	}
	if c.CertificateAuthority != nil {
		info.CA = aws.ToString(c.CertificateAuthority.Data)
	}
	if c.ComputeConfig != nil {
		info.AutoMode = aws.ToBool(c.ComputeConfig.Enabled)
	}
	if c.AccessConfig != nil {
		info.AuthMode = string(c.AccessConfig.AuthenticationMode)
	}
	e.mu.Lock()
	e.cluster = info
	e.mu.Unlock()
	return info, nil
}

func (e *Env) clusterNotFound(ctx context.Context, name string) error {
	names, _ := ListClusters(ctx, e.EKS) // what could be listed, if anything
	list := strings.Join(names, ", ")
	if list == "" {
		list = e.T(i18n.None)
	}
	return &flow.Error{Cause: e.T(i18n.ErrClusterNotFound, name, e.Region()), Fix: e.T(i18n.FixClusterNotFound, list)}
}

// NeedKube fails with the reason no clientset could be made.
func (e *Env) NeedKube() error {
	if e.Kube != nil {
		return nil
	}
	cause := e.T(i18n.ErrNoKube)
	if e.KubeErr != nil {
		cause = fmt.Sprintf("%s: %v", cause, e.KubeErr)
	}
	return &flow.Error{Cause: cause, Fix: e.T(i18n.FixNoKube)}
}

// ListClusters lists the region's EKS clusters, every page; on an error it
// returns the names listed before it.
func ListClusters(ctx context.Context, c eks.ListClustersAPIClient) ([]string, error) {
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return names, err
		}
		names = append(names, out.Clusters...)
	}
	return names, nil
}

// EKSClusterFromKube finds the EKS cluster name a kube context points at:
// an EKS ARN (aws eks update-kubeconfig), eksctl's "<name>.<region>.eksctl.io",
// or an EKS API endpoint is not enough to know the name.
func EKSClusterFromKube(kubeCluster, server, region string) string {
	if a, err := arn.Parse(kubeCluster); err == nil && a.Service == "eks" && strings.HasPrefix(a.Resource, "cluster/") {
		if region == "" || a.Region == region {
			return strings.TrimPrefix(a.Resource, "cluster/")
		}
		return ""
	}
	if strings.HasSuffix(kubeCluster, ".eksctl.io") {
		parts := strings.Split(strings.TrimSuffix(kubeCluster, ".eksctl.io"), ".")
		if len(parts) >= 2 && (region == "" || parts[len(parts)-1] == region) {
			return strings.Join(parts[:len(parts)-1], ".")
		}
	}
	_ = server
	return ""
}

// countPace is the retryer every trace count shares, so a refresh starts at
// the pace X-Ray allowed the last one.
func (e *Env) countPace() aws.Retryer {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pace == nil {
		e.pace = countRetryer()
	}
	return e.pace
}
