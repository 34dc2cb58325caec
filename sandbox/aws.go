package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
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
	Region    string // default us-west-2
	AccountID string // default 123456789012
	// Clusters are the EKS clusters of the account in Region, default
	// {"eksworkshop-eksctl"}. Each has the add-on eks-pod-identity-agent,
	// ACTIVE, unless NoAddons.
	Clusters []string
	// NoAddons starts the clusters without add-ons, as `eksctl create
	// cluster` leaves them: EKS Pod Identity then needs its agent installed.
	NoAddons bool
	// AutoMode makes the clusters EKS Auto Mode clusters (computeConfig
	// enabled), which have the pod identity agent built in and no add-on.
	AutoMode bool
	// Latency is added to every request (for benchmarks).
	Latency time.Duration
	// XRayReadRate is how many X-Ray read calls (GetTraceSummaries,
	// GetServiceGraph, BatchGetTraces) a second are answered, with a
	// burst of as many; past it they get 429 ThrottledException, as X-Ray
	// throttles. 0: no limit.
	XRayReadRate float64
	// Now is the account's clock, default time.Now.
	Now func() time.Time
}

// Fault makes a share of the calls fail. Action is "Service.Action"
// ("IAM.CreateRole", "XRay.PutTraceSegments"), a bare action name
// ("CreateRole") or "*" for every call; Rate is the share (1: always).
// Status defaults to 500. Without a Code the service's own is used: for
// 429, Throttling for STS and IAM (with status 400, as they answer it),
// ThrottledException for X-Ray and ThrottlingException for EKS; for 503
// ServiceUnavailable; else InternalFailure.
type Fault struct {
	Action  string
	Rate    float64
	Status  int
	Code    string
	Message string
}

// AWS is the simulated AWS account: STS, IAM, EKS and X-Ray on one
// http.Handler, speaking their real wire protocols, so the real SDK clients
// work against it unchanged through their endpoint setting.
type AWS struct {
	o AWSOptions

	srvMu sync.Mutex
	srv   *http.Server

	mu        sync.Mutex
	rng       *mrand.Rand
	calls     map[string]int
	readLimit *rate.Limiter // X-Ray reads, when XRayReadRate is set
	faults    []Fault

	clusters  map[string]*eksCluster     // by name, in o.Region
	assocs    map[string]*podIdentity    // by association id
	providers map[string]*oidcProvider   // by ARN
	roles     map[string]*iamRole        // by name
	sessions  map[string]*stsSession     // temporary access key id → session
	xray      map[string]*xrayStore      // by region
	issuers   map[string]string          // cluster → issuer, kept across Reset
	endpoints map[string]string          // cluster → API endpoint, kept across Reset
	cas       map[string]string          // cluster → certificate authority (PEM), kept across Reset
	policies  map[string]*managedPolicy  // the AWS managed policies, by ARN
	users     map[string]*fixedPrincipal // the long-term access keys
	cloud9    *cloud9Env                 // the terminal's Cloud9 environment
}

// NewAWS makes the account with its clusters.
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
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &AWS{o: o, rng: mrand.New(mrand.NewPCG(1, 2)), issuers: map[string]string{}, endpoints: map[string]string{}, cas: map[string]string{}}
	if o.XRayReadRate > 0 {
		a.readLimit = rate.NewLimiter(rate.Limit(o.XRayReadRate), max(1, int(o.XRayReadRate)))
	}
	for _, name := range o.Clusters {
		id := strings.ToUpper(randHex(32))
		a.issuers[name] = fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", o.Region, id)
		a.endpoints[name] = fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", id, o.Region)
		a.cas[name] = clusterCA()
	}
	a.reset()
	return a
}

// reset builds the account's state as NewAWS leaves it.
func (a *AWS) reset() {
	a.calls = map[string]int{}
	a.faults = nil
	a.clusters = map[string]*eksCluster{}
	a.assocs = map[string]*podIdentity{}
	a.providers = map[string]*oidcProvider{}
	a.roles = map[string]*iamRole{}
	a.sessions = map[string]*stsSession{}
	a.xray = map[string]*xrayStore{}
	a.policies = awsManagedPolicies()
	a.cloud9 = newCloud9()
	a.users = map[string]*fixedPrincipal{
		SandboxAccessKeyID: {
			arn:    fmt.Sprintf("arn:aws:sts::%s:assumed-role/workshop-admin/i-0sandbox", a.o.AccountID),
			userID: "AROASANDBOXADMINROLE1:i-0sandbox", admin: true,
		},
		NodeAccessKeyID: {
			arn:    fmt.Sprintf("arn:aws:sts::%s:assumed-role/eksctl-%s-nodegroup-NodeInstanceRole/i-0node", a.o.AccountID, a.o.Clusters[0]),
			userID: "AROASANDBOXNODEROLE01:i-0node",
			// What the node role's managed policies (worker node, CNI,
			// ECR read-only) allow of the services the sandbox serves.
			allow: []string{"eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"},
		},
	}
	for _, name := range a.o.Clusters {
		a.clusters[name] = a.newCluster(name)
	}
}

// Reset forgets everything done since NewAWS: the clusters keep their
// issuers and endpoints, every other change, call count and fault is gone.
func (a *AWS) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reset()
}

// Region is the account's region, where its clusters are.
func (a *AWS) Region() string { return a.o.Region }

// AccountID is the account's id.
func (a *AWS) AccountID() string { return a.o.AccountID }

// Issuer is the OIDC issuer URL of a cluster, "" for an unknown one.
func (a *AWS) Issuer(cluster string) string { return a.issuers[cluster] }

// Endpoint is the Kubernetes API endpoint EKS reports for a cluster.
func (a *AWS) Endpoint(cluster string) string { return a.endpoints[cluster] }

// SetFaults replaces the fault injection rules; none ends injection.
func (a *AWS) SetFaults(f ...Fault) {
	a.mu.Lock()
	a.faults = append([]Fault(nil), f...)
	a.mu.Unlock()
}

// Calls counts the calls per "Service.Action" (IAM.CreateRole,
// XRay.PutTraceSegments, STS.GetCallerIdentity, EKS.DescribeCluster),
// including those answered by an injected fault or refused.
func (a *AWS) Calls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.calls))
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

// Segments is the number of segments X-Ray holds, in every region: a
// segment sent again (an in-progress one completed) counts once.
func (a *AWS) Segments() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, s := range a.xray {
		n += s.segments
	}
	return n
}

// Listen serves on addr ("127.0.0.1:0" picks a free port) in the
// background and returns the endpoint URL, http://host:port.
func (a *AWS) Listen(addr string) (string, error) {
	a.srvMu.Lock()
	defer a.srvMu.Unlock()
	if a.srv != nil {
		return "", errors.New("sandbox AWS endpoints already listening")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	a.srv = srv
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), nil
}

// Close stops serving; requests under way get two seconds to finish.
func (a *AWS) Close() error {
	a.srvMu.Lock()
	srv := a.srv
	a.srv = nil
	a.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// ---- callers

// fixedPrincipal is a long-term access key's owner.
type fixedPrincipal struct {
	arn, userID string
	admin       bool
	allow       []string // actions allowed when not admin
}

// caller is who signed a request.
type caller struct {
	key     string
	arn     string
	userID  string
	admin   bool
	allow   []string // for a fixed principal that is not admin
	role    string   // for a role session: the role's name
	known   bool
	expired bool
	// cloud9Managed: Cloud9's AWS managed temporary credentials, which IAM
	// refuses (aws_cloud9.go).
	cloud9Managed bool
}

// sigScope is what the SigV4 Authorization header (or a presigned URL)
// says: the access key id and the credential scope's region and service.
type sigScope struct {
	key, region, service string
}

func scopeOf(r *http.Request) (sigScope, bool) {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		_, rest, ok := strings.Cut(h, "Credential=")
		if !ok {
			return sigScope{}, false
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		cred = c
	} else {
		return sigScope{}, false
	}
	// AKID/date/region/service/aws4_request (SigV4a drops the region).
	p := strings.Split(strings.TrimSpace(cred), "/")
	switch len(p) {
	case 5:
		return sigScope{key: p[0], region: p[2], service: p[3]}, true
	case 4:
		return sigScope{key: p[0], service: p[2]}, true
	}
	return sigScope{}, false
}

// securityToken is the session token a request carries, in its header or
// a presigned URL.
func securityToken(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Security-Token"); t != "" {
		return t
	}
	return r.URL.Query().Get("X-Amz-Security-Token")
}

// callerOf finds the principal behind an access key; a temporary one also
// needs its session token.
func (a *AWS) callerOf(key, token string) caller {
	if key == Cloud9ManagedAccessKeyID {
		return a.cloud9Caller(token)
	}
	if u, ok := a.users[key]; ok {
		return caller{key: key, arn: u.arn, userID: u.userID, admin: u.admin, allow: u.allow, known: true}
	}
	s, ok := a.sessions[key]
	if !ok || s.token != token {
		return caller{key: key}
	}
	c := caller{key: key, arn: s.arn, userID: s.roleID + ":" + s.name, role: s.role, known: true}
	if !a.o.Now().Before(s.expires) {
		c.expired = true
	}
	return c
}

// allowed says whether the caller may perform action ("xray:PutTraceSegments").
func (a *AWS) allowed(c caller, action string) bool {
	switch {
	case c.admin:
		return true
	case c.role != "":
		r, ok := a.roles[c.role]
		if !ok {
			return false
		}
		return a.roleAllows(r, action)
	}
	for _, pat := range c.allow {
		if actionMatches(pat, action) {
			return true
		}
	}
	return false
}

// ---- errors

// apiError is an error answer, whatever the protocol.
type apiError struct {
	status  int
	code    string
	message string
	fields  map[string]any // extra members of a REST-JSON error body
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// fault decides whether an injected fault answers this call.
func (a *AWS) fault(service, action string) *apiError {
	for _, f := range a.faults {
		if f.Action != "*" && f.Action != action && f.Action != service+"."+action {
			continue
		}
		if f.Rate <= 0 || (f.Rate < 1 && a.rng.Float64() >= f.Rate) {
			continue
		}
		e := &apiError{status: f.Status, code: f.Code, message: f.Message}
		if e.status == 0 {
			e.status = http.StatusInternalServerError
		}
		if e.code == "" {
			switch {
			case e.status == http.StatusTooManyRequests && (service == "STS" || service == "IAM"):
				e.status, e.code = http.StatusBadRequest, "Throttling"
			case e.status == http.StatusTooManyRequests && service == "XRay":
				e.code = "ThrottledException"
			case e.status == http.StatusTooManyRequests:
				e.code = "ThrottlingException"
			case e.status == http.StatusServiceUnavailable:
				e.code = "ServiceUnavailable"
			default:
				e.code = "InternalFailure"
			}
		}
		if e.message == "" {
			switch {
			case e.status == http.StatusTooManyRequests || strings.HasPrefix(e.code, "Throttl"):
				e.message = "Rate exceeded"
			case e.status >= 500:
				e.message = "We encountered an internal error. Please try again."
			default:
				e.message = e.code
			}
		}
		return e
	}
	return nil
}

// ---- the handler

// ServeHTTP answers one call: the query protocol (STS, IAM: a form POST
// with Action and Version) or REST-JSON (EKS under /clusters, X-Ray).
func (a *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.o.Latency > 0 {
		t := time.NewTimer(a.o.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	scope, signed := scopeOf(r)
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || r.URL.Query().Get("Action") != "" {
		form := r.URL.Query()
		if r.Method == http.MethodPost {
			f, err := url.ParseQuery(string(body))
			if err != nil {
				writeQueryError(w, "", errf(400, "MalformedQueryString", "The query string is malformed: %v", err))
				return
			}
			for k, v := range f {
				form[k] = v
			}
		}
		a.serveQuery(w, r, form, scope, signed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/clusters" || strings.HasPrefix(p, "/clusters/"):
		a.serveEKS(w, r, body, scope, signed)
	case xrayActions[p] != "":
		a.serveXRay(w, r, body, scope, signed)
	default:
		writeJSONError(w, "message", errf(404, "UnknownOperationException", "No operation is bound to %s %s", r.Method, p))
	}
}

// admitJSON counts a REST-JSON call, answers an injected fault and checks
// the caller: ok is false when an error answer was written. The caller
// must hold a.mu.
func (a *AWS) admitJSON(w http.ResponseWriter, r *http.Request, msgKey, service, action string, scope sigScope, signed bool) (caller, bool) {
	a.calls[service+"."+action]++
	if e := a.fault(service, action); e != nil {
		writeJSONError(w, msgKey, e)
		return caller{}, false
	}
	if !signed {
		writeJSONError(w, msgKey, errf(403, "MissingAuthenticationTokenException", "Missing Authentication Token"))
		return caller{}, false
	}
	c := a.callerOf(scope.key, securityToken(r))
	switch {
	case !c.known:
		writeJSONError(w, msgKey, errf(403, "UnrecognizedClientException", "The security token included in the request is invalid."))
		return c, false
	case c.expired:
		writeJSONError(w, msgKey, errf(403, "ExpiredTokenException", "The security token included in the request is expired"))
		return c, false
	}
	return c, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	var err error
	switch raw := v.(type) {
	case json.RawMessage:
		b = raw // encoded by the operation
	case pooledJSON:
		b = raw.b.Bytes()
		defer pageBuffers.Put(raw.b)
	default:
		b, err = json.Marshal(v)
	}
	if err != nil {
		status, b = 500, []byte(`{"message":"the sandbox could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeJSONError writes a REST-JSON error: the status, the error code in
// X-Amzn-Errortype and the message under msgKey ("message" for EKS,
// "Message" for X-Ray, as their models name the member).
func writeJSONError(w http.ResponseWriter, msgKey string, e *apiError) {
	body := map[string]any{msgKey: e.message}
	for k, v := range e.fields {
		body[k] = v
	}
	w.Header().Set("X-Amzn-Errortype", e.code)
	writeJSON(w, e.status, body)
}

// requestID is a request id as AWS writes them: a UUID.
func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// epoch is a timestamp as the REST-JSON protocols send it: seconds.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1e3 }

// randHex is n random lowercase hex digits.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// randID is n random characters of IAM's ids (upper case letters and
// digits 2-7).
func randID(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// ---- the query protocol (STS, IAM)

const (
	stsVersion = "2011-06-15"
	iamVersion = "2010-05-08"
	stsXMLNS   = "https://sts.amazonaws.com/doc/2011-06-15/"
	iamXMLNS   = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// unsignedSTS are the STS actions a caller makes without credentials.
var unsignedSTS = map[string]bool{"AssumeRoleWithWebIdentity": true, "AssumeRoleWithSAML": true}

func (a *AWS) serveQuery(w http.ResponseWriter, r *http.Request, form url.Values, scope sigScope, signed bool) {
	action, version := form.Get("Action"), form.Get("Version")
	service := ""
	switch {
	case version == stsVersion, version == "" && scope.service == "sts":
		service = "STS"
	case version == iamVersion, version == "" && scope.service == "iam":
		service = "IAM"
	}
	ns := iamXMLNS
	if service == "STS" {
		ns = stsXMLNS
	}
	if service == "" {
		writeQueryError(w, ns, errf(400, "InvalidAction", "Could not find operation %s for version %s", action, version))
		return
	}
	if action == "" {
		writeQueryError(w, ns, errf(400, "MissingAction", "Missing Action"))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls[service+"."+action]++
	if e := a.fault(service, action); e != nil {
		writeQueryError(w, ns, e)
		return
	}
	var c caller
	if !(service == "STS" && unsignedSTS[action]) {
		if !signed {
			writeQueryError(w, ns, errf(403, "MissingAuthenticationToken", "Request is missing Authentication Token"))
			return
		}
		c = a.callerOf(scope.key, securityToken(r))
		switch {
		case !c.known:
			writeQueryError(w, ns, errf(403, "InvalidClientTokenId", "The security token included in the request is invalid."))
			return
		case c.expired:
			writeQueryError(w, ns, errf(403, "ExpiredToken", "The security token included in the request is expired"))
			return
		}
		if e := refusedByCloud9(service, c); e != nil {
			writeQueryError(w, ns, e)
			return
		}
	}
	var result any
	var e *apiError
	if service == "STS" {
		result, e = a.sts(action, form, c)
	} else {
		result, e = a.iam(action, form, c)
	}
	if e != nil {
		writeQueryError(w, ns, e)
		return
	}
	writeQueryResult(w, ns, action, result)
}

// writeQueryResult writes <ActionResponse><ActionResult>…</ActionResult>
// <ResponseMetadata>…</ResponseMetadata></ActionResponse>; result, an XML
// struct named ActionResult, is nil for actions that answer nothing.
func writeQueryResult(w http.ResponseWriter, ns, action string, result any) {
	var inner []byte
	if result != nil {
		var err error
		if inner, err = xml.Marshal(result); err != nil {
			writeQueryError(w, ns, errf(500, "InternalFailure", "the sandbox could not encode its answer: %v", err))
			return
		}
	}
	id := requestID()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", id)
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, `<%sResponse xmlns="%s">`, action, ns)
	_, _ = w.Write(inner)
	fmt.Fprintf(w, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", id, action)
}

// writeQueryError writes the query protocol's ErrorResponse: Type Sender
// for the caller's errors, Receiver for the service's.
func writeQueryError(w http.ResponseWriter, ns string, e *apiError) {
	if ns == "" {
		ns = iamXMLNS
	}
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(e.message))
	id := requestID()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", id)
	w.WriteHeader(e.status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		ns, typ, e.code, msg.String(), id)
}

// members reads a query list: Name.member.1, Name.member.2, …
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

// xmlTag is an IAM or STS tag.
type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// tagsOf reads Tags.member.N.Key / .Value.
func tagsOf(form url.Values) []xmlTag {
	var out []xmlTag
	for i := 1; ; i++ {
		k, ok := form[fmt.Sprintf("Tags.member.%d.Key", i)]
		if !ok {
			return out
		}
		out = append(out, xmlTag{k[0], form.Get(fmt.Sprintf("Tags.member.%d.Value", i))})
	}
}

// isoTime is a timestamp as the query protocol sends it.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
