package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// AWSState is what the simulated account holds that a person made or that
// names it, as kept between practice runs: IAM's roles and OIDC providers,
// EKS's clusters (their issuers, endpoints and add-ons) and pod identity
// associations, STS's unexpired sessions, and X-Ray's traces as the
// documents that were sent. What a run only counts (calls, injected
// faults) and what never changes (the AWS managed policies, the fixed
// principals) is not kept.
type AWSState struct {
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
	// Clusters are the EKS clusters, in Region.
	Clusters  []ClusterState       `json:"clusters"`
	Assocs    []PodIdentityState   `json:"podIdentityAssociations,omitempty"`
	Providers []OIDCProviderState  `json:"oidcProviders,omitempty"`
	Roles     []RoleState          `json:"roles,omitempty"`
	Sessions  []SessionState       `json:"sessions,omitempty"`
	XRay      map[string]XRayState `json:"xray,omitempty"` // by region
	// Cloud9 is the terminal's Cloud9 environment (aws_cloud9.go).
	Cloud9 *Cloud9State `json:"cloud9,omitempty"`
}

// ClusterState is an EKS cluster: its identity (the OIDC issuer the
// trust policies name) and add-ons.
type ClusterState struct {
	Name            string       `json:"name"`
	ARN             string       `json:"arn"`
	Issuer          string       `json:"issuer"`
	Endpoint        string       `json:"endpoint"`
	Version         string       `json:"version"`
	PlatformVersion string       `json:"platformVersion"`
	Created         time.Time    `json:"created"`
	Addons          []AddonState `json:"addons,omitempty"`
	// CA is its certificate authority, PEM (a world saved before it was
	// kept gets a new one).
	CA string `json:"ca,omitempty"`
}

// AddonState is an EKS add-on of a cluster.
type AddonState struct {
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	ARN       string            `json:"arn"`
	Created   time.Time         `json:"created"`
	Tags      map[string]string `json:"tags,omitempty"`
	SARoleARN string            `json:"serviceAccountRoleArn,omitempty"`
}

// PodIdentityState is an EKS Pod Identity association.
type PodIdentityState struct {
	ID                 string            `json:"id"`
	ARN                string            `json:"arn"`
	Cluster            string            `json:"cluster"`
	Namespace          string            `json:"namespace"`
	ServiceAccount     string            `json:"serviceAccount"`
	RoleARN            string            `json:"roleArn"`
	Created            time.Time         `json:"created"`
	Modified           time.Time         `json:"modified"`
	DisableSessionTags bool              `json:"disableSessionTags,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// OIDCProviderState is an IAM OIDC identity provider.
type OIDCProviderState struct {
	ARN         string     `json:"arn"`
	URL         string     `json:"url"`
	ClientIDs   []string   `json:"clientIds"`
	Thumbprints []string   `json:"thumbprints"`
	Tags        []TagState `json:"tags,omitempty"`
	Created     time.Time  `json:"created"`
}

// TagState is an IAM tag.
type TagState struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// RoleState is an IAM role: its trust policy as sent and the managed
// policies attached, in attach order.
type RoleState struct {
	Name        string     `json:"name"`
	ID          string     `json:"id"`
	ARN         string     `json:"arn"`
	Path        string     `json:"path"`
	Description string     `json:"description,omitempty"`
	Trust       string     `json:"trustPolicy"`
	Tags        []TagState `json:"tags,omitempty"`
	Attached    []string   `json:"attachedPolicies,omitempty"`
	Created     time.Time  `json:"created"`
	MaxSession  int        `json:"maxSessionDuration"`
}

// SessionState is a set of temporary credentials STS handed out, kept
// until they expire so a process holding them may go on using them.
type SessionState struct {
	AccessKeyID string    `json:"accessKeyId"`
	Role        string    `json:"role"`
	RoleID      string    `json:"roleId"`
	Name        string    `json:"name"`
	ARN         string    `json:"arn"`
	Secret      string    `json:"secret"`
	Token       string    `json:"token"`
	Expires     time.Time `json:"expires"`
}

// XRayState is one region's traces: the segment documents as they were
// sent, each trace's together. Loading sends them again through X-Ray's
// checks, so a trace past retention is dropped then. Traces made up by
// SeedTraces are not kept: they stand for no request anyone made.
type XRayState struct {
	Documents []string `json:"documents"`
	// Transaction Search: where spans go since when, and the indexed share.
	Destination     string    `json:"destination,omitempty"`
	SwitchedAt      time.Time `json:"switchedAt,omitzero"`
	IndexPercent    float64   `json:"indexPercent,omitempty"`
	IndexModifiedAt time.Time `json:"indexModifiedAt,omitzero"`
	// SamplingRules are the region's sampling rules, the Default rule
	// included, when any was created or changed.
	SamplingRules []SamplingRuleState `json:"samplingRules,omitempty"`
	// SamplingStats are what the SDKs reported sampling in the last hour,
	// by rule and 10-second window.
	SamplingStats []SamplingStatState `json:"samplingStats,omitempty"`
}

func tagsState(t []xmlTag) []TagState {
	var out []TagState
	for _, x := range t {
		out = append(out, TagState(x))
	}
	return out
}

func tagsOfState(t []TagState) []xmlTag {
	var out []xmlTag
	for _, x := range t {
		out = append(out, xmlTag(x))
	}
	return out
}

// State is a copy of the account's state, for saving.
func (a *AWS) State() AWSState {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := AWSState{Region: a.o.Region, AccountID: a.o.AccountID, Cloud9: a.cloud9State()}
	for _, name := range slices.Sorted(maps.Keys(a.clusters)) {
		c := a.clusters[name]
		cs := ClusterState{Name: c.name, ARN: c.arn, Issuer: c.issuer, Endpoint: c.endpoint, Version: c.version,
			PlatformVersion: c.platformVersion, Created: c.created, CA: c.ca}
		for _, an := range slices.Sorted(maps.Keys(c.addons)) {
			ad := c.addons[an]
			cs.Addons = append(cs.Addons, AddonState{Name: ad.name, Version: ad.version, ARN: ad.arn, Created: ad.created,
				Tags: maps.Clone(ad.tags), SARoleARN: ad.saRoleARN})
		}
		s.Clusters = append(s.Clusters, cs)
	}
	for _, id := range slices.Sorted(maps.Keys(a.assocs)) {
		p := a.assocs[id]
		s.Assocs = append(s.Assocs, PodIdentityState{ID: p.id, ARN: p.arn, Cluster: p.cluster, Namespace: p.namespace,
			ServiceAccount: p.serviceAccount, RoleARN: p.roleARN, Created: p.created, Modified: p.modified,
			DisableSessionTags: p.disableSessionTags, Tags: maps.Clone(p.tags)})
	}
	for _, arn := range slices.Sorted(maps.Keys(a.providers)) {
		p := a.providers[arn]
		s.Providers = append(s.Providers, OIDCProviderState{ARN: p.arn, URL: p.url, ClientIDs: slices.Clone(p.clientIDs),
			Thumbprints: slices.Clone(p.thumbprints), Tags: tagsState(p.tags), Created: p.created})
	}
	for _, name := range slices.Sorted(maps.Keys(a.roles)) {
		r := a.roles[name]
		s.Roles = append(s.Roles, RoleState{Name: r.name, ID: r.id, ARN: r.arn, Path: r.path, Description: r.description,
			Trust: r.trust, Tags: tagsState(r.tags), Attached: slices.Clone(r.attached), Created: r.created, MaxSession: r.maxSession})
	}
	now := a.o.Now()
	for _, key := range slices.Sorted(maps.Keys(a.sessions)) {
		ss := a.sessions[key]
		if !now.Before(ss.expires) {
			continue
		}
		s.Sessions = append(s.Sessions, SessionState{AccessKeyID: key, Role: ss.role, RoleID: ss.roleID, Name: ss.name,
			ARN: ss.arn, Secret: ss.secret, Token: ss.token, Expires: ss.expires})
	}
	for region, st := range a.xray {
		docs, rules, stats := st.documents(), st.sampling.state(), st.sampling.statsState()
		se := st.search
		if len(docs) == 0 && len(rules) == 0 && len(stats) == 0 && se == (xraySearch{}) {
			continue
		}
		if s.XRay == nil {
			s.XRay = map[string]XRayState{}
		}
		s.XRay[region] = XRayState{Documents: docs, SamplingRules: rules, SamplingStats: stats, Destination: se.destination, SwitchedAt: se.switchedAt,
			IndexPercent: se.percent, IndexModifiedAt: se.modifiedAt}
	}
	return s
}

// documents are the store's documents as sent, oldest trace first; seeded
// segments, which keep none, are left out.
func (st *xrayStore) documents() []string {
	traces := make([]*xtrace, 0, len(st.traces))
	for _, t := range st.traces {
		traces = append(traces, t)
	}
	sort.Slice(traces, func(i, j int) bool { return olderByEpoch(traces[i], traces[j]) })
	var out []string
	for _, t := range traces {
		for _, list := range [2][]*xraySeg{t.segs, t.subs} {
			for _, s := range list {
				if raw := s.raw(); raw != "" {
					out = append(out, raw)
				}
			}
		}
	}
	return out
}

// Restore replaces the account's state with s (see State); the calls
// counted and faults injected so far are forgotten. s must be of this
// account and region.
func (a *AWS) Restore(s AWSState) error {
	if s.Region != a.o.Region || s.AccountID != a.o.AccountID {
		return fmt.Errorf("the saved account is %s in %s, not %s in %s", s.AccountID, s.Region, a.o.AccountID, a.o.Region)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reset()
	a.clusters = map[string]*eksCluster{}
	a.issuers, a.endpoints, a.cas = map[string]string{}, map[string]string{}, map[string]string{}
	for _, cs := range s.Clusters {
		c := &eksCluster{name: cs.Name, arn: cs.ARN, issuer: cs.Issuer, endpoint: cs.Endpoint, version: cs.Version,
			platformVersion: cs.PlatformVersion, created: cs.Created, addons: map[string]*eksAddon{}, ca: cs.CA}
		if c.ca == "" {
			c.ca = clusterCA()
		}
		for _, ad := range cs.Addons {
			tags := maps.Clone(ad.Tags)
			if tags == nil {
				tags = map[string]string{}
			}
			c.addons[ad.Name] = &eksAddon{name: ad.Name, version: ad.Version, arn: ad.ARN, created: ad.Created, tags: tags, saRoleARN: ad.SARoleARN}
		}
		a.clusters[cs.Name] = c
		a.issuers[cs.Name], a.endpoints[cs.Name], a.cas[cs.Name] = cs.Issuer, cs.Endpoint, c.ca
	}
	for _, p := range s.Assocs {
		a.assocs[p.ID] = &podIdentity{id: p.ID, arn: p.ARN, cluster: p.Cluster, namespace: p.Namespace, serviceAccount: p.ServiceAccount,
			roleARN: p.RoleARN, created: p.Created, modified: p.Modified, disableSessionTags: p.DisableSessionTags, tags: maps.Clone(p.Tags)}
	}
	for _, p := range s.Providers {
		a.providers[p.ARN] = &oidcProvider{arn: p.ARN, url: p.URL, clientIDs: slices.Clone(p.ClientIDs),
			thumbprints: slices.Clone(p.Thumbprints), tags: tagsOfState(p.Tags), created: p.Created}
	}
	for _, r := range s.Roles {
		a.roles[r.Name] = &iamRole{name: r.Name, id: r.ID, arn: r.ARN, path: r.Path, description: r.Description, trust: r.Trust,
			tags: tagsOfState(r.Tags), attached: slices.Clone(r.Attached), created: r.Created, maxSession: r.MaxSession}
	}
	for _, ss := range s.Sessions {
		a.sessions[ss.AccessKeyID] = &stsSession{role: ss.Role, roleID: ss.RoleID, name: ss.Name, arn: ss.ARN,
			secret: ss.Secret, token: ss.Token, expires: ss.Expires}
	}
	a.restoreCloud9(s.Cloud9)
	for region, xs := range s.XRay {
		store := a.xrayIn(region)
		store.search = xraySearch{destination: xs.Destination, switchedAt: xs.SwitchedAt, percent: xs.IndexPercent, modifiedAt: xs.IndexModifiedAt}
		a.restoreSampling(region, xs.SamplingRules)
		a.restoreStats(region, xs.SamplingStats)
		for _, doc := range xs.Documents {
			// A document X-Ray would now refuse (past retention) is gone.
			_ = a.storeDoc(store, doc)
		}
	}
	return nil
}
