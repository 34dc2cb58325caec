package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Credentials of the sandbox's principals.
const (
	// SandboxAccessKeyID is the wizard's user: an instance role like a
	// Cloud9 environment's, allowed everything.
	SandboxAccessKeyID     = "AKIASANDBOXUSER00001"
	SandboxSecretAccessKey = "sandbox-secret"
	// NodeAccessKeyID is the EKS node instance role: what a pod without an
	// IAM role of its own gets. It may not write to X-Ray.
	NodeAccessKeyID = "AKIASANDBOXNODEROLE1"
)

// AWSOptions shape the simulated account.
type AWSOptions struct {
	Region    string   // default us-west-2
	AccountID string   // default 123456789012
	Clusters  []string // EKS clusters, default {"eksworkshop-eksctl"}
	// Latency is added to every request (for benchmarks).
	Latency time.Duration
	// PageSize of GetTraceSummaries (default 100).
	PageSize int
	Now      func() time.Time
}

// Fault makes a share of the calls to Action ("IAM.CreateRole", "CreateRole"
// or "*") fail with the given status and error code.
type Fault struct {
	Action  string
	Rate    float64
	Status  int
	Code    string
	Message string
}

// AWS is the simulated AWS account: STS, IAM, EKS and X-Ray on one handler,
// speaking their real wire protocols.
type AWS struct {
	o      AWSOptions
	mu     sync.Mutex
	srv    *http.Server
	calls  map[string]int
	faults []Fault
	rng    *mrand.Rand

	clusters  map[string]*eksCluster
	providers map[string]*oidcProvider // by ARN
	roles     map[string]*iamRole      // by name
	sessions  map[string]string        // temporary access key → role name
	assocs    map[string]*podIdentity  // by association id
	xr        *xrayStore
}

// NewAWS makes an account with its clusters.
func NewAWS(o AWSOptions) *AWS {
	if o.Region == "" {
		o.Region = "us-west-2"
	}
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	if len(o.Clusters) == 0 {
		o.Clusters = []string{"eksworkshop-eksctl"}
	}
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &AWS{o: o, rng: mrand.New(mrand.NewPCG(1, 2))}
	a.reset()
	return a
}

func (a *AWS) reset() {
	a.calls = map[string]int{}
	a.faults = nil
	a.clusters = map[string]*eksCluster{}
	a.providers = map[string]*oidcProvider{}
	a.roles = map[string]*iamRole{}
	a.sessions = map[string]string{}
	a.assocs = map[string]*podIdentity{}
	a.xr = newXRayStore(a.o.PageSize)
	for _, name := range a.o.Clusters {
		a.clusters[name] = a.newCluster(name)
	}
}

// Reset forgets everything done since NewAWS (the clusters keep no issuer).
func (a *AWS) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reset()
}

// Region is the account's region.
func (a *AWS) Region() string { return a.o.Region }

// AccountID is the account's id.
func (a *AWS) AccountID() string { return a.o.AccountID }

// Issuer is the OIDC issuer URL of a cluster.
func (a *AWS) Issuer(cluster string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clusters[cluster]; ok {
		return c.issuer
	}
	return ""
}

// Endpoint is the EKS API endpoint of a cluster.
func (a *AWS) Endpoint(cluster string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clusters[cluster]; ok {
		return c.endpoint
	}
	return ""
}

// SetFaults replaces the fault injection rules.
func (a *AWS) SetFaults(f ...Fault) {
	a.mu.Lock()
	a.faults = f
	a.mu.Unlock()
}

// Calls counts the calls per "Service.Action" (IAM.CreateRole, XRay.PutTraceSegments).
func (a *AWS) Calls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.calls))
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

// Segments is the number of segments X-Ray holds.
func (a *AWS) Segments() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.xr.segments
}

// Listen serves on addr (a loopback address) in the background and returns
// the endpoint URL.
func (a *AWS) Listen(addr string) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	a.srv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(l) }()
	return "http://" + l.Addr().String(), nil
}

// Close stops serving.
func (a *AWS) Close() error {
	if a.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return a.srv.Shutdown(ctx)
}

// principal is who made a request.
type principal struct {
	arn   string
	admin bool
	role  string // for temporary credentials of a role
	known bool
}

var credRe = regexp.MustCompile(`Credential=([A-Z0-9]+)/`)

func (a *AWS) principalOf(r *http.Request) principal {
	m := credRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return principal{}
	}
	switch key := m[1]; key {
	case SandboxAccessKeyID:
		return principal{known: true, admin: true, arn: fmt.Sprintf("arn:aws:sts::%s:assumed-role/workshop-admin/i-0sandbox", a.o.AccountID)}
	case NodeAccessKeyID:
		return principal{known: true, arn: fmt.Sprintf("arn:aws:sts::%s:assumed-role/eksctl-%s-nodegroup-NodeInstanceRole/i-0node", a.o.AccountID, a.o.Clusters[0])}
	default:
		if role, ok := a.sessions[key]; ok {
			return principal{known: true, role: role, arn: fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/session", a.o.AccountID, role)}
		}
	}
	return principal{}
}

// apiError is an error answer in any protocol.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func (a *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.o.Latency > 0 {
		select {
		case <-time.After(a.o.Latency):
		case <-r.Context().Done():
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeQueryError(w, errf(400, "MalformedQueryString", "%v", err))
			return
		}
		a.serveQuery(w, r, form)
		return
	}
	a.serveREST(w, r, body)
}

// fault decides whether an injected fault answers this call.
func (a *AWS) fault(service, action string) *apiError {
	for _, f := range a.faults {
		if f.Action != "*" && f.Action != action && f.Action != service+"."+action {
			continue
		}
		if f.Rate >= 1 || a.rng.Float64() < f.Rate {
			msg := f.Message
			if msg == "" {
				msg = "injected fault"
			}
			return &apiError{status: f.Status, code: f.Code, message: msg}
		}
	}
	return nil
}

func (a *AWS) count(service, action string) {
	a.calls[service+"."+action]++
}

// admitJSON counts a REST-JSON call, answers an injected fault, and finds
// its caller; ok is false when an error answer was already written.
func (a *AWS) admitJSON(w http.ResponseWriter, r *http.Request, service, action string) (p principal, ok bool) {
	a.count(service, action)
	if e := a.fault(service, action); e != nil {
		writeJSONError(w, e)
		return p, false
	}
	p = a.principalOf(r)
	if !p.known {
		writeJSONError(w, errf(403, "UnrecognizedClientException", "The security token included in the request is invalid."))
		return p, false
	}
	return p, true
}

// ---- the query protocol (STS, IAM)

func (a *AWS) serveQuery(w http.ResponseWriter, r *http.Request, form url.Values) {
	action, version := form.Get("Action"), form.Get("Version")
	a.mu.Lock()
	defer a.mu.Unlock()
	var service, ns string
	switch version {
	case "2011-06-15":
		service, ns = "STS", "https://sts.amazonaws.com/doc/2011-06-15/"
	case "2010-05-08":
		service, ns = "IAM", "https://iam.amazonaws.com/doc/2010-05-08/"
	default:
		writeQueryError(w, errf(400, "InvalidAction", "Could not find operation %s for version %s", action, version))
		return
	}
	a.count(service, action)
	if e := a.fault(service, action); e != nil {
		writeQueryError(w, e)
		return
	}
	p := a.principalOf(r)
	var result any
	var err *apiError
	if service == "STS" {
		result, err = a.sts(action, form, p)
	} else {
		if !p.known {
			err = errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		} else if !p.admin {
			err = errf(403, "AccessDenied", "User: %s is not authorized to perform: iam:%s because no identity-based policy allows the iam:%s action", p.arn, action, action)
		} else {
			result, err = a.iam(action, form)
		}
	}
	if err != nil {
		writeQueryError(w, err)
		return
	}
	writeQueryResult(w, ns, action, result)
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func writeQueryResult(w http.ResponseWriter, ns, action string, result any) {
	var inner []byte
	if result != nil {
		var err error
		inner, err = xml.Marshal(result)
		if err != nil {
			writeQueryError(w, errf(500, "InternalFailure", "%v", err))
			return
		}
	}
	md, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"ResponseMetadata"`
		responseMetadata
	}{responseMetadata: responseMetadata{requestID()}})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(200)
	fmt.Fprintf(w, `<%sResponse xmlns="%s">`, action, ns)
	// Each result names its element <ActionResult> itself.
	w.Write(inner)
	w.Write(md)
	fmt.Fprintf(w, "</%sResponse>", action)
}

func writeQueryError(w http.ResponseWriter, e *apiError) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(e.message))
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		typ, e.code, b.String(), requestID())
}

// members reads a query list: Name.member.1, Name.member.2, ...
func members(form url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsOf(form url.Values) []tag {
	var out []tag
	for i := 1; ; i++ {
		k, ok := form[fmt.Sprintf("Tags.member.%d.Key", i)]
		if !ok {
			return out
		}
		out = append(out, tag{k[0], form.Get(fmt.Sprintf("Tags.member.%d.Value", i))})
	}
}

// ---- the REST-JSON protocol (EKS, X-Ray)

func (a *AWS) serveREST(w http.ResponseWriter, r *http.Request, body []byte) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/clusters"):
		a.serveEKS(w, r, body)
	case path == "/TraceSegments", path == "/TraceSummaries", path == "/ServiceGraph", path == "/Traces", path == "/GetSamplingRules", path == "/SamplingTargets", path == "/TelemetryRecords":
		a.serveXRay(w, r, body)
	case strings.HasPrefix(path, "/moto-api/reset") && r.Method == http.MethodPost:
		a.Reset()
		w.WriteHeader(200)
	default:
		writeJSONError(w, errf(404, "UnknownOperationException", "no operation at %s %s", r.Method, path))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("X-Amzn-Errortype", e.code)
	w.Header().Set("X-Amzn-Requestid", requestID())
	writeJSON(w, e.status, map[string]string{"message": e.message})
}

// epoch is a timestamp as the REST-JSON protocols send it.
func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
