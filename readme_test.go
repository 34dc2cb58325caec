package main

import (
	"os"
	"strings"
	"testing"
)

// The README's screens are the golden views, as captured: a golden that
// changes takes its README excerpt with it.
func TestReadmeScreensAreTheGoldens(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "\n## Screens")
	section, _, _ := strings.Cut(after, "\n## ")
	blocks := strings.Split(section, "```")
	var shown []string
	for i := 1; i < len(blocks); i += 2 {
		shown = append(shown, strings.Trim(blocks[i], "\n"))
	}
	goldens := []string{"en_confirm", "ja_pods", "en_final"}
	if len(shown) != len(goldens) {
		t.Fatalf("README's Screens has %d pictures, want %d (%v)", len(shown), len(goldens), goldens)
	}
	for i, name := range goldens {
		g, err := os.ReadFile("ui/testdata/TestGoldenViews/" + name + ".golden")
		if err != nil {
			t.Fatal(err)
		}
		if shown[i] != strings.Trim(string(g), "\n") {
			t.Errorf("README's picture %d is not ui/testdata/TestGoldenViews/%s.golden: copy it from there", i+1, name)
		}
	}
}
