package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

type oidcProvider struct {
	arn         string
	url         string // without https://
	clientIDs   []string
	thumbprints []string
	tags        []tag
	created     time.Time
}

type iamRole struct {
	name, id, arn, path, description string
	trust                            string // as sent, JSON
	tags                             []tag
	attached                         []string // policy ARNs
	created                          time.Time
	maxSession                       int
}

// managedPolicies are the AWS managed policies the sandbox knows.
var managedPolicies = map[string]string{
	"AWSXRayDaemonWriteAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}`,
	"AWSXrayReadOnlyAccess":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries","xray:BatchGetTraces","xray:GetServiceGraph","xray:GetTraceGraph","xray:GetTraceSummaries","xray:GetGroups","xray:GetGroup"],"Resource":["*"]}]}`,
	"AWSXrayWriteOnlyAccess":   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}`,
	"AdministratorAccess":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
}

func managedName(arn string) (string, bool) {
	const prefix = "arn:aws:iam::aws:policy/"
	if !strings.HasPrefix(arn, prefix) {
		return "", false
	}
	name := strings.TrimPrefix(arn, prefix)
	_, ok := managedPolicies[name]
	return name, ok
}

// XML shapes of IAM's answers.
type xmlRole struct {
	Path                     string `xml:"Path"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
	Description              string `xml:"Description,omitempty"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration"`
	Tags                     []tag  `xml:"Tags>member,omitempty"`
}

func (r *iamRole) xml() xmlRole {
	return xmlRole{Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn, CreateDate: r.created.UTC().Format(time.RFC3339),
		// IAM returns the trust policy URL-encoded.
		AssumeRolePolicyDocument: url.QueryEscape(r.trust), Description: r.description, MaxSessionDuration: r.maxSession, Tags: r.tags}
}

func (a *AWS) iam(action string, f url.Values) (any, *apiError) {
	now := a.o.Now()
	switch action {
	case "CreateOpenIDConnectProvider":
		u := f.Get("Url")
		if !strings.HasPrefix(u, "https://") {
			return nil, errf(400, "ValidationError", "The URL must begin with https://")
		}
		hp := strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
		arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", a.o.AccountID, hp)
		if _, ok := a.providers[arn]; ok {
			return nil, errf(409, "EntityAlreadyExists", "Provider with url %s already exists.", u)
		}
		for _, t := range members(f, "ThumbprintList") {
			if len(t) != 40 {
				return nil, errf(400, "ValidationError", "Thumbprint %s must be 40 characters long.", t)
			}
		}
		a.providers[arn] = &oidcProvider{arn: arn, url: hp, clientIDs: members(f, "ClientIDList"), thumbprints: members(f, "ThumbprintList"), tags: tagsOf(f), created: now}
		return struct {
			XMLName xml.Name `xml:"CreateOpenIDConnectProviderResult"`
			Arn     string   `xml:"OpenIDConnectProviderArn"`
			Tags    []tag    `xml:"Tags>member"`
		}{Arn: arn, Tags: tagsOf(f)}, nil
	case "GetOpenIDConnectProvider":
		p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
		if e != nil {
			return nil, e
		}
		return struct {
			XMLName        xml.Name `xml:"GetOpenIDConnectProviderResult"`
			URL            string   `xml:"Url"`
			ClientIDList   []string `xml:"ClientIDList>member"`
			ThumbprintList []string `xml:"ThumbprintList>member"`
			CreateDate     string   `xml:"CreateDate"`
			Tags           []tag    `xml:"Tags>member"`
		}{URL: p.url, ClientIDList: p.clientIDs, ThumbprintList: p.thumbprints, CreateDate: p.created.UTC().Format(time.RFC3339), Tags: p.tags}, nil
	case "ListOpenIDConnectProviders":
		arns := make([]string, 0, len(a.providers))
		for arn := range a.providers {
			arns = append(arns, arn)
		}
		sort.Strings(arns)
		type entry struct {
			Arn string `xml:"Arn"`
		}
		list := make([]entry, len(arns))
		for i, arn := range arns {
			list[i] = entry{arn}
		}
		return struct {
			XMLName xml.Name `xml:"ListOpenIDConnectProvidersResult"`
			List    []entry  `xml:"OpenIDConnectProviderList>member"`
		}{List: list}, nil
	case "DeleteOpenIDConnectProvider":
		if _, e := a.provider(f.Get("OpenIDConnectProviderArn")); e != nil {
			return nil, e
		}
		delete(a.providers, f.Get("OpenIDConnectProviderArn"))
		return nil, nil
	case "AddClientIDToOpenIDConnectProvider":
		p, e := a.provider(f.Get("OpenIDConnectProviderArn"))
		if e != nil {
			return nil, e
		}
		if id := f.Get("ClientID"); !slices.Contains(p.clientIDs, id) {
			p.clientIDs = append(p.clientIDs, id)
		}
		return nil, nil
	case "CreateRole":
		name := f.Get("RoleName")
		if name == "" || len(name) > 64 {
			return nil, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64", name)
		}
		if _, ok := a.roles[name]; ok {
			return nil, errf(409, "EntityAlreadyExists", "Role with name %s already exists.", name)
		}
		doc := f.Get("AssumeRolePolicyDocument")
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return nil, errf(400, "MalformedPolicyDocument", "This policy contains invalid Json")
		}
		path := f.Get("Path")
		if path == "" {
			path = "/"
		}
		r := &iamRole{name: name, id: "AROA" + strings.ToUpper(randHex(17)), arn: fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.o.AccountID, path, name),
			path: path, description: f.Get("Description"), trust: doc, tags: tagsOf(f), created: now, maxSession: 3600}
		a.roles[name] = r
		return struct {
			XMLName xml.Name `xml:"CreateRoleResult"`
			Role    xmlRole  `xml:"Role"`
		}{Role: r.xml()}, nil
	case "GetRole":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		return struct {
			XMLName xml.Name `xml:"GetRoleResult"`
			Role    xmlRole  `xml:"Role"`
		}{Role: r.xml()}, nil
	case "ListRoles":
		names := make([]string, 0, len(a.roles))
		for n, r := range a.roles {
			if strings.HasPrefix(r.path, f.Get("PathPrefix")) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		list := make([]xmlRole, 0, len(names))
		for _, n := range names {
			list = append(list, a.roles[n].xml())
		}
		return struct {
			XMLName     xml.Name  `xml:"ListRolesResult"`
			Roles       []xmlRole `xml:"Roles>member"`
			IsTruncated bool      `xml:"IsTruncated"`
		}{Roles: list}, nil
	case "DeleteRole":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		if len(r.attached) > 0 {
			return nil, errf(409, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
		}
		delete(a.roles, r.name)
		return nil, nil
	case "UpdateAssumeRolePolicy":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		var v any
		if json.Unmarshal([]byte(f.Get("PolicyDocument")), &v) != nil {
			return nil, errf(400, "MalformedPolicyDocument", "This policy contains invalid Json")
		}
		r.trust = f.Get("PolicyDocument")
		return nil, nil
	case "TagRole":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		for _, t := range tagsOf(f) {
			r.tags = slices.DeleteFunc(r.tags, func(x tag) bool { return x.Key == t.Key })
			r.tags = append(r.tags, t)
		}
		return nil, nil
	case "UntagRole":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		for _, k := range members(f, "TagKeys") {
			r.tags = slices.DeleteFunc(r.tags, func(x tag) bool { return x.Key == k })
		}
		return nil, nil
	case "ListRoleTags":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		return struct {
			XMLName     xml.Name `xml:"ListRoleTagsResult"`
			Tags        []tag    `xml:"Tags>member"`
			IsTruncated bool     `xml:"IsTruncated"`
		}{Tags: r.tags}, nil
	case "AttachRolePolicy", "DetachRolePolicy":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		arn := f.Get("PolicyArn")
		if _, ok := managedName(arn); !ok {
			return nil, errf(404, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
		}
		if action == "AttachRolePolicy" {
			if !slices.Contains(r.attached, arn) {
				r.attached = append(r.attached, arn)
			}
			return nil, nil
		}
		if !slices.Contains(r.attached, arn) {
			return nil, errf(404, "NoSuchEntity", "Policy %s was not found.", arn)
		}
		r.attached = slices.DeleteFunc(r.attached, func(x string) bool { return x == arn })
		return nil, nil
	case "ListAttachedRolePolicies":
		r, e := a.role(f.Get("RoleName"))
		if e != nil {
			return nil, e
		}
		type ap struct {
			PolicyName string `xml:"PolicyName"`
			PolicyArn  string `xml:"PolicyArn"`
		}
		list := []ap{}
		for _, arn := range r.attached {
			n, _ := managedName(arn)
			list = append(list, ap{n, arn})
		}
		return struct {
			XMLName     xml.Name `xml:"ListAttachedRolePoliciesResult"`
			Policies    []ap     `xml:"AttachedPolicies>member"`
			IsTruncated bool     `xml:"IsTruncated"`
		}{Policies: list}, nil
	case "GetPolicy":
		arn := f.Get("PolicyArn")
		name, ok := managedName(arn)
		if !ok {
			return nil, errf(404, "NoSuchEntity", "Policy %s was not found.", arn)
		}
		type policy struct {
			PolicyName       string `xml:"PolicyName"`
			Arn              string `xml:"Arn"`
			Path             string `xml:"Path"`
			DefaultVersionID string `xml:"DefaultVersionId"`
			AttachmentCount  int    `xml:"AttachmentCount"`
			IsAttachable     bool   `xml:"IsAttachable"`
		}
		return struct {
			XMLName xml.Name `xml:"GetPolicyResult"`
			Policy  policy   `xml:"Policy"`
		}{Policy: policy{name, arn, "/", "v1", 0, true}}, nil
	case "GetPolicyVersion":
		arn := f.Get("PolicyArn")
		name, ok := managedName(arn)
		if !ok || f.Get("VersionId") != "v1" {
			return nil, errf(404, "NoSuchEntity", "Policy %s version %s does not exist.", arn, f.Get("VersionId"))
		}
		type version struct {
			Document         string `xml:"Document"`
			VersionID        string `xml:"VersionId"`
			IsDefaultVersion bool   `xml:"IsDefaultVersion"`
		}
		return struct {
			XMLName xml.Name `xml:"GetPolicyVersionResult"`
			Version version  `xml:"PolicyVersion"`
		}{Version: version{url.QueryEscape(managedPolicies[name]), "v1", true}}, nil
	}
	return nil, errf(400, "InvalidAction", "Could not find operation %s for version 2010-05-08", action)
}

func (a *AWS) provider(arn string) (*oidcProvider, *apiError) {
	if p, ok := a.providers[arn]; ok {
		return p, nil
	}
	return nil, errf(404, "NoSuchEntity", "OpenIDConnect Provider not found for arn %s", arn)
}

func (a *AWS) role(name string) (*iamRole, *apiError) {
	if r, ok := a.roles[name]; ok {
		return r, nil
	}
	return nil, errf(404, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

// canWriteXRay reports whether a role's policies allow PutTraceSegments.
func (a *AWS) canWriteXRay(role string) bool {
	r, ok := a.roles[role]
	if !ok {
		return false
	}
	for _, arn := range r.attached {
		if n, _ := managedName(arn); n == "AWSXRayDaemonWriteAccess" || n == "AWSXrayWriteOnlyAccess" || n == "AdministratorAccess" {
			return true
		}
	}
	return false
}

// ---- STS

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

func (a *AWS) sts(action string, f url.Values, p principal) (any, *apiError) {
	switch action {
	case "GetCallerIdentity":
		if !p.known {
			return nil, errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return struct {
			XMLName xml.Name `xml:"GetCallerIdentityResult"`
			Arn     string   `xml:"Arn"`
			UserID  string   `xml:"UserId"`
			Account string   `xml:"Account"`
		}{Arn: p.arn, UserID: "AROASANDBOX:i-0sandbox", Account: a.o.AccountID}, nil
	case "AssumeRoleWithWebIdentity":
		return a.assumeWebIdentity(f)
	case "AssumeRole":
		if !p.known {
			return nil, errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		name := roleNameOf(f.Get("RoleArn"))
		r, ok := a.roles[name]
		if !ok {
			return nil, errf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", p.arn, f.Get("RoleArn"))
		}
		creds := a.issue(r.name)
		return struct {
			XMLName     xml.Name        `xml:"AssumeRoleResult"`
			Credentials stsCredentials  `xml:"Credentials"`
			User        assumedRoleUser `xml:"AssumedRoleUser"`
		}{Credentials: creds, User: assumedRoleUser{fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.o.AccountID, r.name, f.Get("RoleSessionName")), r.id + ":" + f.Get("RoleSessionName")}}, nil
	}
	return nil, errf(400, "InvalidAction", "Could not find operation %s for version 2011-06-15", action)
}

func roleNameOf(arn string) string {
	i := strings.LastIndex(arn, "/")
	if i < 0 {
		return ""
	}
	return arn[i+1:]
}

func (a *AWS) issue(role string) stsCredentials {
	key := "ASIA" + strings.ToUpper(randHex(16))
	a.sessions[key] = role
	return stsCredentials{AccessKeyID: key, SecretAccessKey: randHex(40), SessionToken: base64.StdEncoding.EncodeToString([]byte("sandbox-session-" + randHex(24))),
		Expiration: a.o.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
}

// assumeWebIdentity checks a service account token the way STS does for
// IRSA: the issuer must be an IAM OIDC provider, and the role's trust policy
// must allow it for the token's sub and aud. The signature is not checked.
func (a *AWS) assumeWebIdentity(f url.Values) (any, *apiError) {
	token := f.Get("WebIdentityToken")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errf(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errf(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT.")
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud any    `json:"aud"`
		Exp int64  `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil {
		return nil, errf(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT.")
	}
	if claims.Exp != 0 && time.Unix(claims.Exp, 0).Before(a.o.Now()) {
		return nil, errf(400, "ExpiredTokenException", "Token expired: current date/time %s must be before the expiration date/time", a.o.Now().UTC().Format(time.RFC3339))
	}
	hp := strings.TrimSuffix(strings.TrimPrefix(claims.Iss, "https://"), "/")
	providerARN := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", a.o.AccountID, hp)
	prov, ok := a.providers[providerARN]
	if !ok {
		return nil, errf(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", claims.Iss)
	}
	var auds []string
	switch v := claims.Aud.(type) {
	case string:
		auds = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	audOK := false
	for _, aud := range auds {
		if slices.Contains(prov.clientIDs, aud) {
			audOK = true
		}
	}
	if !audOK {
		return nil, errf(400, "InvalidIdentityToken", "Incorrect token audience")
	}
	name := roleNameOf(f.Get("RoleArn"))
	r, ok := a.roles[name]
	denied := errf(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	if !ok || !trustAllows(r.trust, providerARN, hp, claims.Sub, auds) {
		return nil, denied
	}
	creds := a.issue(r.name)
	session := f.Get("RoleSessionName")
	return struct {
		XMLName     xml.Name        `xml:"AssumeRoleWithWebIdentityResult"`
		Credentials stsCredentials  `xml:"Credentials"`
		Subject     string          `xml:"SubjectFromWebIdentityToken"`
		User        assumedRoleUser `xml:"AssumedRoleUser"`
		Provider    string          `xml:"Provider"`
		Audience    string          `xml:"Audience"`
	}{Credentials: creds, Subject: claims.Sub, Provider: providerARN, Audience: auds[0],
		User: assumedRoleUser{fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.o.AccountID, r.name, session), r.id + ":" + session}}, nil
}

// trustAllows evaluates the part of a trust policy IRSA uses: an Allow of
// sts:AssumeRoleWithWebIdentity for the provider, with StringEquals or
// StringLike conditions on <issuer>:sub and <issuer>:aud.
func trustAllows(doc, providerARN, hp, sub string, auds []string) bool {
	var p struct {
		Statement []struct {
			Effect    string
			Principal map[string]any
			Action    any
			Condition map[string]map[string]any
		}
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	for _, s := range p.Statement {
		if s.Effect != "Allow" || !matchesAny(s.Principal["Federated"], providerARN) || !matchesAny(s.Action, "sts:AssumeRoleWithWebIdentity") {
			continue
		}
		ok := true
		for op, conds := range s.Condition {
			for key, want := range conds {
				var got []string
				switch key {
				case hp + ":sub":
					got = []string{sub}
				case hp + ":aud":
					got = auds
				default:
					ok = false
					continue
				}
				matched := false
				for _, g := range got {
					if op == "StringEquals" && matchesAny(want, g) || op == "StringLike" && likeAny(want, g) {
						matched = true
					}
				}
				if !matched {
					ok = false
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func values(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func matchesAny(v any, s string) bool { return slices.Contains(values(v), s) }

func likeAny(v any, s string) bool {
	for _, pat := range values(v) {
		if ok, _ := globMatch(pat, s); ok {
			return true
		}
	}
	return false
}

// globMatch is IAM's StringLike: * any run, ? one character.
func globMatch(pat, s string) (bool, error) {
	if pat == "" {
		return s == "", nil
	}
	switch pat[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if ok, _ := globMatch(pat[1:], s[i:]); ok {
				return true, nil
			}
		}
		return false, nil
	case '?':
		return s != "" && must(globMatch(pat[1:], s[1:])), nil
	}
	return s != "" && s[0] == pat[0] && must(globMatch(pat[1:], s[1:])), nil
}

func must(ok bool, _ error) bool { return ok }
