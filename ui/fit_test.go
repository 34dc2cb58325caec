package ui

import (
	"slices"
	"testing"
)

func TestLadders(t *testing.T) {
	if got := oneByOne(3); !slices.Equal(got, part{3, 2, 1, 0}) {
		t.Errorf("oneByOne(3) = %v", got)
	}
	if got := onOff(2); !slices.Equal(got, part{2, 0}) {
		t.Errorf("onOff(2) = %v", got)
	}
	if got := onOff(0); !slices.Equal(got, part{0}) {
		t.Errorf("onOff(0) = %v", got)
	}
	if got := kept(4); !slices.Equal(got, part{4}) {
		t.Errorf("kept(4) = %v", got)
	}
	p := part{5, 3, 3, 1, 0}
	for _, c := range []struct{ keep, rung int }{{9, 0}, {5, 0}, {4, 1}, {3, 1}, {2, 3}, {1, 3}, {0, 4}, {-1, 4}} {
		if got := p.at(c.keep); got != c.rung {
			t.Errorf("at(%d) = %d, want %d", c.keep, got, c.rung)
		}
	}
}

func TestFitParts(t *testing.T) {
	const (
		a = iota
		b
		c
	)
	cases := []struct {
		name  string
		n     int
		parts []part
		cuts  []shed
		want  []int
		ok    bool
	}{
		{"fits as it is", 6, []part{oneByOne(3), onOff(1), kept(2)}, []shed{{a, 3}, {b, 1}}, []int{0, 0, 0}, true},
		{"the first cut goes to its floor before the second", 3, []part{oneByOne(3), onOff(1), kept(2)},
			[]shed{{a, 2}, {b, 1}, {a, 3}}, []int{2, 1, 0}, true},
		{"a cut stops as soon as it fits", 5, []part{oneByOne(3), onOff(1), kept(2)}, []shed{{a, 3}, {b, 1}}, []int{1, 0, 0}, true},
		{"a later cut takes the rest", 2, []part{oneByOne(3), onOff(1), kept(2)}, []shed{{a, 1}, {b, 1}, {a, 3}}, []int{3, 1, 0}, true},
		{"a kept part never shrinks", 1, []part{oneByOne(3), onOff(1), kept(2)}, []shed{{a, 3}, {b, 1}, {c, 5}}, []int{3, 1, 0}, false},
		{"a rung of the same size is a step", 2, []part{{5, 3, 3, 1, 0}}, []shed{{a, 4}}, []int{3}, true},
		{"a floor past the ladder's end is its end", 0, []part{onOff(1)}, []shed{{a, 9}}, []int{1}, true},
		{"no cuts", 1, []part{kept(1), oneByOne(2)}, nil, []int{0, 0}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fitParts(tc.n, tc.parts, tc.cuts)
			if !slices.Equal(got, tc.want) || ok != tc.ok {
				t.Errorf("fitParts = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
			total := 0
			for i := range tc.parts {
				total += sizeOf(tc.parts, got, i)
			}
			if ok && total > tc.n {
				t.Errorf("ok with %d lines in %d", total, tc.n)
			}
		})
	}
}
