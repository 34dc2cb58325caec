package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's screens are golden views, as captured: a golden that
// changes takes its README excerpt with it, since every picture must be
// one of the goldens to the letter.
func TestReadmeScreensAreTheGoldens(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "\n## Screens")
	section, _, _ := strings.Cut(after, "\n## ")
	blocks := strings.Split(section, "```")
	goldens := map[string]string{}
	err = filepath.WalkDir("ui/testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden") {
			return err
		}
		g, err := os.ReadFile(path)
		goldens[strings.Trim(string(g), "\n")] = path
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for i := 1; i < len(blocks); i += 2 {
		shown++
		pic := strings.Trim(blocks[i], "\n")
		if _, ok := goldens[pic]; !ok {
			first, _, _ := strings.Cut(strings.TrimSpace(pic), "\n")
			t.Errorf("README's picture %d (%q…) is none of the goldens in ui/testdata: copy it from its golden", shown, first)
		}
	}
	if shown < 3 {
		t.Errorf("README's Screens shows %d pictures, want at least the confirmation, the pods and the final screen", shown)
	}
}
