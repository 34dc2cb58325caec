package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---- IAM's state

type oidcProvider struct {
	arn         string
	url         string // host and path, without https://
	clientIDs   []string
	thumbprints []string
	tags        []xmlTag
	created     time.Time
}

type iamRole struct {
	name, id, arn, path, description string
	trust                            string // the trust policy as sent
	tags                             []xmlTag
	attached                         []string // managed policy ARNs, in attach order
	created                          time.Time
	maxSession                       int
}

type managedPolicy struct {
	name, id, arn, version, document string
	created, updated                 time.Time
}

// awsManagedPolicies are the AWS managed policies the sandbox knows, with
// the versions and documents AWS publishes.
func awsManagedPolicies() map[string]*managedPolicy {
	day := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	list := []*managedPolicy{
		{name: "AWSXRayDaemonWriteAccess", version: "v2", created: day("2018-08-28T23:00:33Z"), updated: day("2024-02-13T21:58:30Z"),
			document: `{"Version":"2012-10-17","Statement":[{"Sid":"AWSXRayDaemonWriteAccess","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}`},
		{name: "AWSXrayWriteOnlyAccess", version: "v2", created: day("2016-12-01T18:19:53Z"), updated: day("2018-08-28T23:03:04Z"),
			document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}`},
		{name: "AWSXrayReadOnlyAccess", version: "v8", created: day("2016-12-01T18:27:02Z"), updated: day("2024-02-14T00:35:02Z"),
			document: `{"Version":"2012-10-17","Statement":[{"Sid":"AWSXrayReadOnlyAccess","Effect":"Allow","Action":["xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries","xray:BatchGetTraces","xray:BatchGetTraceSummaryById","xray:GetDistinctTraceGraphs","xray:GetServiceGraph","xray:GetTraceGraph","xray:GetTraceSummaries","xray:GetGroups","xray:GetGroup","xray:ListTagsForResource","xray:ListResourcePolicies","xray:GetTimeSeriesServiceStatistics","xray:GetInsightSummaries","xray:GetInsight","xray:GetInsightEvents","xray:GetInsightImpactGraph"],"Resource":["*"]}]}`},
		{name: "AWSXrayFullAccess", version: "v2", created: day("2016-12-01T18:30:55Z"), updated: day("2024-04-11T17:07:36Z"),
			document: `{"Version":"2012-10-17","Statement":[{"Sid":"AWSXrayFullAccess","Effect":"Allow","Action":["xray:*"],"Resource":["*"]}]}`},
		{name: "AdministratorAccess", version: "v1", created: day("2015-02-06T18:39:46Z"), updated: day("2015-02-06T18:39:46Z"),
			document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	}
	out := map[string]*managedPolicy{}
	for _, p := range list {
		p.arn = "arn:aws:iam::aws:policy/" + p.name
		sum := sha256.Sum256([]byte(p.arn))
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
		id := []byte("ANPA")
		for _, b := range sum[:17] {
			id = append(id, alphabet[int(b)%len(alphabet)])
		}
		p.id = string(id)
		out[p.arn] = p
	}
	return out
}

// ---- policy evaluation: the part the sandbox needs

// policyDoc is an IAM policy document.
type policyDoc struct {
	Statement stmtList `json:"Statement"`
}

type policyStmt struct {
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal"`
	Action    any                       `json:"Action"`
	NotAction any                       `json:"NotAction"`
	Condition map[string]map[string]any `json:"Condition"`
}

// stmtList takes Statement as a list or as a single statement.
type stmtList []policyStmt

func (l *stmtList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var s policyStmt
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = stmtList{s}
		return nil
	}
	var list []policyStmt
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*l = list
	return nil
}

// parsePolicy reads a policy document as IAM checks one on the way in.
func parsePolicy(doc string) (*policyDoc, *apiError) {
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &raw) != nil {
		return nil, errf(400, "MalformedPolicyDocument", "This policy contains invalid Json")
	}
	var p policyDoc
	if _, ok := raw["Statement"]; !ok || json.Unmarshal([]byte(doc), &p) != nil {
		return nil, errf(400, "MalformedPolicyDocument", "Syntax errors in policy.")
	}
	for _, s := range p.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return nil, errf(400, "MalformedPolicyDocument", "Syntax errors in policy.")
		}
	}
	return &p, nil
}

// strings of a policy value: a string or a list of strings.
func policyStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// actionMatches is IAM's match of an action pattern ("xray:*", "*",
// "xray:Get*"): case-insensitive, with * and ? wildcards.
func actionMatches(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// globMatch matches * (any run) and ? (one character).
func globMatch(pat, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pat) && (pat[px] == '?' || pat[px] == s[sx]):
			px++
			sx++
		case px < len(pat) && pat[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}

func (s policyStmt) coversAction(action string) bool {
	if s.NotAction != nil {
		for _, p := range policyStrings(s.NotAction) {
			if actionMatches(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range policyStrings(s.Action) {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// roleAllows evaluates the role's attached policies for action: an
// explicit Deny wins, else any Allow. Resources are not looked at: the
// policies the sandbox knows name "*".
func (a *AWS) roleAllows(r *iamRole, action string) bool {
	allowed := false
	for _, arn := range r.attached {
		mp, ok := a.policies[arn]
		if !ok {
			continue
		}
		p, err := parsePolicy(mp.document)
		if err != nil {
			continue
		}
		for _, s := range p.Statement {
			if !s.coversAction(action) {
				continue
			}
			if s.Effect == "Deny" {
				return false
			}
			allowed = true
		}
	}
	return allowed
}

// iamEscape URL-encodes a policy document as IAM returns it (RFC 3986:
// everything but letters, digits and -._~ is %XX).
func iamEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ---- XML shapes of IAM's answers

type xmlRole struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               string    `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       int       `xml:"MaxSessionDuration"`
	Tags                     *xmlTags  `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{} `xml:"RoleLastUsed,omitempty"`
}

// xmlTags is a tag list; a nil *xmlTags leaves the element out.
type xmlTags struct {
	Member []xmlTag `xml:"member"`
}

func tagList(t []xmlTag) *xmlTags {
	if len(t) == 0 {
		return nil
	}
	return &xmlTags{Member: t}
}

// xml is the role as GetRole shows it; ListRoles leaves out the tags and
// the last use.
func (r *iamRole) xml(full bool) xmlRole {
	x := xmlRole{Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn, CreateDate: isoTime(r.created),
		AssumeRolePolicyDocument: iamEscape(r.trust), Description: r.description, MaxSessionDuration: r.maxSession}
	if full {
		x.Tags = tagList(r.tags)
		x.RoleLastUsed = &struct{}{}
	}
	return x
}

type xmlPolicy struct {
	PolicyName                    string `xml:"PolicyName"`
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string `xml:"Arn"`
	Path                          string `xml:"Path"`
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool   `xml:"IsAttachable"`
	CreateDate                    string `xml:"CreateDate"`
	UpdateDate                    string `xml:"UpdateDate"`
}

type xmlAttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// ---- validation as IAM's front end does it

var (
	roleNameRe = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathRe  = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

func validation(format string, args ...any) *apiError {
	return errf(400, "ValidationError", "1 validation error detected: "+format, args...)
}

func checkRoleName(name string) *apiError {
	switch {
	case name == "":
		return validation("Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	case len(name) > 64:
		return validation("Value '%s' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64", name)
	case !roleNameRe.MatchString(name):
		return validation(`Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`, name)
	}
	return nil
}

// pageMarker pages a sorted list of names: the marker is the last name
// handed out, opaque to the caller.
func pageMarker(names []string, form url.Values) (page []string, marker string, e *apiError) {
	max := 100
	if v := form.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, "", validation("Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", v)
		}
		max = n
	}
	start := 0
	if m := form.Get("Marker"); m != "" {
		raw, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil {
			return nil, "", errf(400, "InvalidInput", "Invalid Marker.")
		}
		start = sort.SearchStrings(names, string(raw))
		if start < len(names) && names[start] == string(raw) {
			start++
		}
	}
	end := min(start+max, len(names))
	page = names[start:end]
	if end < len(names) {
		marker = base64.RawURLEncoding.EncodeToString([]byte(names[end-1]))
	}
	return page, marker, nil
}

// ---- the calls

// iamResource is the resource a call acts on, for AccessDenied messages.
func (a *AWS) iamResource(action string, f url.Values) string {
	switch {
	case f.Get("RoleName") != "":
		return fmt.Sprintf("arn:aws:iam::%s:role/%s", a.o.AccountID, f.Get("RoleName"))
	case f.Get("OpenIDConnectProviderArn") != "":
		return f.Get("OpenIDConnectProviderArn")
	case action == "CreateOpenIDConnectProvider":
		return fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", a.o.AccountID, strings.TrimPrefix(f.Get("Url"), "https://"))
	case f.Get("PolicyArn") != "":
		return f.Get("PolicyArn")
	}
	return fmt.Sprintf("arn:aws:iam::%s:*", a.o.AccountID)
}

func (a *AWS) iam(action string, f url.Values, c caller) (any, *apiError) {
	handler, ok := iamCalls[action]
	if !ok {
		return nil, errf(400, "InvalidAction", "Could not find operation %s for version %s", action, iamVersion)
	}
	if !a.allowed(c, "iam:"+action) {
		return nil, errf(403, "AccessDenied", "User: %s is not authorized to perform: iam:%s on resource: %s because no identity-based policy allows the iam:%s action",
			c.arn, action, a.iamResource(action, f), action)
	}
	return handler(a, f)
}

var iamCalls map[string]func(a *AWS, f url.Values) (any, *apiError)

func init() {
	iamCalls = map[string]func(a *AWS, f url.Values) (any, *apiError){
		"CreateOpenIDConnectProvider":             (*AWS).iamCreateOIDCProvider,
		"GetOpenIDConnectProvider":                (*AWS).iamGetOIDCProvider,
		"ListOpenIDConnectProviders":              (*AWS).iamListOIDCProviders,
		"DeleteOpenIDConnectProvider":             (*AWS).iamDeleteOIDCProvider,
		"AddClientIDToOpenIDConnectProvider":      (*AWS).iamAddClientID,
		"RemoveClientIDFromOpenIDConnectProvider": (*AWS).iamRemoveClientID,
		"UpdateOpenIDConnectProviderThumbprint":   (*AWS).iamUpdateThumbprint,
		"CreateRole":                              (*AWS).iamCreateRole,
		"GetRole":                                 (*AWS).iamGetRole,
		"DeleteRole":                              (*AWS).iamDeleteRole,
		"UpdateAssumeRolePolicy":                  (*AWS).iamUpdateAssumeRolePolicy,
		"TagRole":                                 (*AWS).iamTagRole,
		"UntagRole":                               (*AWS).iamUntagRole,
		"ListRoleTags":                            (*AWS).iamListRoleTags,
		"ListRoles":                               (*AWS).iamListRoles,
		"AttachRolePolicy":                        (*AWS).iamAttachRolePolicy,
		"DetachRolePolicy":                        (*AWS).iamDetachRolePolicy,
		"ListAttachedRolePolicies":                (*AWS).iamListAttachedRolePolicies,
		"GetPolicy":                               (*AWS).iamGetPolicy,
		"GetPolicyVersion":                        (*AWS).iamGetPolicyVersion,
	}
}

func (a *AWS) provider(arn string) (*oidcProvider, *apiError) {
	if p, ok := a.providers[arn]; ok {
		return p, nil
	}
	return nil, errf(404, "NoSuchEntity", "OpenIDConnect Provider not found for arn %s", arn)
}

func (a *AWS) role(name string) (*iamRole, *apiError) {
	if e := checkRoleName(name); e != nil {
		return nil, e
	}
	if r, ok := a.roles[name]; ok {
		return r, nil
	}
	return nil, errf(404, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

func checkThumbprints(list []string) *apiError {
	for _, t := range list {
		if len(t) != 40 {
			return validation("Value '[%s]' at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]",
				strings.Join(list, ", "))
		}
	}
	if len(list) > 5 {
		return errf(409, "LimitExceeded", "Thumbprint list must contain fewer than 5 entries.")
	}
	return nil
}

func (a *AWS) iamCreateOIDCProvider(f url.Values) (any, *apiError) {
	u := f.Get("Url")
	if u == "" {
		return nil, validation("Value null at 'url' failed to satisfy constraint: Member must not be null")
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "https" || pu.Host == "" || pu.RawQuery != "" || pu.Fragment != "" {
		return nil, errf(400, "InvalidInput", "Invalid Open ID Connect Provider URL")
	}
	thumbs := members(f, "ThumbprintList")
	if e := checkThumbprints(thumbs); e != nil {
		return nil, e
	}
	ids := members(f, "ClientIDList")
	for _, id := range ids {
		if id == "" || len(id) > 255 {
			return nil, validation("Value '%s' at 'clientIDList' failed to satisfy constraint: Member must have length between 1 and 255", id)
		}
	}
	hp := strings.TrimSuffix(pu.Host+pu.Path, "/")
	arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", a.o.AccountID, hp)
	if _, ok := a.providers[arn]; ok {
		return nil, errf(409, "EntityAlreadyExists", "Provider with url %s already exists.", u)
	}
	tags := tagsOf(f)
	a.providers[arn] = &oidcProvider{arn: arn, url: hp, clientIDs: slices.Compact(slices.Clone(ids)), thumbprints: thumbs, tags: tags, created: a.o.Now()}
	return struct {
		XMLName xml.Name `xml:"CreateOpenIDConnectProviderResult"`
		Arn     string   `xml:"OpenIDConnectProviderArn"`
		Tags    *xmlTags `xml:"Tags,omitempty"`
	}{Arn: arn, Tags: tagList(tags)}, nil
}

func (a *AWS) iamGetOIDCProvider(f url.Values) (any, *apiError) {
	p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
	if e != nil {
		return nil, e
	}
	type list struct {
		Member []string `xml:"member"`
	}
	return struct {
		XMLName        xml.Name `xml:"GetOpenIDConnectProviderResult"`
		URL            string   `xml:"Url"`
		ClientIDList   list     `xml:"ClientIDList"`
		ThumbprintList list     `xml:"ThumbprintList"`
		CreateDate     string   `xml:"CreateDate"`
		Tags           xmlTags  `xml:"Tags"`
	}{URL: p.url, ClientIDList: list{p.clientIDs}, ThumbprintList: list{p.thumbprints}, CreateDate: isoTime(p.created), Tags: xmlTags{p.tags}}, nil
}

func (a *AWS) iamListOIDCProviders(url.Values) (any, *apiError) {
	arns := make([]string, 0, len(a.providers))
	for arn := range a.providers {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	type entry struct {
		Arn string `xml:"Arn"`
	}
	out := struct {
		XMLName xml.Name `xml:"ListOpenIDConnectProvidersResult"`
		List    []entry  `xml:"OpenIDConnectProviderList>member"`
	}{List: []entry{}}
	for _, arn := range arns {
		out.List = append(out.List, entry{arn})
	}
	return out, nil
}

func (a *AWS) iamDeleteOIDCProvider(f url.Values) (any, *apiError) {
	p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
	if e != nil {
		return nil, e
	}
	delete(a.providers, p.arn)
	return nil, nil
}

func (a *AWS) iamAddClientID(f url.Values) (any, *apiError) {
	p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
	if e != nil {
		return nil, e
	}
	id := f.Get("ClientID")
	if id == "" || len(id) > 255 {
		return nil, validation("Value '%s' at 'clientID' failed to satisfy constraint: Member must have length between 1 and 255", id)
	}
	if !slices.Contains(p.clientIDs, id) {
		p.clientIDs = append(p.clientIDs, id)
	}
	return nil, nil
}

func (a *AWS) iamRemoveClientID(f url.Values) (any, *apiError) {
	p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
	if e != nil {
		return nil, e
	}
	p.clientIDs = slices.DeleteFunc(p.clientIDs, func(s string) bool { return s == f.Get("ClientID") })
	return nil, nil
}

func (a *AWS) iamUpdateThumbprint(f url.Values) (any, *apiError) {
	p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
	if e != nil {
		return nil, e
	}
	thumbs := members(f, "ThumbprintList")
	if e := checkThumbprints(thumbs); e != nil {
		return nil, e
	}
	p.thumbprints = thumbs
	return nil, nil
}

func (a *AWS) iamCreateRole(f url.Values) (any, *apiError) {
	name := f.Get("RoleName")
	if e := checkRoleName(name); e != nil {
		return nil, e
	}
	path := f.Get("Path")
	if path == "" {
		path = "/"
	}
	if len(path) > 512 || !iamPathRe.MatchString(path) {
		return nil, validation(`Value '%s' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, path)
	}
	maxSession := 3600
	if v := f.Get("MaxSessionDuration"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 3600 || n > 43200 {
			return nil, validation("Value '%s' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200 and greater than or equal to 3600", v)
		}
		maxSession = n
	}
	if d := f.Get("Description"); len([]rune(d)) > 1000 {
		return nil, validation("Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	tags := tagsOf(f)
	if len(tags) > 50 {
		return nil, validation("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	doc := f.Get("AssumeRolePolicyDocument")
	if doc == "" {
		return nil, validation("Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
	}
	if _, ok := a.roles[name]; ok {
		return nil, errf(409, "EntityAlreadyExists", "Role with name %s already exists.", name)
	}
	if _, e := parsePolicy(doc); e != nil {
		return nil, e
	}
	r := &iamRole{name: name, id: "AROA" + randID(17), arn: fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.o.AccountID, path, name),
		path: path, description: f.Get("Description"), trust: doc, tags: tags, created: a.o.Now(), maxSession: maxSession}
	a.roles[name] = r
	return struct {
		XMLName xml.Name `xml:"CreateRoleResult"`
		Role    xmlRole  `xml:"Role"`
	}{Role: r.xml(true)}, nil
}

func (a *AWS) iamGetRole(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	return struct {
		XMLName xml.Name `xml:"GetRoleResult"`
		Role    xmlRole  `xml:"Role"`
	}{Role: r.xml(true)}, nil
}

func (a *AWS) iamDeleteRole(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	if len(r.attached) > 0 {
		return nil, errf(409, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	delete(a.roles, r.name)
	return nil, nil
}

func (a *AWS) iamUpdateAssumeRolePolicy(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	doc := f.Get("PolicyDocument")
	if doc == "" {
		return nil, validation("Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
	}
	if _, e := parsePolicy(doc); e != nil {
		return nil, e
	}
	r.trust = doc
	return nil, nil
}

func (a *AWS) iamTagRole(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	for _, t := range tagsOf(f) {
		r.tags = slices.DeleteFunc(r.tags, func(x xmlTag) bool { return x.Key == t.Key })
		r.tags = append(r.tags, t)
	}
	if len(r.tags) > 50 {
		return nil, errf(409, "LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return nil, nil
}

func (a *AWS) iamUntagRole(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	for _, k := range members(f, "TagKeys") {
		r.tags = slices.DeleteFunc(r.tags, func(x xmlTag) bool { return x.Key == k })
	}
	return nil, nil
}

func (a *AWS) iamListRoleTags(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	return struct {
		XMLName     xml.Name `xml:"ListRoleTagsResult"`
		Tags        xmlTags  `xml:"Tags"`
		IsTruncated bool     `xml:"IsTruncated"`
	}{Tags: xmlTags{r.tags}}, nil
}

func (a *AWS) iamListRoles(f url.Values) (any, *apiError) {
	prefix := f.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	names := make([]string, 0, len(a.roles))
	for n, r := range a.roles {
		if strings.HasPrefix(r.path, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	page, marker, e := pageMarker(names, f)
	if e != nil {
		return nil, e
	}
	out := struct {
		XMLName     xml.Name  `xml:"ListRolesResult"`
		IsTruncated bool      `xml:"IsTruncated"`
		Marker      string    `xml:"Marker,omitempty"`
		Roles       []xmlRole `xml:"Roles>member"`
	}{IsTruncated: marker != "", Marker: marker, Roles: []xmlRole{}}
	for _, n := range page {
		out.Roles = append(out.Roles, a.roles[n].xml(false))
	}
	return out, nil
}

// attachable finds a managed policy by ARN.
func (a *AWS) attachable(arn string) (*managedPolicy, *apiError) {
	if !strings.HasPrefix(arn, "arn:aws:iam::") || strings.Count(arn, ":") != 5 {
		return nil, errf(400, "InvalidInput", "ARN %s is not valid.", arn)
	}
	if p, ok := a.policies[arn]; ok {
		return p, nil
	}
	return nil, errf(404, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
}

func (a *AWS) iamAttachRolePolicy(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	p, e := a.attachable(f.Get("PolicyArn"))
	if e != nil {
		return nil, e
	}
	if !slices.Contains(r.attached, p.arn) {
		if len(r.attached) >= 20 {
			return nil, errf(409, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 20")
		}
		r.attached = append(r.attached, p.arn)
	}
	return nil, nil
}

func (a *AWS) iamDetachRolePolicy(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	arn := f.Get("PolicyArn")
	if !slices.Contains(r.attached, arn) {
		return nil, errf(404, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	r.attached = slices.DeleteFunc(r.attached, func(x string) bool { return x == arn })
	return nil, nil
}

func (a *AWS) iamListAttachedRolePolicies(f url.Values) (any, *apiError) {
	r, e := a.role(f.Get("RoleName"))
	if e != nil {
		return nil, e
	}
	prefix := f.Get("PathPrefix")
	var arns []string
	for _, arn := range r.attached {
		if prefix == "" || prefix == "/" {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	page, marker, e := pageMarker(arns, f)
	if e != nil {
		return nil, e
	}
	out := struct {
		XMLName     xml.Name            `xml:"ListAttachedRolePoliciesResult"`
		IsTruncated bool                `xml:"IsTruncated"`
		Marker      string              `xml:"Marker,omitempty"`
		Policies    []xmlAttachedPolicy `xml:"AttachedPolicies>member"`
	}{IsTruncated: marker != "", Marker: marker, Policies: []xmlAttachedPolicy{}}
	for _, arn := range page {
		out.Policies = append(out.Policies, xmlAttachedPolicy{PolicyName: a.policies[arn].name, PolicyArn: arn})
	}
	return out, nil
}

func (a *AWS) iamGetPolicy(f url.Values) (any, *apiError) {
	arn := f.Get("PolicyArn")
	p, ok := a.policies[arn]
	if !ok {
		return nil, errf(404, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	count := 0
	for _, r := range a.roles {
		if slices.Contains(r.attached, arn) {
			count++
		}
	}
	return struct {
		XMLName xml.Name  `xml:"GetPolicyResult"`
		Policy  xmlPolicy `xml:"Policy"`
	}{Policy: xmlPolicy{PolicyName: p.name, PolicyID: p.id, Arn: p.arn, Path: "/", DefaultVersionID: p.version, AttachmentCount: count,
		IsAttachable: true, CreateDate: isoTime(p.created), UpdateDate: isoTime(p.updated)}}, nil
}

func (a *AWS) iamGetPolicyVersion(f url.Values) (any, *apiError) {
	arn, v := f.Get("PolicyArn"), f.Get("VersionId")
	p, ok := a.policies[arn]
	if !ok {
		return nil, errf(404, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	if v != p.version {
		return nil, errf(404, "NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", arn, v)
	}
	type version struct {
		Document         string `xml:"Document"`
		VersionID        string `xml:"VersionId"`
		IsDefaultVersion bool   `xml:"IsDefaultVersion"`
		CreateDate       string `xml:"CreateDate"`
	}
	return struct {
		XMLName xml.Name `xml:"GetPolicyVersionResult"`
		Version version  `xml:"PolicyVersion"`
	}{Version: version{Document: iamEscape(p.document), VersionID: p.version, IsDefaultVersion: true, CreateDate: isoTime(p.updated)}}, nil
}
