package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

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
