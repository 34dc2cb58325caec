package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// ---- filter expressions: the part of X-Ray's language the sandbox knows

// filterView is what a filter expression reads: a whole trace, or inside
// service("X") { … } one segment of that service.
type filterView interface {
	outcome() outcome
	responseTime() float64
	duration() float64
	status() int
	partial() bool
	hasService(name string) []filterView // nil when the view cannot hold services
}

type traceView struct{ t *xtrace }

func (v traceView) outcome() outcome      { return v.t.outcome }
func (v traceView) responseTime() float64 { return v.t.responseTime() }
func (v traceView) duration() float64     { return v.t.duration() }
func (v traceView) status() int           { return v.t.root.status() }
func (v traceView) partial() bool         { return v.t.partial }
func (v traceView) hasService(name string) []filterView {
	out := []filterView{}
	for _, s := range v.t.segs {
		if s.name == name {
			out = append(out, segView{s})
		}
	}
	return out
}

type segView struct{ s *xraySeg }

func (v segView) outcome() outcome               { return v.s.outcome() }
func (v segView) responseTime() float64          { return v.s.duration() }
func (v segView) duration() float64              { return v.s.duration() }
func (v segView) status() int                    { return v.s.status() }
func (v segView) partial() bool                  { return v.s.has(segInProgress) }
func (v segView) hasService(string) []filterView { return nil }

type filterFunc func(filterView) bool

type filterParser struct {
	toks  []string
	pos   int
	inner bool // inside service(…) { … }
}

func tokenizeFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("(){},", c) >= 0:
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case c == '&' || c == '|':
			if i+1 >= len(s) || s[i+1] != c {
				return nil, fmt.Errorf("unexpected %q at %d", c, i)
			}
			toks = append(toks, s[i:i+2])
			i += 2
		case strings.IndexByte("<>=!", c) >= 0:
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else {
				toks = append(toks, string(c))
				i++
			}
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\n\r(){},\"<>=!&|", s[j]) < 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func parseFilter(s string) (filterFunc, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return f, nil
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) next() string { t := p.peek(); p.pos++; return t }

func (p *filterParser) expect(tok string) error {
	if got := p.next(); got != tok {
		if got == "" {
			return fmt.Errorf("expected %q at the end", tok)
		}
		return fmt.Errorf("expected %q, found %q", tok, got)
	}
	return nil
}

func (p *filterParser) or() (filterFunc, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "OR") || p.peek() == "||" {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(v filterView) bool { return a(v) || b(v) }
	}
	return l, nil
}

func (p *filterParser) and() (filterFunc, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "AND") || p.peek() == "&&" {
		p.next()
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(v filterView) bool { return a(v) && b(v) }
	}
	return l, nil
}

var filterComparisons = map[string]func(a, b float64) bool{
	">": func(a, b float64) bool { return a > b }, "<": func(a, b float64) bool { return a < b },
	">=": func(a, b float64) bool { return a >= b }, "<=": func(a, b float64) bool { return a <= b },
	"=": func(a, b float64) bool { return a == b }, "!=": func(a, b float64) bool { return a != b },
}

func (p *filterParser) term() (filterFunc, error) {
	tok := p.next()
	switch kw := strings.ToLower(tok); kw {
	case "":
		return nil, fmt.Errorf("unexpected end of expression")
	case "(":
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		return f, p.expect(")")
	case "ok":
		return func(v filterView) bool { return v.outcome().ok() }, nil
	case "error":
		return func(v filterView) bool { return v.outcome().err }, nil
	case "fault":
		return func(v filterView) bool { return v.outcome().fault }, nil
	case "throttle":
		return func(v filterView) bool { return v.outcome().throttle }, nil
	case "partial":
		return func(v filterView) bool { return v.partial() }, nil
	case "service":
		if p.inner {
			return nil, fmt.Errorf("service() cannot be nested in service() { … }")
		}
		if err := p.expect("("); err != nil {
			return nil, err
		}
		name := p.next()
		if len(name) < 2 || name[0] != '"' || name[len(name)-1] != '"' {
			return nil, fmt.Errorf(`service() takes a quoted name, as service("Frontend"), found %q`, name)
		}
		name = name[1 : len(name)-1]
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		inner := filterFunc(func(filterView) bool { return true })
		if p.peek() == "{" {
			p.next()
			p.inner = true
			f, err := p.or()
			p.inner = false
			if err != nil {
				return nil, err
			}
			if err := p.expect("}"); err != nil {
				return nil, err
			}
			inner = f
		}
		return func(v filterView) bool {
			for _, s := range v.hasService(name) {
				if inner(s) {
					return true
				}
			}
			return false
		}, nil
	case "responsetime", "duration", "http.status":
		op := p.next()
		cmp := filterComparisons[op]
		if cmp == nil {
			return nil, fmt.Errorf("%s needs a comparison (=, !=, <, <=, >, >=), found %q", tok, op)
		}
		numTok := p.next()
		num, err := strconv.ParseFloat(numTok, 64)
		if err != nil {
			return nil, fmt.Errorf("%s %s needs a number, found %q", tok, op, numTok)
		}
		return func(v filterView) bool {
			var x float64
			switch kw {
			case "responsetime":
				x = v.responseTime()
			case "duration":
				x = v.duration()
			default:
				x = float64(v.status())
			}
			return cmp(x, num)
		}, nil
	}
	return nil, fmt.Errorf("%q is not supported by the practice sandbox (it knows service(\"name\") [{ … }], ok, error, fault, throttle, partial, responsetime, duration, http.status, AND, OR and parentheses)", tok)
}
