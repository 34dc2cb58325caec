package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

type eksCluster struct {
	name, arn, issuer, endpoint, version string
	created                              time.Time
	addons                               map[string]*eksAddon
}

type eksAddon struct {
	name, version, status string
	created               time.Time
}

type podIdentity struct {
	id, arn, cluster, namespace, serviceAccount, roleARN string
	created                                              time.Time
}

func (a *AWS) newCluster(name string) *eksCluster {
	id := strings.ToUpper(randHex(32))
	c := &eksCluster{
		name:     name,
		arn:      fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", a.o.Region, a.o.AccountID, name),
		issuer:   fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", a.o.Region, id),
		endpoint: fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", id, a.o.Region),
		version:  "1.34",
		created:  a.o.Now().Add(-48 * time.Hour),
		addons:   map[string]*eksAddon{},
	}
	// As on the workshop's eksctl cluster, no add-ons are installed: the
	// wizard's pod-identity mode installs eks-pod-identity-agent itself.
	return c
}

func (c *eksCluster) json(region string) map[string]any {
	return map[string]any{
		"name": c.name, "arn": c.arn, "createdAt": epoch(c.created), "version": c.version,
		"endpoint": c.endpoint, "roleArn": "arn:aws:iam::" + strings.Split(c.arn, ":")[4] + ":role/eksctl-" + c.name + "-cluster-ServiceRole",
		"identity":        map[string]any{"oidc": map[string]any{"issuer": c.issuer}},
		"status":          "ACTIVE",
		"platformVersion": "eks.5",
		"accessConfig":    map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"},
		"kubernetesNetworkConfig": map[string]any{
			"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4",
		},
		"tags": map[string]string{"alpha.eksctl.io/cluster-name": c.name},
	}
}

func (a *AWS) serveEKS(w http.ResponseWriter, r *http.Request, body []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	action := eksAction(r.Method, parts)
	p, ok := a.admitJSON(w, r, "EKS", action)
	if !ok {
		return
	}
	if !p.admin {
		writeJSONError(w, errf(403, "AccessDeniedException", "User: %s is not authorized to perform: eks:%s", p.arn, action))
		return
	}
	status, out, e := a.eks(action, r, parts, body)
	if e != nil {
		writeJSONError(w, e)
		return
	}
	writeJSON(w, status, out)
}

func eksAction(method string, parts []string) string {
	switch {
	case len(parts) == 1 && method == http.MethodGet:
		return "ListClusters"
	case len(parts) == 2 && method == http.MethodGet:
		return "DescribeCluster"
	case len(parts) == 3 && parts[2] == "addons" && method == http.MethodGet:
		return "ListAddons"
	case len(parts) == 3 && parts[2] == "addons" && method == http.MethodPost:
		return "CreateAddon"
	case len(parts) == 4 && parts[2] == "addons" && method == http.MethodGet:
		return "DescribeAddon"
	case len(parts) == 3 && parts[2] == "pod-identity-associations" && method == http.MethodPost:
		return "CreatePodIdentityAssociation"
	case len(parts) == 3 && parts[2] == "pod-identity-associations" && method == http.MethodGet:
		return "ListPodIdentityAssociations"
	case len(parts) == 4 && parts[2] == "pod-identity-associations" && method == http.MethodGet:
		return "DescribePodIdentityAssociation"
	case len(parts) == 4 && parts[2] == "pod-identity-associations" && method == http.MethodDelete:
		return "DeletePodIdentityAssociation"
	case len(parts) == 4 && parts[2] == "pod-identity-associations" && method == http.MethodPost:
		return "UpdatePodIdentityAssociation"
	}
	return "Unknown"
}

func (a *AWS) eks(action string, r *http.Request, parts []string, body []byte) (int, any, *apiError) {
	q := r.URL.Query()
	var c *eksCluster
	if len(parts) >= 2 {
		var ok bool
		if c, ok = a.clusters[parts[1]]; !ok {
			return 0, nil, errf(404, "ResourceNotFoundException", "No cluster found for name: %s.", parts[1])
		}
	}
	switch action {
	case "ListClusters":
		names := make([]string, 0, len(a.clusters))
		for n := range a.clusters {
			names = append(names, n)
		}
		sort.Strings(names)
		page, next := pageOf(names, q.Get("maxResults"), q.Get("nextToken"))
		out := map[string]any{"clusters": page}
		if next != "" {
			out["nextToken"] = next
		}
		return 200, out, nil
	case "DescribeCluster":
		return 200, map[string]any{"cluster": c.json(a.o.Region)}, nil
	case "ListAddons":
		names := []string{}
		for n := range c.addons {
			names = append(names, n)
		}
		sort.Strings(names)
		return 200, map[string]any{"addons": names}, nil
	case "DescribeAddon":
		ad, ok := c.addons[parts[3]]
		if !ok {
			return 0, nil, errf(404, "ResourceNotFoundException", "No addon: %s found in cluster: %s", parts[3], c.name)
		}
		return 200, map[string]any{"addon": a.addonJSON(c, ad)}, nil
	case "CreateAddon":
		var in struct {
			AddonName    string `json:"addonName"`
			AddonVersion string `json:"addonVersion"`
		}
		if json.Unmarshal(body, &in) != nil || in.AddonName == "" {
			return 0, nil, errf(400, "InvalidParameterException", "addonName is required")
		}
		if _, ok := c.addons[in.AddonName]; ok {
			return 0, nil, errf(409, "ResourceInUseException", "Addon already exists.")
		}
		ad := &eksAddon{name: in.AddonName, version: in.AddonVersion, status: "ACTIVE", created: a.o.Now()}
		c.addons[in.AddonName] = ad
		return 200, map[string]any{"addon": a.addonJSON(c, ad)}, nil
	case "CreatePodIdentityAssociation":
		var in struct {
			Namespace      string `json:"namespace"`
			ServiceAccount string `json:"serviceAccount"`
			RoleArn        string `json:"roleArn"`
		}
		if json.Unmarshal(body, &in) != nil || in.Namespace == "" || in.ServiceAccount == "" || in.RoleArn == "" {
			return 0, nil, errf(400, "InvalidParameterException", "namespace, serviceAccount and roleArn are required")
		}
		for _, pa := range a.assocs {
			if pa.cluster == c.name && pa.namespace == in.Namespace && pa.serviceAccount == in.ServiceAccount {
				return 0, nil, errf(409, "ResourceInUseException", "Association already exists: %s", pa.id)
			}
		}
		if _, ok := a.roles[roleNameOf(in.RoleArn)]; !ok {
			return 0, nil, errf(400, "InvalidParameterException", "Role provided in the request does not exist")
		}
		id := "a-" + randHex(17)
		pa := &podIdentity{id: id, arn: fmt.Sprintf("arn:aws:eks:%s:%s:podidentityassociation/%s/%s", a.o.Region, a.o.AccountID, c.name, id),
			cluster: c.name, namespace: in.Namespace, serviceAccount: in.ServiceAccount, roleARN: in.RoleArn, created: a.o.Now()}
		a.assocs[id] = pa
		return 200, map[string]any{"association": pa.json()}, nil
	case "ListPodIdentityAssociations":
		var list []map[string]any
		ids := make([]string, 0, len(a.assocs))
		for id := range a.assocs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			pa := a.assocs[id]
			if pa.cluster != c.name || (q.Get("namespace") != "" && q.Get("namespace") != pa.namespace) || (q.Get("serviceAccount") != "" && q.Get("serviceAccount") != pa.serviceAccount) {
				continue
			}
			list = append(list, map[string]any{"clusterName": pa.cluster, "namespace": pa.namespace, "serviceAccount": pa.serviceAccount, "associationArn": pa.arn, "associationId": pa.id})
		}
		if list == nil {
			list = []map[string]any{}
		}
		return 200, map[string]any{"associations": list}, nil
	case "UpdatePodIdentityAssociation":
		pa, ok := a.assocs[parts[3]]
		if !ok || pa.cluster != c.name {
			return 0, nil, errf(404, "ResourceNotFoundException", "Association not found: %s", parts[3])
		}
		var in struct {
			RoleArn string `json:"roleArn"`
		}
		if json.Unmarshal(body, &in) == nil && in.RoleArn != "" {
			pa.roleARN = in.RoleArn
		}
		return 200, map[string]any{"association": pa.json()}, nil
	case "DescribePodIdentityAssociation", "DeletePodIdentityAssociation":
		pa, ok := a.assocs[parts[3]]
		if !ok || pa.cluster != c.name {
			return 0, nil, errf(404, "ResourceNotFoundException", "Association not found: %s", parts[3])
		}
		if action == "DeletePodIdentityAssociation" {
			delete(a.assocs, pa.id)
		}
		return 200, map[string]any{"association": pa.json()}, nil
	}
	return 0, nil, errf(404, "UnknownOperationException", "no EKS operation at %s", r.URL.Path)
}

func (a *AWS) addonJSON(c *eksCluster, ad *eksAddon) map[string]any {
	return map[string]any{"addonName": ad.name, "clusterName": c.name, "status": ad.status, "addonVersion": ad.version,
		"addonArn":  fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%s", a.o.Region, a.o.AccountID, c.name, ad.name, randHex(8)),
		"createdAt": epoch(ad.created), "modifiedAt": epoch(ad.created), "health": map[string]any{"issues": []any{}}}
}

func (pa *podIdentity) json() map[string]any {
	return map[string]any{"clusterName": pa.cluster, "namespace": pa.namespace, "serviceAccount": pa.serviceAccount, "roleArn": pa.roleARN,
		"associationArn": pa.arn, "associationId": pa.id, "createdAt": epoch(pa.created), "modifiedAt": epoch(pa.created), "tags": map[string]string{}}
}

// pageOf pages a sorted list: the token is the offset.
func pageOf(items []string, maxResults, token string) ([]string, string) {
	n := 100
	if m, err := strconv.Atoi(maxResults); err == nil && m > 0 {
		n = m
	}
	start, _ := strconv.Atoi(token)
	if start > len(items) {
		start = len(items)
	}
	end := min(start+n, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next
}

// PodIdentityRole returns the role ARN associated with a service account by
// EKS Pod Identity, if any.
func (a *AWS) PodIdentityRole(cluster, namespace, sa string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, pa := range a.assocs {
		if pa.cluster == cluster && pa.namespace == namespace && pa.serviceAccount == sa {
			return pa.roleARN
		}
	}
	return ""
}
