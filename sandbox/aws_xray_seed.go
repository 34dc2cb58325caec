package sandbox

import (
	"fmt"
	"time"
)

// SeedStats are what SeedTraces stored: the totals a count of the window
// [From, To] must find.
type SeedStats struct {
	Total, OK, Error, Throttle, Fault int
	ByService                         map[string]int
	From, To                          time.Time
}

// The sample app's services, as its SDKs name them.
const (
	seedFrontend = "Frontend"
	seedCatalog  = "Product-Catalog"
	seedDetail   = "Product-Detail"
)

// seedSpan is how far back seeded traces go.
const seedSpan = 14*time.Minute + 30*time.Second

// SeedTraces stores n traces of the sample app in X-Ray of the account's
// region, spread evenly over the last 15 minutes: from 14½ minutes before
// now (so a 15-minute count begun up to half a minute later, as the traces
// screen's is, finds them all) to 5 s before it (SeedTracesOver).
func (a *AWS) SeedTraces(n int, now time.Time) (SeedStats, error) {
	return a.SeedTracesOver(n, now.Add(-seedSpan), now.Add(-5*time.Second))
}

// SeedTracesOver stores n traces of the sample app in X-Ray of the
// account's region, spread evenly over [from, to] (whole seconds), their
// ids carrying their epoch second. The mix is fixed: of every
// 20 traces 16 are ok, one a 404 (error), one a 429 (error and throttle)
// and two a 500 (fault); every trace is Frontend calling Product-Catalog,
// and every other one (the even ones) goes on to Product-Detail, with
// remote-call subsegments, so the service map has its edges.
//
// The traces are the ones PutTraceSegments would store for the documents
// BatchGetTraces gives back for them, built directly: 100,000 take well
// under a second and some 700 bytes each.
func (a *AWS) SeedTracesOver(n int, from, to time.Time) (SeedStats, error) {
	st := SeedStats{ByService: map[string]int{}, From: from.Truncate(time.Second), To: to.Truncate(time.Second)}
	if n < 0 {
		return st, fmt.Errorf("cannot seed %d traces", n)
	}
	if st.To.Before(st.From) {
		return st, fmt.Errorf("cannot seed traces from %s to %s: the end is before the start", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if n == 0 {
		return st, nil
	}
	if time.Unix(st.From.Unix(), 0).Before(a.o.Now().Add(-xrayRetention)) {
		return st, fmt.Errorf("seeding at %s: X-Ray keeps traces for 30 days only", from.Format(time.RFC3339))
	}
	span := st.To.Unix() - st.From.Unix()
	a.mu.Lock()
	defer a.mu.Unlock()
	store := a.xrayIn("")
	const (
		eks    = "AWS::EKS::Container"
		remote = "remote"
	)
	ekstype, ns := store.intern(eks), store.intern(remote)
	front, catalog, detail := store.kind(seedFrontend, "", ekstype), store.kind(seedCatalog, "", ekstype), store.kind(seedDetail, "", ekstype)
	callCatalog, callDetail := store.kind(seedCatalog, ns, ""), store.kind(seedDetail, ns, "")
	get := func(url string) *segMore { return &segMore{req: &xrayRequest{Method: store.intern("GET"), URL: url}} }
	frontReq, catalogReq, detailReq := get("http://frontend/products"), get("http://"+seedCatalog+"/"), get("http://"+seedDetail+"/")
	const idLen = len("1-5eed5eed-000000000000000000000000")
	ids := make([]byte, 0, n*idLen)
	for i := range n {
		sec := st.From.Unix() + span*int64(i)/int64(n)
		ids = append(ids, "1-"...)
		ids = appendHex(ids, uint64(sec), 8)
		ids = append(ids, '-')
		ids = appendHex(ids, uint64(0x5eed0000+i), 24)
	}
	allIDs := string(ids)
	// Three allocations for all: the traces, their segment lists, and
	// their segments and subsegments (3 a trace, 5 for a deep one).
	deeps := (n + 1) / 2
	traces := make([]xtrace, n)
	ptrs := make([]*xraySeg, 2*n+deeps)
	block := make([]xraySeg, 3*n+2*deeps)
	for i := range n {
		sec := st.From.Unix() + span*int64(i)/int64(n)
		start := float64(sec) + float64(i%1000)/1000
		status := int32(200)
		switch i % 20 {
		case 16:
			status = 404
		case 17:
			status = 429
		case 18, 19:
			status = 500
		}
		deep := i%2 == 0
		nseg, nall := 2, 3
		if deep {
			nseg, nall = 3, 5
		}
		b, p := block[:nall:nall], ptrs[:nseg:nseg]
		block, ptrs = block[nall:], ptrs[nseg:]
		id := func(k uint64) uint64 { return uint64(i)<<32 | k }
		call := func(s *xraySeg, k uint64, kind *segKind, more *segMore, from, to float64) {
			*s = xraySeg{segKind: kind, id: id(k), startT: from, endT: to, x: more, httpStatus: 200, flags: segHasEnd | segHTTP}
		}
		// b: Frontend, Product-Catalog, its call to Product-Catalog, then
		// for a deep one Product-Detail and Product-Catalog's call to it.
		b[0] = xraySeg{segKind: front, id: id(1), startT: start, endT: start + 0.040, x: frontReq, httpStatus: status,
			flags: segHasEnd | segHTTP, subs: b[2:3:3]}
		switch classify(int(status)) {
		case statusFault:
			b[0].flags |= segFault
		case statusThrottle:
			b[0].flags |= segError | segThrottle
		case statusError:
			b[0].flags |= segError
		}
		call(&b[2], 2, callCatalog, catalogReq, start+0.005, start+0.030)
		b[1] = xraySeg{segKind: catalog, id: id(3), parent: id(2), startT: start + 0.006, endT: start + 0.029, httpStatus: 200,
			flags: segHasParent | segHasEnd | segHTTP}
		p[0], p[1] = &b[0], &b[1]
		if deep {
			b[1].subs = b[4:5:5]
			call(&b[4], 4, callDetail, detailReq, start+0.010, start+0.020)
			b[3] = xraySeg{segKind: detail, id: id(5), parent: id(4), startT: start + 0.011, endT: start + 0.019, httpStatus: 200,
				flags: segHasParent | segHasEnd | segHTTP}
			p[2] = &b[3]
			st.ByService[seedDetail]++
		}
		segs := p
		traceID := allIDs[i*idLen : (i+1)*idLen]
		if old := store.traces[traceID]; old != nil {
			// Seeded before: the documents replace theirs, as PutTraceSegments'.
			for _, s := range segs {
				store.put(traceID, sec, s)
			}
		} else {
			t := &traces[i]
			*t = xtrace{id: traceID, epoch: sec, segs: segs}
			t.derive()
			store.traces[traceID] = t
			store.segments += len(segs)
			store.touched(t, 0)
		}
		st.ByService[seedFrontend]++
		st.ByService[seedCatalog]++
		st.Total++
		switch classify(int(status)) {
		case statusFault:
			st.Fault++
		case statusThrottle:
			st.Throttle++
		case statusError:
			st.Error++
		default:
			st.OK++
		}
	}
	store.indexes() // placed now, not on the first read
	return st, nil
}

// appendHex writes v as width lowercase hex digits.
func appendHex(b []byte, v uint64, width int) []byte {
	const digits = "0123456789abcdef"
	for shift := (width - 1) * 4; shift >= 0; shift -= 4 {
		b = append(b, digits[v>>uint(shift)&0xf])
	}
	return b
}
