package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
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

func (a *AWS) role(name string) (*iamRole, *apiError) {
	if e := checkRoleName(name); e != nil {
		return nil, e
	}
	if r, ok := a.roles[name]; ok {
		return r, nil
	}
	return nil, errf(404, "NoSuchEntity", "The role with name %s cannot be found.", name)
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
