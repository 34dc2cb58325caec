package ui

// Fitting parts of a pane into the lines it has.
//
// A pane is made of parts (a step's why, its commands, a plan's changes,
// the prompt). Each part can be drawn at a few sizes, largest first: its
// ladder. fitParts brings the parts down their ladders, in the order the
// cuts give (the least needed first), until their lines fit; each cut
// stops at a floor, the rung that part keeps while later cuts take from
// the others. A view builds its parts, fits them, then draws each at the
// rung it got.

// part is the sizes, in lines, a part can be drawn at, largest first.
// Rungs may repeat a size: dropping one line of a list and adding the
// "+N more" line that counts it costs nothing, but it is a step down.
type part []int

// onOff is a part that is shown whole or not at all.
func onOff(lines int) part {
	if lines <= 0 {
		return part{0}
	}
	return part{lines, 0}
}

// oneByOne is a part that can lose its lines one at a time, down to none.
func oneByOne(n int) part {
	p := make(part, 0, max(n, 0)+1)
	for i := max(n, 0); i >= 0; i-- {
		p = append(p, i)
	}
	return p
}

// kept is a part that never shrinks.
func kept(n int) part { return part{max(n, 0)} }

// at is the rung of p that has at most n lines: the floor "keep n".
func (p part) at(n int) int {
	for r, size := range p {
		if size <= n {
			return r
		}
	}
	return len(p) - 1
}

// shed takes a part down its ladder to the rung floor, no further.
type shed struct{ part, floor int }

// fitParts says at which rung each part is drawn so that together they
// take at most n lines: it makes the cuts in order, each a rung at a time
// and only while the parts are too tall. ok is false when the parts are
// still too tall after every cut.
func fitParts(n int, parts []part, cuts []shed) (rungs []int, ok bool) {
	rungs = make([]int, len(parts))
	total := 0
	for _, p := range parts {
		total += p[0]
	}
	for _, c := range cuts {
		p := parts[c.part]
		for total > n && rungs[c.part] < min(c.floor, len(p)-1) {
			r := rungs[c.part]
			total += p[r+1] - p[r]
			rungs[c.part] = r + 1
		}
	}
	return rungs, total <= n
}

// sizeOf is the lines part i takes at its rung.
func sizeOf(parts []part, rungs []int, i int) int { return parts[i][rungs[i]] }
