package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Every entry has both languages, and both take the same arguments in the
// same order, so a Sprintf in one language never shows %!(EXTRA ...).
func TestCatalogComplete(t *testing.T) {
	keys := Keys()
	if len(keys) < 50 {
		t.Fatalf("catalog has only %d keys", len(keys))
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		en, ja, _ := Both(k)
		if en == "" || ja == "" {
			t.Errorf("%s: missing text (en=%q ja=%q)", k, en, ja)
			continue
		}
		ve, vj := verb.FindAllString(en, -1), verb.FindAllString(ja, -1)
		if len(ve) != len(vj) {
			t.Errorf("%s: %d verbs in en, %d in ja", k, len(ve), len(vj))
			continue
		}
		for i := range ve {
			if ve[i] != vj[i] {
				t.Errorf("%s: verb %d is %s in en, %s in ja", k, i, ve[i], vj[i])
			}
		}
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, En},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, Ja},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, En},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, Ja},
	}
	for _, c := range cases {
		if got := Detect(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("Detect(%v) = %s, want %s", c.env, got, c.want)
		}
	}
	if _, err := Parse("xx"); err == nil {
		t.Error("Parse(xx) succeeded")
	}
	if l, _ := Parse("JA"); l != Ja {
		t.Error("Parse(JA) is not Ja")
	}
}

// Every key declared in the catalog's files has an entry: a key without one
// would show as its name on screen.
func TestEveryDeclaredKeyHasText(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	decl := regexp.MustCompile(`(?m)^\s+\w+\s+Key\s+=\s+"([^"]+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, _, ok := Both(Key(m[1])); !ok {
				t.Errorf("%s: key %q has no text", f, m[1])
			}
		}
	}
	if n < 100 {
		t.Errorf("found only %d declared keys", n)
	}
}
