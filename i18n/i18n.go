// Package i18n is the wizard's string catalog, in English and Japanese. Every
// face (the TUI, the plain lines, the JSON detail, errors) takes its text from
// here, so --lang ja shows Japanese everywhere.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a display language.
type Lang string

// The languages of the catalog.
const (
	En Lang = "en"
	Ja Lang = "ja"
)

// Key names a catalog entry.
type Key string

type entry struct{ en, ja string }

var catalog = map[Key]entry{}

// add registers entries; each file of the catalog calls it from init.
func add(m map[Key]entry) {
	for k, v := range m {
		if _, dup := catalog[k]; dup {
			panic("i18n: duplicate key " + string(k))
		}
		catalog[k] = v
	}
}

// T returns the text of k in l, formatted with args as fmt.Sprintf does. An
// unknown key is returned as is, so a missing entry shows up rather than
// vanishing.
func (l Lang) T(k Key, args ...any) string {
	e, ok := catalog[k]
	if !ok {
		return string(k)
	}
	s := e.en
	if l == Ja && e.ja != "" {
		s = e.ja
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Parse reads a --lang value.
func Parse(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "english":
		return En, nil
	case "ja", "jp", "japanese", "日本語":
		return Ja, nil
	}
	return "", fmt.Errorf("unknown language %q", s)
}

// Detect picks the language from LC_ALL, LC_MESSAGES and LANG, in the order
// POSIX gives them precedence; Japanese when the first one set starts with
// "ja", else English.
func Detect(getenv func(string) string) Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "ja") {
				return Ja
			}
			return En
		}
	}
	return En
}

// Keys lists every key of the catalog (for tests).
func Keys() []Key {
	out := make([]Key, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	return out
}

// Both returns the English and Japanese text of k (for tests).
func Both(k Key) (en, ja string, ok bool) {
	e, ok := catalog[k]
	return e.en, e.ja, ok
}

// Counted is the line of a trace count: its categories, and when X-Ray
// indexes only pct percent of the traces (Transaction Search), the share
// it stands for.
func (l Lang) Counted(total, ok, errs, fault, throttle int, partial bool, pct float64, estimated int) string {
	s := l.T(MsgTracesCounted, total, ok, errs, fault, throttle)
	if partial {
		s += " " + l.T(MsgIndexedShare, pct, estimated)
	}
	return s
}
