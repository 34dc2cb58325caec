package sandbox

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// EKS: clusters, add-ons and Pod Identity associations, with EKS's
// errors; the clusters exist in the account's region only.
func TestAWSEKS(t *testing.T) {
	a, cfg := awsTStart(t, AWSOptions{Clusters: []string{"c-one", "c-two", "eksworkshop-eksctl"}})
	ctx, ec := context.Background(), eks.NewFromConfig(cfg)

	var names []string
	pages := 0
	for p := eks.NewListClustersPaginator(ec, &eks.ListClustersInput{MaxResults: aws.Int32(2)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, page.Clusters...)
	}
	if pages != 2 || !slices.Equal(names, []string{"c-one", "c-two", "eksworkshop-eksctl"}) {
		t.Errorf("%d pages: %v", pages, names)
	}
	_, err := ec.ListClusters(ctx, &eks.ListClustersInput{MaxResults: aws.Int32(101)})
	var ipe *ekstypes.InvalidParameterException
	if !errors.As(err, &ipe) {
		t.Errorf("maxResults 101: %v", err)
	}

	dc, err := ec.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("eksworkshop-eksctl")})
	if err != nil {
		t.Fatal(err)
	}
	c := dc.Cluster
	if aws.ToString(c.Name) != "eksworkshop-eksctl" || aws.ToString(c.Arn) != "arn:aws:eks:us-west-2:123456789012:cluster/eksworkshop-eksctl" ||
		aws.ToString(c.Version) != "1.34" || c.Status != ekstypes.ClusterStatusActive || aws.ToString(c.Identity.Oidc.Issuer) != a.Issuer("eksworkshop-eksctl") ||
		aws.ToString(c.Endpoint) != a.Endpoint("eksworkshop-eksctl") || c.CreatedAt == nil || !strings.HasPrefix(aws.ToString(c.RoleArn), "arn:aws:iam::123456789012:role/") ||
		aws.ToString(c.PlatformVersion) == "" || c.AccessConfig == nil || c.AccessConfig.AuthenticationMode != ekstypes.AuthenticationModeApiAndConfigMap ||
		c.CertificateAuthority == nil || c.ResourcesVpcConfig == nil {
		t.Errorf("cluster %+v", c)
	}
	if a.Issuer("c-one") == a.Issuer("c-two") {
		t.Error("two clusters share an issuer")
	}
	// The cluster's certificate authority, as EKS gives it: a CA
	// certificate, PEM, base64; kept across Reset, and a cluster's own.
	caPEM, err := base64.StdEncoding.DecodeString(aws.ToString(c.CertificateAuthority.Data))
	blk, _ := pem.Decode(caPEM)
	if err != nil || blk == nil || string(caPEM) != a.CA("eksworkshop-eksctl") {
		t.Fatalf("certificate authority %q: %v", aws.ToString(c.CertificateAuthority.Data), err)
	}
	if cert, err := x509.ParseCertificate(blk.Bytes); err != nil || !cert.IsCA || cert.Subject.CommonName != "kubernetes" {
		t.Errorf("certificate authority: %v %v", cert, err)
	}
	a.Reset()
	if a.CA("eksworkshop-eksctl") != string(caPEM) || a.CA("c-one") == a.CA("c-two") {
		t.Error("the certificate authority changed with Reset, or two clusters share one")
	}
	_, err = ec.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("nosuch")})
	var rnf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "No cluster found for name: nosuch." || aws.ToString(rnf.ClusterName) != "nosuch" {
		t.Errorf("missing cluster: %v", err)
	}
	if _, status := awsTCode(t, err); status != 404 {
		t.Errorf("ResourceNotFoundException status %d", status)
	}
	elsewhere := cfg
	elsewhere.Region = "us-east-1"
	if _, err := eks.NewFromConfig(elsewhere).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("eksworkshop-eksctl")}); !errors.As(err, &rnf) {
		t.Errorf("the cluster from another region: %v", err)
	}

	// The Pod Identity agent is there by default.
	ad, err := ec.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String("eksworkshop-eksctl"), AddonName: aws.String("eks-pod-identity-agent")})
	if err != nil || ad.Addon.Status != ekstypes.AddonStatusActive || aws.ToString(ad.Addon.AddonVersion) == "" {
		t.Errorf("agent: %+v %v", ad, err)
	}
	_, err = ec.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String("eksworkshop-eksctl"), AddonName: aws.String("aws-ebs-csi-driver")})
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "No addon: aws-ebs-csi-driver found in cluster: eksworkshop-eksctl" {
		t.Errorf("missing add-on: %v", err)
	}
	la, err := ec.ListAddons(ctx, &eks.ListAddonsInput{ClusterName: aws.String("eksworkshop-eksctl")})
	if err != nil || !slices.Equal(la.Addons, []string{"eks-pod-identity-agent"}) {
		t.Errorf("add-ons %v %v", la, err)
	}

	// Without default add-ons, CreateAddon installs the agent: CREATING
	// for a moment, as its pods start, then ACTIVE.
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	a2, cfg2 := awsTStart(t, AWSOptions{NoAddons: true, Now: now})
	ec2 := eks.NewFromConfig(cfg2)
	agent := &eks.DescribeAddonInput{ClusterName: aws.String("eksworkshop-eksctl"), AddonName: aws.String("eks-pod-identity-agent")}
	if _, err := ec2.DescribeAddon(ctx, agent); !errors.As(err, &rnf) {
		t.Errorf("NoAddons: %v", err)
	}
	ca, err := ec2.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: aws.String("eksworkshop-eksctl"), AddonName: aws.String("eks-pod-identity-agent")})
	if err != nil || ca.Addon.Status != ekstypes.AddonStatusCreating {
		t.Fatalf("create add-on: %+v %v", ca, err)
	}
	if ad, err := ec2.DescribeAddon(ctx, agent); err != nil || ad.Addon.Status != ekstypes.AddonStatusCreating {
		t.Errorf("add-on just created: %+v %v", ad, err)
	}
	clock.Add(int64(addonSettle))
	if ad, err := ec2.DescribeAddon(ctx, agent); err != nil || ad.Addon.Status != ekstypes.AddonStatusActive {
		t.Errorf("created add-on: %+v %v", ad, err)
	}
	_, err = ec2.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: aws.String("eksworkshop-eksctl"), AddonName: aws.String("eks-pod-identity-agent")})
	var inUse *ekstypes.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Errorf("creating twice: %v", err)
	}
	// An add-on whose pods fail: DEGRADED, with its health issues.
	if !a2.SetAddonStatus("eksworkshop-eksctl", "eks-pod-identity-agent", "DEGRADED", AddonIssue{"InsufficientNumberOfReplicas", "The add-on is unhealthy because it doesn't have the desired number of replicas."}) {
		t.Fatal("SetAddonStatus found no add-on")
	}
	ad, err = ec2.DescribeAddon(ctx, agent)
	if err != nil || ad.Addon.Status != ekstypes.AddonStatusDegraded || ad.Addon.Health == nil || len(ad.Addon.Health.Issues) != 1 ||
		ad.Addon.Health.Issues[0].Code != ekstypes.AddonIssueCodeInsufficientNumberOfReplicas {
		t.Errorf("degraded add-on: %+v %v", ad, err)
	}

	// An Auto Mode cluster: compute enabled, the agent built in, no add-on.
	_, cfg3 := awsTStart(t, AWSOptions{AutoMode: true})
	ec3 := eks.NewFromConfig(cfg3)
	auto, err := ec3.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("eksworkshop-eksctl")})
	if err != nil || auto.Cluster.ComputeConfig == nil || !aws.ToBool(auto.Cluster.ComputeConfig.Enabled) || len(auto.Cluster.ComputeConfig.NodePools) != 2 {
		t.Errorf("Auto Mode cluster: %+v %v", auto, err)
	}
	if _, err := ec3.DescribeAddon(ctx, agent); !errors.As(err, &rnf) {
		t.Errorf("Auto Mode's agent as an add-on: %v", err)
	}
	if c.ComputeConfig == nil || aws.ToBool(c.ComputeConfig.Enabled) {
		t.Errorf("a cluster without Auto Mode: compute %+v", c.ComputeConfig)
	}

	// Pod Identity associations.
	ic := iam.NewFromConfig(cfg)
	for _, r := range []string{"pi-role", "pi-role-2"} {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	cl := aws.String("eksworkshop-eksctl")
	pa, err := ec.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: cl, Namespace: aws.String("default"),
		ServiceAccount: aws.String("xray-daemon"), RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-role"), Tags: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(pa.Association.AssociationId)
	if !strings.HasPrefix(id, "a-") || pa.Association.Tags["k"] != "v" || pa.Association.CreatedAt == nil {
		t.Errorf("association %+v", pa.Association)
	}
	if _, err := ec.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: cl, Namespace: aws.String("other"),
		ServiceAccount: aws.String("app"), RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-role")}); err != nil {
		t.Fatal(err)
	}
	_, err = ec.CreatePodIdentityAssociation(ctx, &eks.CreatePodIdentityAssociationInput{ClusterName: cl, Namespace: aws.String("default"),
		ServiceAccount: aws.String("xray-daemon"), RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-role")})
	if !errors.As(err, &inUse) {
		t.Errorf("a second association for the service account: %v", err)
	}
	list, err := ec.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: cl, Namespace: aws.String("default"), ServiceAccount: aws.String("xray-daemon")})
	if err != nil || len(list.Associations) != 1 || aws.ToString(list.Associations[0].AssociationId) != id {
		t.Errorf("filtered list %+v %v", list, err)
	}
	all, err := ec.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: cl})
	if err != nil || len(all.Associations) != 2 {
		t.Errorf("list %+v %v", all, err)
	}
	if got := a.PodIdentityRole("eksworkshop-eksctl", "default", "xray-daemon"); got != "arn:aws:iam::123456789012:role/pi-role" {
		t.Errorf("PodIdentityRole %q", got)
	}
	if _, err := ec.UpdatePodIdentityAssociation(ctx, &eks.UpdatePodIdentityAssociationInput{ClusterName: cl, AssociationId: aws.String(id), RoleArn: aws.String("arn:aws:iam::123456789012:role/pi-role-2")}); err != nil {
		t.Fatal(err)
	}
	d, err := ec.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: cl, AssociationId: aws.String(id)})
	if err != nil || aws.ToString(d.Association.RoleArn) != "arn:aws:iam::123456789012:role/pi-role-2" {
		t.Errorf("described %+v %v", d, err)
	}
	if _, err := ec.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: cl, AssociationId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = ec.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: cl, AssociationId: aws.String(id)})
	if !errors.As(err, &rnf) {
		t.Errorf("deleted association: %v", err)
	}
	if a.PodIdentityRole("eksworkshop-eksctl", "default", "xray-daemon") != "" {
		t.Error("PodIdentityRole after delete")
	}

	// The node role may describe its cluster, nothing more.
	node := eks.NewFromConfig(awsTAs(cfg, NodeAccessKeyID, "x", ""))
	if _, err := node.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: cl}); err != nil {
		t.Errorf("node DescribeCluster: %v", err)
	}
	_, err = node.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: cl})
	if code, status := awsTCode(t, err); code != "AccessDeniedException" || status != 403 {
		t.Errorf("node ListPodIdentityAssociations: %s %d", code, status)
	}
}
