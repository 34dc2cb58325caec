package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stsSession is a set of temporary credentials STS handed out for a role.
type stsSession struct {
	role, roleID, name, arn string
	secret, token           string
	expires                 time.Time
}

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type xmlAssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func (a *AWS) sts(action string, f url.Values, c caller) (any, *apiError) {
	switch action {
	case "GetCallerIdentity":
		// Needs no permission: anyone may ask who they are.
		return struct {
			XMLName xml.Name `xml:"GetCallerIdentityResult"`
			Arn     string   `xml:"Arn"`
			UserID  string   `xml:"UserId"`
			Account string   `xml:"Account"`
		}{Arn: c.arn, UserID: c.userID, Account: a.o.AccountID}, nil
	case "AssumeRoleWithWebIdentity":
		return a.assumeRoleWithWebIdentity(f)
	case "AssumeRole":
		return a.assumeRole(f, c)
	}
	return nil, errf(400, "InvalidAction", "Could not find operation %s for version %s", action, stsVersion)
}

// sessionParams checks what every AssumeRole* call carries: the role ARN,
// the session name and the duration.
func (a *AWS) sessionParams(f url.Values) (roleARN, session string, duration time.Duration, e *apiError) {
	roleARN, session = f.Get("RoleArn"), f.Get("RoleSessionName")
	switch {
	case roleARN == "":
		return "", "", 0, validation("Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case len(roleARN) < 20 || len(roleARN) > 2048:
		return "", "", 0, validation("Value '%s' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20", roleARN)
	case session == "":
		return "", "", 0, validation("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case !sessionNameRe.MatchString(session):
		return "", "", 0, validation(`Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`, session)
	}
	duration = time.Hour
	if v := f.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			return "", "", 0, validation("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", v)
		}
		duration = time.Duration(n) * time.Second
	}
	return roleARN, session, duration, nil
}

// roleOfARN finds the role an ARN names (arn:aws:iam::<account>:role/<path/>name).
func (a *AWS) roleOfARN(arn string) (*iamRole, bool) {
	prefix := fmt.Sprintf("arn:aws:iam::%s:role/", a.o.AccountID)
	if !strings.HasPrefix(arn, prefix) {
		return nil, false
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	r, ok := a.roles[name]
	if !ok || r.arn != arn {
		return nil, false
	}
	return r, true
}

// issue hands out temporary credentials for a role session.
func (a *AWS) issue(r *iamRole, session string, d time.Duration) (xmlCredentials, xmlAssumedRoleUser) {
	key := "ASIA" + randID(16)
	s := &stsSession{role: r.name, roleID: r.id, name: session,
		arn:     fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.o.AccountID, r.name, session),
		secret:  base64.StdEncoding.EncodeToString([]byte(randHex(30)))[:40],
		token:   "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString([]byte("sandbox-session:"+randHex(48))),
		expires: a.o.Now().Add(d).Truncate(time.Second)}
	a.sessions[key] = s
	return xmlCredentials{AccessKeyID: key, SecretAccessKey: s.secret, SessionToken: s.token, Expiration: isoTime(s.expires)},
		xmlAssumedRoleUser{AssumedRoleID: r.id + ":" + session, Arn: s.arn}
}

// jwtClaims are the claims of a web identity token the sandbox reads.
type jwtClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud any    `json:"aud"`
	Exp *int64 `json:"exp"`
}

func (c jwtClaims) audiences() []string { return policyStrings(c.Aud) }

// parseJWT reads a JWT's claims without checking its signature: the
// sandbox trusts the tokens its simulated cluster mints.
func parseJWT(token string) (jwtClaims, bool) {
	var c jwtClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return c, false
	}
	return c, true
}

// assumeRoleWithWebIdentity is IRSA's call: the issuer must be an IAM OIDC
// provider of the account, the audience one of its client ids, and the
// role's trust policy must allow the provider for the token's sub and aud.
func (a *AWS) assumeRoleWithWebIdentity(f url.Values) (any, *apiError) {
	roleARN, session, d, e := a.sessionParams(f)
	if e != nil {
		return nil, e
	}
	token := f.Get("WebIdentityToken")
	if len(token) < 4 {
		return nil, validation("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4")
	}
	claims, ok := parseJWT(token)
	if !ok || claims.Iss == "" {
		return nil, errf(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	iss := claims.Iss
	if !strings.HasPrefix(iss, "https://") {
		iss = "https://" + iss
	}
	hp := strings.TrimSuffix(strings.TrimPrefix(iss, "https://"), "/")
	providerARN := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", a.o.AccountID, hp)
	prov, ok := a.providers[providerARN]
	if !ok {
		return nil, errf(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", iss)
	}
	now := a.o.Now()
	if claims.Exp != nil && now.Unix() >= *claims.Exp {
		return nil, errf(400, "ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), *claims.Exp)
	}
	auds := claims.audiences()
	aud := ""
	for _, x := range auds {
		if slices.Contains(prov.clientIDs, x) {
			aud = x
			break
		}
	}
	if aud == "" {
		return nil, errf(400, "InvalidIdentityToken", "Incorrect token audience")
	}
	denied := errf(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	r, ok := a.roleOfARN(roleARN)
	if !ok || !trustAllows(r.trust, "sts:AssumeRoleWithWebIdentity", func(p map[string]any) bool {
		return slices.Contains(policyStrings(p["Federated"]), providerARN)
	}, map[string][]string{strings.ToLower(hp + ":sub"): {claims.Sub}, strings.ToLower(hp + ":aud"): auds}) {
		return nil, denied
	}
	if d > time.Duration(r.maxSession)*time.Second {
		return nil, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	creds, user := a.issue(r, session, d)
	return struct {
		XMLName  xml.Name           `xml:"AssumeRoleWithWebIdentityResult"`
		Audience string             `xml:"Audience"`
		User     xmlAssumedRoleUser `xml:"AssumedRoleUser"`
		Provider string             `xml:"Provider"`
		Creds    xmlCredentials     `xml:"Credentials"`
		Subject  string             `xml:"SubjectFromWebIdentityToken"`
	}{Audience: aud, User: user, Provider: providerARN, Creds: creds, Subject: claims.Sub}, nil
}

// podIdentityService is the service principal EKS Pod Identity's trust
// policies name.
const podIdentityService = "pods.eks.amazonaws.com"

// assumeRole stands, in the sandbox, for both a principal assuming a role
// and EKS Pod Identity handing a pod its role: the trust policy must allow
// sts:AssumeRole for the caller (its ARN, its account or *) or, for the
// sandbox user acting as the EKS Pod Identity agent, for
// pods.eks.amazonaws.com with sts:TagSession as EKS requires.
func (a *AWS) assumeRole(f url.Values, c caller) (any, *apiError) {
	roleARN, session, d, e := a.sessionParams(f)
	if e != nil {
		return nil, e
	}
	denied := errf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.arn, roleARN)
	r, ok := a.roleOfARN(roleARN)
	if !ok || !a.allowed(c, "sts:AssumeRole") {
		return nil, denied
	}
	accountRoot := fmt.Sprintf("arn:aws:iam::%s:root", a.o.AccountID)
	byAWS := trustAllows(r.trust, "sts:AssumeRole", func(p map[string]any) bool {
		for _, v := range policyStrings(p["AWS"]) {
			if v == "*" || v == c.arn || v == accountRoot || v == a.o.AccountID {
				return true
			}
		}
		return false
	}, nil)
	isPod := func(p map[string]any) bool { return slices.Contains(policyStrings(p["Service"]), podIdentityService) }
	byPods := c.admin && trustAllows(r.trust, "sts:AssumeRole", isPod, nil) && trustAllows(r.trust, "sts:TagSession", isPod, nil)
	if !byAWS && !byPods {
		return nil, denied
	}
	if d > time.Duration(r.maxSession)*time.Second {
		return nil, validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	creds, user := a.issue(r, session, d)
	return struct {
		XMLName xml.Name           `xml:"AssumeRoleResult"`
		User    xmlAssumedRoleUser `xml:"AssumedRoleUser"`
		Creds   xmlCredentials     `xml:"Credentials"`
	}{User: user, Creds: creds}, nil
}

// trustAllows evaluates a trust policy for action: some Allow statement
// names the principal (principal says whether a statement's Principal
// does) and its conditions hold for the request's context keys (lower
// case); no Deny statement applies.
func trustAllows(doc, action string, principal func(map[string]any) bool, context map[string][]string) bool {
	p, err := parsePolicy(doc)
	if err != nil {
		return false
	}
	allowed := false
	for _, s := range p.Statement {
		pm, _ := s.Principal.(map[string]any)
		named := s.Principal == "*" || (pm != nil && principal(pm))
		if !named || !s.coversAction(action) || !conditionsHold(s.Condition, context) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

// conditionsHold evaluates the string condition operators on the keys a
// request has; a key the request lacks fails its condition (…IfExists
// passes), an operator the sandbox does not know fails.
func conditionsHold(conds map[string]map[string]any, context map[string][]string) bool {
	for op, kv := range conds {
		base := strings.TrimSuffix(op, "IfExists")
		ifExists := base != op
		base = strings.TrimPrefix(strings.TrimPrefix(base, "ForAnyValue:"), "ForAllValues:")
		for key, want := range kv {
			got, ok := context[strings.ToLower(key)]
			if !ok || len(got) == 0 {
				if ifExists || strings.HasPrefix(base, "StringNot") {
					continue
				}
				return false
			}
			wants := policyStrings(want)
			match := func(g string) bool {
				for _, w := range wants {
					switch base {
					case "StringEquals", "StringNotEquals":
						if g == w {
							return true
						}
					case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
						if strings.EqualFold(g, w) {
							return true
						}
					case "StringLike", "StringNotLike":
						if globMatch(w, g) {
							return true
						}
					}
				}
				return false
			}
			switch base {
			case "StringEquals", "StringEqualsIgnoreCase", "StringLike":
				// A multi-valued key (aud) matches when one of its values does.
				hit := false
				for _, g := range got {
					if match(g) {
						hit = true
					}
				}
				if !hit {
					return false
				}
			case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike":
				for _, g := range got {
					if match(g) {
						return false
					}
				}
			default:
				return false
			}
		}
	}
	return true
}
