// Package sandbox is the practice sandbox: simulated AWS endpoints (STS, IAM,
// EKS, X-Ray) served over loopback HTTP with the real wire protocols, a
// simulated EKS cluster with the workshop's sample app, and a simulated X-Ray
// daemon. The wizard's real steps run against it unchanged, through the real
// SDK clients and a client-go clientset, so what a learner does matters: no
// daemon, no traces; a daemon without its IAM role, AccessDenied.
package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/xray-wizard/xray-wizard/kube"
)

// Options shape a sandbox. Zero values give the workshop's setup.
type Options struct {
	Region       string // default us-west-2
	Cluster      string // default eksworkshop-eksctl
	AppNamespace string // default workshop
	Nodes        int    // default 3
	// PodStartDelay and LBDelay pace the simulated cluster; zero keeps its
	// defaults (a couple of seconds, so the learner sees pods come up).
	PodStartDelay time.Duration
	LBDelay       time.Duration
	Log           *slog.Logger
	// SeedTraces stores this many traces of the sample app in X-Ray first,
	// over the last 15 minutes (see AWS.SeedTraces), for practising on the
	// traces screen without sending traffic.
	SeedTraces int
	// World, when not nil, is a world saved before (see State and
	// Sandbox.World): the sandbox goes on from it, in its region, cluster
	// and app namespace, whatever Region, Cluster and AppNamespace say.
	// Nil starts a fresh world, as tests want.
	World *World
	// AutoMode makes the cluster an EKS Auto Mode cluster, with the EKS
	// Pod Identity agent built in (a fresh world only).
	AutoMode bool
	// ClientRegion is the region AWSConfig gives the clients, when not the
	// world's: X-Ray keeps each region's traces apart, so a command that
	// reads only X-Ray (traces --region) may look in another region.
	ClientRegion string
}

// Sandbox is a running practice sandbox.
type Sandbox struct {
	AWS      *AWS
	Cluster  *Cluster
	Endpoint string
	name     string
	region   string
	client   string // the clients' region (Options.ClientRegion)
	cancel   context.CancelFunc
	stopOnce sync.Once
}

// Start starts the AWS endpoints on a free loopback port and the simulated
// cluster. Stop ends both.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	var restore []runtime.Object
	var logs map[string][]string
	if w := o.World; w != nil {
		logs = w.PodLogs
		o.Region, o.Cluster, o.AppNamespace = w.Region, w.Cluster, w.AppNamespace
		if o.Nodes <= 0 {
			o.Nodes = w.Nodes
		}
		restore = w.restoredObjects()
	}
	if o.Region == "" {
		o.Region = "us-west-2"
	}
	if o.Cluster == "" {
		o.Cluster = "eksworkshop-eksctl"
	}
	if o.AppNamespace == "" {
		o.AppNamespace = "workshop"
	}
	a := NewAWS(AWSOptions{Region: o.Region, Clusters: []string{o.Cluster}, NoAddons: true, AutoMode: o.AutoMode})
	if o.World != nil {
		if err := a.Restore(o.World.AWS); err != nil {
			return nil, fmt.Errorf("the saved world: %w", err)
		}
	}
	if o.SeedTraces > 0 {
		if _, err := a.SeedTraces(o.SeedTraces, time.Now()); err != nil {
			return nil, fmt.Errorf("seeding traces: %w", err)
		}
	}
	url, err := a.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("AWS endpoints: %w", err)
	}
	c := NewCluster(ClusterOptions{
		Nodes:         o.Nodes,
		Region:        o.Region,
		Issuer:        a.Issuer(o.Cluster),
		AWSEndpoint:   url,
		PodStartDelay: o.PodStartDelay,
		LBDelay:       o.LBDelay,
		AppNamespace:  o.AppNamespace,
		Cluster:       o.Cluster,
		Log:           o.Log,
		Restore:       restore,
		PodLogs:       logs,
		PodIdentityRole: func(ns, sa string) string {
			return a.PodIdentityRole(o.Cluster, ns, sa)
		},
		SamplingRules: func() []SamplingRuleState { return a.SamplingRules(o.Region) },
		SamplingReport: func(rule string, at time.Time, sampled bool) {
			a.ReportSampling(o.Region, rule, at, sampled)
		},
	})
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := c.Start(cctx); err != nil {
		cancel()
		a.Close()
		return nil, fmt.Errorf("cluster: %w", err)
	}
	client := o.ClientRegion
	if client == "" {
		client = o.Region
	}
	return &Sandbox{AWS: a, Cluster: c, Endpoint: url, name: o.Cluster, region: o.Region, client: client, cancel: cancel}, nil
}

// Stop ends the cluster and the endpoints; what they hold stays, for
// World. Only the first call does anything.
func (s *Sandbox) Stop() {
	s.stopOnce.Do(func() {
		s.cancel()
		s.Cluster.Stop()
		s.AWS.Close()
	})
}

// AWSConfig points the SDK at the sandbox through its own endpoint setting
// (what AWS_ENDPOINT_URL does), with the credentials of the world's
// terminal (the instance role's, or Cloud9's managed temporary ones while
// that setting is on: aws_cloud9.go) and the SDK's standard retryer.
func (s *Sandbox) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.client,
		Credentials:  s.AWS.terminalCredentials(),
		BaseEndpoint: aws.String(s.Endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	}
}

// Clientset is the simulated cluster's Kubernetes API.
func (s *Sandbox) Clientset() kube.Interface { return s.Cluster.Clientset() }

// KubeContext is the kube context name the sandbox stands for.
func (s *Sandbox) KubeContext() string {
	return fmt.Sprintf("sandbox@%s.%s.eksctl.io", s.name, s.region)
}

// KubeCluster is the kubeconfig cluster entry name, as eksctl writes it.
func (s *Sandbox) KubeCluster() string { return fmt.Sprintf("%s.%s.eksctl.io", s.name, s.region) }

// KubeServer is empty: the simulated cluster has no API endpoint of its own.
func (s *Sandbox) KubeServer() string { return "" }

// Thumbprint is the thumbprint of the sandbox issuer's root CA. The issuer
// is simulated, so nothing is fetched: the sandbox never leaves the machine.
func (s *Sandbox) Thumbprint(context.Context, string) (string, error) {
	return "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", nil
}
