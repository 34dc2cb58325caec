package sandbox

import "net/http"

// statusClass is how X-Ray counts a response by its HTTP status.
type statusClass int

const (
	statusOK       statusClass = iota
	statusError                // 4xx but 429: the segment's error flag
	statusThrottle             // 429: error and throttle
	statusFault                // 5xx: fault
)

// classify is the class of an HTTP status, as the X-Ray SDKs flag a
// segment from its response.
func classify(status int) statusClass {
	switch {
	case status == http.StatusTooManyRequests:
		return statusThrottle
	case status >= 500 && status < 600:
		return statusFault
	case status >= 400 && status < 500:
		return statusError
	}
	return statusOK
}
