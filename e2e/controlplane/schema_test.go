package controlplane

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/xray-wizard/xray-wizard/kube"
)

// TestSandboxSchema checks the OpenAPI definitions the practice sandbox's
// server-side apply runs on (kube/openapi.json.gz) against the real API
// server's /openapi/v2: the definitions of every kind the wizard's scheme
// knows and all they refer to, as the server publishes them.
// XRAY_WIZARD_UPDATE_SCHEMA=1 rewrites the file instead.
func TestSandboxSchema(t *testing.T) {
	cp := Start(t, Options{})
	raw, err := cp.Client.Discovery().RESTClient().Get().AbsPath("/openapi/v2").
		SetHeader("Accept", "application/json").DoRaw(context.Background())
	if err != nil {
		t.Fatalf("GET /openapi/v2: %v", err)
	}
	var doc struct {
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// The roots: definitions of a kind in the wizard's scheme.
	var todo []string
	for name, def := range doc.Definitions {
		var d struct {
			GVK []struct{ Group, Version, Kind string } `json:"x-kubernetes-group-version-kind"`
		}
		_ = json.Unmarshal(def, &d)
		for _, g := range d.GVK {
			gv := g.Version
			if g.Group != "" {
				gv = g.Group + "/" + g.Version
			}
			if g.Group == "" && strings.HasPrefix(name, "io.k8s.apimachinery.pkg.apis.meta.v1.") {
				continue // meta kinds every group lists; kept when referred to
			}
			if kube.Scheme.Recognizes(schemaGVK(gv, g.Kind)) && (strings.HasPrefix(name, "io.k8s.api.")) {
				todo = append(todo, name)
			}
		}
	}
	if len(todo) < 20 {
		t.Fatalf("only %d kinds of the scheme in /openapi/v2: %v", len(todo), todo)
	}
	keep := map[string]json.RawMessage{}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if _, ok := keep[name]; ok {
			continue
		}
		def, ok := doc.Definitions[name]
		if !ok {
			t.Fatalf("/openapi/v2 refers to %s and does not define it", name)
		}
		keep[name] = def
		for _, ref := range refs(def) {
			todo = append(todo, ref)
		}
	}
	got, err := json.MarshalIndent(keep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "kube", "openapi.json.gz")
	if os.Getenv("XRAY_WIZARD_UPDATE_SCHEMA") != "" {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(got)
		zw.Close()
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d definitions, %d bytes (%d gzipped)", path, len(keep), len(got), b.Len())
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		var old map[string]json.RawMessage
		_ = json.Unmarshal(want, &old)
		var diff []string
		for k := range keep {
			if !bytes.Equal(compact(keep[k]), compact(old[k])) {
				diff = append(diff, k)
			}
		}
		for k := range old {
			if _, ok := keep[k]; !ok {
				diff = append(diff, k+" (gone)")
			}
		}
		slices.Sort(diff)
		t.Fatalf("kube/openapi.json.gz differs from the API server's definitions in %d: %v\n"+
			"rewrite it with XRAY_WIZARD_UPDATE_SCHEMA=1 go test -run TestSandboxSchema ./e2e/controlplane/", len(diff), diff)
	}
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	_ = json.Compact(&out, b)
	return out.Bytes()
}

// refs are the definitions a definition refers to ("$ref": "#/definitions/X").
func refs(def json.RawMessage) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				out = append(out, strings.TrimPrefix(r, "#/definitions/"))
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	_ = json.Unmarshal(def, &v)
	walk(v)
	return out
}

func schemaGVK(gv, kind string) schema.GroupVersionKind {
	g, v, ok := strings.Cut(gv, "/")
	if !ok {
		g, v = "", gv
	}
	return schema.GroupVersionKind{Group: g, Version: v, Kind: kind}
}
