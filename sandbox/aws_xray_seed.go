package sandbox

import (
	"encoding/json"
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

// SeedTraces stores n traces of the sample app in X-Ray of the account's
// region, spread evenly over the 15 minutes before now, through the same
// checks as PutTraceSegments. The mix is fixed: of every 20 traces 16 are
// ok, one a 404 (error), one a 429 (throttle) and two a 500 (fault); every
// trace is Frontend calling Product-Catalog, and every other one goes on
// to Product-Detail, with remote-call subsegments, so the service map has
// its edges.
func (a *AWS) SeedTraces(n int, now time.Time) (SeedStats, error) {
	st := SeedStats{ByService: map[string]int{}, From: now.Add(-15 * time.Minute).Truncate(time.Second), To: now.Add(-5 * time.Second).Truncate(time.Second)}
	span := st.To.Unix() - st.From.Unix()
	a.mu.Lock()
	defer a.mu.Unlock()
	store := a.xrayIn("")
	for i := range n {
		sec := st.From.Unix() + span*int64(i)/int64(max(n, 1))
		start := float64(sec) + float64(i%1000)/1000
		traceID := fmt.Sprintf("1-%08x-%024x", sec, 0x5eed0000+i)
		status := 200
		switch i % 20 {
		case 16:
			status = 404
		case 17:
			status = 429
		case 18, 19:
			status = 500
		}
		deep := i%2 == 0
		id := func(k int) string { return fmt.Sprintf("%08x%08x", i, k) }
		call := func(k int, name string, s, e float64, code int) map[string]any {
			return map[string]any{"id": id(k), "name": name, "namespace": "remote", "start_time": s, "end_time": e,
				"http": map[string]any{"request": map[string]any{"method": "GET", "url": "http://" + name + "/"}, "response": map[string]any{"status": code}}}
		}
		front := map[string]any{"trace_id": traceID, "id": id(1), "name": seedFrontend, "start_time": start, "end_time": start + 0.040,
			"origin":      "AWS::EKS::Container",
			"http":        map[string]any{"request": map[string]any{"method": "GET", "url": "http://frontend/products"}, "response": map[string]any{"status": status}},
			"subsegments": []any{call(2, seedCatalog, start+0.005, start+0.030, 200)}}
		switch {
		case status >= 500:
			front["fault"] = true
		case status == 429:
			front["error"], front["throttle"] = true, true
		case status >= 400:
			front["error"] = true
		}
		catalog := map[string]any{"trace_id": traceID, "id": id(3), "parent_id": id(2), "name": seedCatalog, "start_time": start + 0.006, "end_time": start + 0.029,
			"origin": "AWS::EKS::Container", "http": map[string]any{"response": map[string]any{"status": 200}}}
		docs := []map[string]any{front, catalog}
		st.ByService[seedFrontend]++
		st.ByService[seedCatalog]++
		if deep {
			catalog["subsegments"] = []any{call(4, seedDetail, start+0.010, start+0.020, 200)}
			docs = append(docs, map[string]any{"trace_id": traceID, "id": id(5), "parent_id": id(4), "name": seedDetail,
				"start_time": start + 0.011, "end_time": start + 0.019, "origin": "AWS::EKS::Container",
				"http": map[string]any{"response": map[string]any{"status": 200}}})
			st.ByService[seedDetail]++
		}
		for _, d := range docs {
			b, err := json.Marshal(d)
			if err != nil {
				return st, err
			}
			if u := a.storeDoc(store, string(b)); u != nil {
				return st, fmt.Errorf("seeding trace %s: %s", traceID, u.Message)
			}
		}
		a.summaryJSON(store.traces[traceID]) // encoded now, not on the first read
		st.Total++
		switch {
		case status >= 500:
			st.Fault++
		case status == 429:
			st.Throttle++
		case status >= 400:
			st.Error++
		default:
			st.OK++
		}
	}
	store.sorted() // sorted now, not on the first read
	return st, nil
}
