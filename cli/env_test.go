package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/xray-wizard/xray-wizard/steps"
)

// The kube target carries what preflight matches the cluster by — every
// context's server and certificate authority (data or file) — and the role
// the context's credential plugin assumes, for the access commands.
func TestKubeTargetContexts(t *testing.T) {
	dir := t.TempDir()
	dataCA, fileCA := testCA(t), testCA(t)
	caFile := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(caFile, fileCA, 0o600); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(dir, "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
current-context: eks
clusters:
- name: arn:aws:eks:us-west-2:123456789012:cluster/lab
  cluster: {server: "https://ABC.gr7.us-west-2.eks.amazonaws.com", certificate-authority-data: "` + base64.StdEncoding.EncodeToString(dataCA) + `"}
- name: tunnel
  cluster: {server: "https://127.0.0.1:8443", certificate-authority: "` + caFile + `"}
contexts:
- name: eks
  context: {cluster: "arn:aws:eks:us-west-2:123456789012:cluster/lab", user: eks}
- name: tunnel
  context: {cluster: tunnel, user: iam}
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, us-west-2, eks, get-token, --cluster-name, lab, --output, json, --role-arn, "arn:aws:iam::123456789012:role/eks-admins"]
- name: iam
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/local/bin/aws-iam-authenticator
      args: [token, -i, lab, -r, "arn:aws:iam::123456789012:role/bastion"]
`
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	k := kubeTargetFor(steps.Options{Kubeconfig: kc})
	if k.err != nil {
		t.Fatal(k.err)
	}
	if k.context != "eks" || string(k.ca) != string(dataCA) || k.role != "arn:aws:iam::123456789012:role/eks-admins" {
		t.Errorf("eks: context %q ca %q role %q", k.context, k.ca, k.role)
	}
	if len(k.contexts) != 2 || k.contexts[0].Name != "eks" || string(k.contexts[0].CA) != string(dataCA) ||
		k.contexts[1].Name != "tunnel" || string(k.contexts[1].CA) != string(fileCA) || k.contexts[1].Server != "https://127.0.0.1:8443" {
		t.Errorf("contexts %+v", k.contexts)
	}
	k = kubeTargetFor(steps.Options{Kubeconfig: kc, Context: "tunnel"})
	if k.context != "tunnel" || string(k.ca) != string(fileCA) || k.role != "arn:aws:iam::123456789012:role/bastion" || k.server != "https://127.0.0.1:8443" {
		t.Errorf("tunnel: context %q ca %q role %q server %q", k.context, k.ca, k.role, k.server)
	}
}

func TestExecRole(t *testing.T) {
	cases := []struct {
		exec *clientcmdapi.ExecConfig
		want string
	}{
		{nil, ""},
		{&clientcmdapi.ExecConfig{Command: "aws", Args: []string{"eks", "get-token", "--cluster-name", "lab"}}, ""},
		{&clientcmdapi.ExecConfig{Command: "aws", Args: []string{"eks", "get-token", "--role-arn=arn:aws:iam::1:role/r"}}, "arn:aws:iam::1:role/r"},
		// -r is aws-iam-authenticator's, not the AWS CLI's.
		{&clientcmdapi.ExecConfig{Command: "aws", Args: []string{"eks", "get-token", "-r", "x"}}, ""},
		{&clientcmdapi.ExecConfig{Command: "aws-iam-authenticator", Args: []string{"token", "-i", "lab", "--role", "arn:aws:iam::1:role/r"}}, "arn:aws:iam::1:role/r"},
	}
	for _, c := range cases {
		if got := execRole(&clientcmdapi.AuthInfo{Exec: c.exec}); got != c.want {
			t.Errorf("execRole(%+v) = %q, want %q", c.exec, got, c.want)
		}
	}
}

// testCA is a self-signed CA certificate, PEM.
func testCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"}, IsCA: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
