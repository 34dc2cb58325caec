package doctor

import (
	"os"
	"strings"
	"testing"
)

// What the doctor reads in the logs of the real Collector (v0.141.0, the
// build of e2e/collector): testdata holds its whole output when X-Ray
// refused an export, and when it found no region (IMDS unreachable).
// e2e/collector checks the same on a Collector it runs.
func TestReadCollectorLog(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	refused := ReadCollectorLog(read("otelcol-v0.141.0-export-refused.log"))
	if !refused.Started || refused.Ready != "Everything is ready. Begin running and processing data." || refused.NoRegion != "" {
		t.Errorf("refused: %+v", refused)
	}
	if len(refused.ExportErrors) != 1 || !strings.HasPrefix(refused.ExportErrors[0], "operation error XRay: PutTraceSegments, https response error StatusCode: 403") ||
		!strings.HasSuffix(refused.ExportErrors[0], "api error UnrecognizedClientException: The security token included in the request is invalid.") {
		t.Errorf("export errors: %q", refused.ExportErrors)
	}
	noRegion := ReadCollectorLog(read("otelcol-v0.141.0-no-region.log"))
	if noRegion.Started || len(noRegion.ExportErrors) != 0 || !strings.Contains(noRegion.NoRegion, `failed to create "awsxray" exporter`) {
		t.Errorf("no region: %+v", noRegion)
	}

	// A failure before the last start belongs to the run before: the pod
	// restarted since.
	again := read("otelcol-v0.141.0-export-refused.log") + "\n" +
		"2026-12-06T15:50:00.000Z\tinfo\tservice@v0.141.0/service.go:247\tEverything is ready. Begin running and processing data.\t{}\n"
	if cl := ReadCollectorLog(again); !cl.Started || len(cl.ExportErrors) != 0 {
		t.Errorf("after a restart: %+v", cl)
	}
	fixed := read("otelcol-v0.141.0-no-region.log") + read("otelcol-v0.141.0-export-refused.log")
	if cl := ReadCollectorLog(fixed); !cl.Started || cl.NoRegion != "" {
		t.Errorf("started with its region after a run without: %+v", cl)
	}
}

// A trust policy's actions for EKS Pod Identity, however IAM writes it: a
// statement or a list of them, a string or a list, URL-encoded.
func TestPodIdentityActions(t *testing.T) {
	cases := []struct {
		doc  string
		want string
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`,
			"sts:AssumeRole, sts:TagSession"},
		{`%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22pods.eks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D`,
			"sts:AssumeRole"},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"]},"Action":"sts:AssumeRole"},` +
			`{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:TagSession"}]}`, "sts:AssumeRole, sts:TagSession"},
		{`{"Statement":[{"Effect":"Deny","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:*"}]}`, "[]"},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, "[]"},
	}
	for _, c := range cases {
		if got := orNone(podIdentityActions(c.doc)); got != c.want {
			t.Errorf("%s:\ngot %s, want %s", c.doc, got, c.want)
		}
	}
	if !allows([]string{"sts:*"}, "sts:TagSession") || allows([]string{"sts:AssumeRole"}, "sts:TagSession") {
		t.Error("allows")
	}
}
