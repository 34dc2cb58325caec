package steps

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

func TestPrincipalARN(t *testing.T) {
	cases := map[string]string{
		"arn:aws:sts::123456789012:assumed-role/workshop-admin/i-0sandbox":                   "arn:aws:iam::123456789012:role/workshop-admin",
		"arn:aws-cn:sts::123456789012:assumed-role/Admin/alice@example.com":                  "arn:aws-cn:iam::123456789012:role/Admin",
		"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice": "arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123456789abcdef",
		"arn:aws:iam::123456789012:user/alice":                                               "arn:aws:iam::123456789012:user/alice",
		"arn:aws:sts::123456789012:federated-user/bob":                                       "",
		"not an arn": "",
	}
	for in, want := range cases {
		if got := PrincipalARN(in); got != want {
			t.Errorf("PrincipalARN(%q) = %q, want %q", in, got, want)
		}
	}
}

// accessEnv is an Env that has described cluster "lab" (authentication
// mode mode) and knows its caller, as after preflight.
func accessEnv(mode string) *Env {
	e := NewEnv(aws.Config{Region: "us-west-2"}, nil, Options{Namespace: "tracing", AppNamespace: "workshop"})
	e.cluster = &ClusterInfo{Name: "lab", AuthMode: mode}
	e.identity = &Identity{Account: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/Admin/alice", Partition: "aws"}
	return e
}

func refusal(forbidden bool, resource string) error {
	if forbidden {
		return apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "x", errors.New("no RBAC policy matched"))
	}
	return apierrors.NewUnauthorized("Unauthorized")
}

// The refusals of an EKS cluster's API name the IAM principal the cluster
// sees and give the commands that let it in, with the least policy for
// what was refused; a cluster on aws-auth alone gets the aws-auth way.
func TestKubeAccessError(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/Admin"
	entry := "aws eks create-access-entry --cluster-name lab --principal-arn " + role
	admin := "aws eks associate-access-policy --cluster-name lab --principal-arn " + role +
		" --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy --access-scope type=namespace,namespaces=tracing,workshop"
	view := "aws eks associate-access-policy --cluster-name lab --principal-arn " + role +
		" --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy --access-scope type=cluster"
	cases := []struct {
		name      string
		mode      string
		err       error
		cause     string
		commands  []string
		fixHas    string
		roleInKub string
	}{
		{"401, access entries", "API_AND_CONFIG_MAP", refusal(false, ""), "cluster lab did not accept your kube credentials: it has no access entry for " + role,
			[]string{entry, admin}, "only in those namespaces", ""},
		{"401, authentication mode not described", "", refusal(false, ""), "no access entry for " + role, []string{entry, admin}, "AmazonEKSAdminPolicy in the namespaces tracing,workshop", ""},
		{"403 in a namespace", "API", refusal(true, "daemonsets"), role + " may not apply daemonset tracing/xray-daemon on cluster lab",
			[]string{entry, admin}, "ResourceInUseException", ""},
		{"403 on nodes", "API", refusal(true, "nodes"), role + " may not apply daemonset tracing/xray-daemon", []string{entry, view}, "cluster-wide", ""},
		{"401, aws-auth only", "CONFIG_MAP", refusal(false, ""), "no access entry for " + role,
			[]string{"eksctl create iamidentitymapping --cluster lab --region us-west-2 --arn " + role + " --username xray-wizard-admin --group system:masters"},
			"aws eks update-cluster-config --name lab --access-config authenticationMode=API_AND_CONFIG_MAP", ""},
		{"403, aws-auth only", "CONFIG_MAP", refusal(true, "daemonsets"), "may not apply", []string{"kubectl get configmap aws-auth -n kube-system -o yaml"}, "system:masters", ""},
		{"the kubeconfig assumes a role", "API", refusal(false, ""), "no access entry for arn:aws:iam::123456789012:role/eks-admins",
			[]string{"aws eks create-access-entry --cluster-name lab --principal-arn arn:aws:iam::123456789012:role/eks-admins"}, "", "arn:aws:iam::123456789012:role/eks-admins"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := accessEnv(c.mode)
			e.KubeRoleARN = c.roleInKub
			err := e.KubeError("apply", "daemonset tracing/xray-daemon", c.err)
			var fe *flow.Error
			if !errors.As(err, &fe) {
				t.Fatalf("not a flow.Error: %v", err)
			}
			if !strings.Contains(fe.Cause, c.cause) {
				t.Errorf("cause %q lacks %q", fe.Cause, c.cause)
			}
			for i, cmd := range c.commands {
				if i >= len(fe.Commands) || fe.Commands[i] != cmd {
					t.Errorf("commands %q, want %q", fe.Commands, c.commands)
					break
				}
			}
			if !strings.Contains(fe.Fix, c.fixHas) {
				t.Errorf("fix %q lacks %q", fe.Fix, c.fixHas)
			}
			if !errors.Is(err, c.err) {
				t.Error("the API's error is not kept")
			}
			ja := e
			ja.Opts.Lang = i18n.Ja
			if je := ja.KubeError("apply", "daemonset tracing/xray-daemon", c.err).(*flow.Error); je.Cause == fe.Cause || je.Fix == fe.Fix {
				t.Errorf("Japanese is English: %+v", je)
			}
		})
	}
	// An IAM Identity Center role: its ARN has a path the session hides.
	e := accessEnv("API")
	e.identity.ARN = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/alice"
	fe := e.KubeError("get", "/version", refusal(false, "")).(*flow.Error)
	if !strings.Contains(fe.Fix, "aws iam get-role --role-name AWSReservedSSO_Admin_0123 --query Role.Arn") {
		t.Errorf("SSO fix %q", fe.Fix)
	}
	// A cluster not known as EKS: the plain refusal.
	plain := NewEnv(aws.Config{Region: "us-west-2"}, nil, Options{})
	pe := plain.KubeError("apply", "daemonset default/xray-daemon", refusal(true, "daemonsets")).(*flow.Error)
	if !strings.Contains(pe.Cause, "RBAC forbids") || len(pe.Commands) != 0 {
		t.Errorf("not EKS: %+v", pe)
	}
}

// testCA is a self-signed CA certificate, PEM.
func testCA(t *testing.T, name string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, IsCA: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// A context reaches the cluster on its endpoint, or through another
// server with the cluster's certificate authority (in a bundle too).
func TestReachOf(t *testing.T) {
	ca, other := testCA(t, "kubernetes"), testCA(t, "kubernetes")
	c := &ClusterInfo{Name: "lab", Endpoint: "https://ABCD.gr7.us-west-2.eks.amazonaws.com", CA: base64.StdEncoding.EncodeToString(ca)}
	cases := []struct {
		server string
		ca     []byte
		want   Reach
	}{
		{"https://abcd.gr7.us-west-2.eks.amazonaws.com:443/", nil, ReachByURL},
		{"https://127.0.0.1:8443", ca, ReachByCA},
		{"https://localhost:6443", append(append([]byte{}, other...), ca...), ReachByCA},
		{"https://127.0.0.1:8443", other, ReachNone},
		{"https://127.0.0.1:8443", nil, ReachNone},
		{"https://127.0.0.1:8443", []byte("not pem"), ReachNone},
	}
	for _, x := range cases {
		if got := ReachOf(x.server, x.ca, c); got != x.want {
			t.Errorf("ReachOf(%s, %d bytes of CA) = %d, want %d", x.server, len(x.ca), got, x.want)
		}
	}
	if got := ReachOf("https://127.0.0.1:8443", ca, &ClusterInfo{Endpoint: c.Endpoint, CA: "%%%"}); got != ReachNone {
		t.Errorf("EKS CA data that is not base64: %d", got)
	}
}
