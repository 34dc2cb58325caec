package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

type eksCluster struct {
	name, arn, issuer, endpoint, version, platformVersion string
	created                                               time.Time
	addons                                                map[string]*eksAddon
	// autoMode: EKS Auto Mode runs the compute, with the pod identity
	// agent built in (no add-on).
	autoMode bool
	ca       string // its certificate authority, PEM
}

type eksAddon struct {
	name, version, arn string
	created            time.Time
	tags               map[string]string
	saRoleARN          string
	// status, when set, is what EKS says of the add-on whatever its age
	// (SetAddonStatus); issues are its health issues.
	status string
	issues []AddonIssue
}

// AddonIssue is one of an add-on's health issues, as EKS reports it.
type AddonIssue struct{ Code, Message string }

// addonSettle is how long a new add-on stays CREATING, as EKS's does
// while its pods start (a minute or so on AWS; shorter here).
const addonSettle = 2 * time.Second

type podIdentity struct {
	id, arn, cluster, namespace, serviceAccount, roleARN string
	created, modified                                    time.Time
	disableSessionTags                                   bool
	tags                                                 map[string]string
}

// eksAddonVersions are the add-ons the sandbox's EKS offers for its
// Kubernetes version, with their default versions.
var eksAddonVersions = map[string]string{
	"eks-pod-identity-agent":          "v1.3.8-eksbuild.2",
	"vpc-cni":                         "v1.20.4-eksbuild.1",
	"coredns":                         "v1.12.3-eksbuild.1",
	"kube-proxy":                      "v1.34.0-eksbuild.2",
	"aws-ebs-csi-driver":              "v1.48.0-eksbuild.2",
	"amazon-cloudwatch-observability": "v4.4.0-eksbuild.1",
	"adot":                            "v0.131.0-eksbuild.1",
}

// clusterCA makes a cluster's certificate authority as EKS gives one: a
// self-signed CA certificate named "kubernetes", PEM. Its key is thrown
// away: the sandbox's cluster serves no TLS, the certificate is for
// matching a kube context's certificate-authority-data against.
func clusterCA() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// CA is the certificate authority EKS reports for a cluster, PEM ("" for
// an unknown cluster).
func (a *AWS) CA(cluster string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clusters[cluster]; ok {
		return c.ca
	}
	return ""
}

func (a *AWS) newCluster(name string) *eksCluster {
	created := a.o.Now().Add(-48 * time.Hour).Truncate(time.Millisecond)
	c := &eksCluster{
		name:            name,
		arn:             fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", a.o.Region, a.o.AccountID, name),
		issuer:          a.issuers[name],
		endpoint:        a.endpoints[name],
		version:         "1.34",
		platformVersion: "eks.9",
		created:         created,
		addons:          map[string]*eksAddon{},
		autoMode:        a.o.AutoMode,
		ca:              a.cas[name],
	}
	if a.o.NoAddons || a.o.AutoMode {
		// Auto Mode has the pod identity agent built in: no add-on.
		return c
	}
	const agent = "eks-pod-identity-agent"
	c.addons[agent] = &eksAddon{name: agent, version: eksAddonVersions[agent], created: created.Add(10 * time.Minute),
		arn: fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%s", a.o.Region, a.o.AccountID, name, agent, addonSuffix()), tags: map[string]string{}}
	return c
}

// addonSuffix is the id EKS puts at the end of an add-on's ARN.
func addonSuffix() string {
	h := randHex(32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (c *eksCluster) json(account string) map[string]any {
	return map[string]any{
		"name":            c.name,
		"arn":             c.arn,
		"createdAt":       epoch(c.created),
		"version":         c.version,
		"endpoint":        c.endpoint,
		"roleArn":         fmt.Sprintf("arn:aws:iam::%s:role/eksctl-%s-cluster-ServiceRole-SANDBOX0000", account, c.name),
		"platformVersion": c.platformVersion,
		"status":          "ACTIVE",
		"identity":        map[string]any{"oidc": map[string]any{"issuer": c.issuer}},
		"certificateAuthority": map[string]any{
			"data": base64.StdEncoding.EncodeToString([]byte(c.ca)),
		},
		"resourcesVpcConfig": map[string]any{
			"subnetIds":              []string{"subnet-0sandbox00000001", "subnet-0sandbox00000002", "subnet-0sandbox00000003"},
			"securityGroupIds":       []string{"sg-0sandbox0000000001"},
			"clusterSecurityGroupId": "sg-0sandbox0000000002",
			"vpcId":                  "vpc-0sandbox000000001",
			"endpointPublicAccess":   true,
			"endpointPrivateAccess":  false,
			"publicAccessCidrs":      []string{"0.0.0.0/0"},
		},
		"kubernetesNetworkConfig": map[string]any{"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4", "elasticLoadBalancing": map[string]any{"enabled": c.autoMode}},
		"computeConfig":           c.computeConfig(account),
		"storageConfig":           map[string]any{"blockStorage": map[string]any{"enabled": c.autoMode}},
		"logging": map[string]any{"clusterLogging": []any{
			map[string]any{"types": []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}, "enabled": false},
		}},
		"accessConfig":  map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"},
		"upgradePolicy": map[string]any{"supportType": "STANDARD"},
		"health":        map[string]any{"issues": []any{}},
		"tags": map[string]string{
			"alpha.eksctl.io/cluster-name":                c.name,
			"eksctl.cluster.k8s.io/v1alpha1/cluster-name": c.name,
			"alpha.eksctl.io/eksctl-version":              "0.215.0",
		},
	}
}

// computeConfig is the cluster's Auto Mode compute, as EKS describes it:
// disabled, or enabled with its two built-in node pools.
func (c *eksCluster) computeConfig(account string) map[string]any {
	if !c.autoMode {
		return map[string]any{"enabled": false}
	}
	return map[string]any{"enabled": true, "nodePools": []string{"general-purpose", "system"},
		"nodeRoleArn": fmt.Sprintf("arn:aws:iam::%s:role/AmazonEKSAutoNodeRole", account)}
}

// addonStatus is what EKS says of an add-on now: CREATING for a moment
// after it was created, then ACTIVE, unless SetAddonStatus said otherwise.
func (a *AWS) addonStatus(ad *eksAddon) string {
	switch {
	case ad.status != "":
		return ad.status
	case a.o.Now().Sub(ad.created) < addonSettle:
		return "CREATING"
	}
	return "ACTIVE"
}

// SetAddonStatus makes EKS report an add-on of a cluster in status (ACTIVE,
// DEGRADED, CREATE_FAILED, ...) with those health issues, as when its pods
// fail on AWS; "" goes back to the add-on's own course. It reports whether
// the add-on exists.
func (a *AWS) SetAddonStatus(cluster, addon, status string, issues ...AddonIssue) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clusters[cluster]
	if !ok {
		return false
	}
	ad, ok := c.addons[addon]
	if !ok {
		return false
	}
	ad.status, ad.issues = status, issues
	return true
}

// addonJSON is an add-on as EKS describes it in status.
func (a *AWS) addonJSON(c *eksCluster, ad *eksAddon, status string) map[string]any {
	issues := []any{}
	for _, i := range ad.issues {
		issues = append(issues, map[string]any{"code": i.Code, "message": i.Message, "resourceIds": []string{}})
	}
	out := map[string]any{"addonName": ad.name, "clusterName": c.name, "status": status, "addonVersion": ad.version,
		"addonArn": ad.arn, "createdAt": epoch(ad.created), "modifiedAt": epoch(ad.created),
		"health": map[string]any{"issues": issues}, "tags": ad.tags, "podIdentityAssociations": []string{}}
	if ad.saRoleARN != "" {
		out["serviceAccountRoleArn"] = ad.saRoleARN
	}
	return out
}

func (pa *podIdentity) json() map[string]any {
	return map[string]any{"clusterName": pa.cluster, "namespace": pa.namespace, "serviceAccount": pa.serviceAccount, "roleArn": pa.roleARN,
		"associationArn": pa.arn, "associationId": pa.id, "createdAt": epoch(pa.created), "modifiedAt": epoch(pa.modified),
		"tags": pa.tags, "disableSessionTags": pa.disableSessionTags}
}

// eksRoute names the EKS operation of a request and its path parameters.
func eksRoute(method, path string) (action string, params []string) {
	p := strings.Split(strings.Trim(path, "/"), "/")
	for i := range p {
		p[i], _ = url.PathUnescape(p[i])
	}
	switch {
	case len(p) == 1 && method == http.MethodGet:
		return "ListClusters", nil
	case len(p) == 2 && method == http.MethodGet:
		return "DescribeCluster", p[1:]
	case len(p) == 3 && p[2] == "addons" && method == http.MethodGet:
		return "ListAddons", p[1:2]
	case len(p) == 3 && p[2] == "addons" && method == http.MethodPost:
		return "CreateAddon", p[1:2]
	case len(p) == 4 && p[2] == "addons" && method == http.MethodGet:
		return "DescribeAddon", []string{p[1], p[3]}
	case len(p) == 4 && p[2] == "addons" && method == http.MethodDelete:
		return "DeleteAddon", []string{p[1], p[3]}
	case len(p) == 3 && p[2] == "pod-identity-associations" && method == http.MethodPost:
		return "CreatePodIdentityAssociation", p[1:2]
	case len(p) == 3 && p[2] == "pod-identity-associations" && method == http.MethodGet:
		return "ListPodIdentityAssociations", p[1:2]
	case len(p) == 4 && p[2] == "pod-identity-associations" && method == http.MethodGet:
		return "DescribePodIdentityAssociation", []string{p[1], p[3]}
	case len(p) == 4 && p[2] == "pod-identity-associations" && method == http.MethodPost:
		return "UpdatePodIdentityAssociation", []string{p[1], p[3]}
	case len(p) == 4 && p[2] == "pod-identity-associations" && method == http.MethodDelete:
		return "DeletePodIdentityAssociation", []string{p[1], p[3]}
	}
	return "", nil
}

func (a *AWS) serveEKS(w http.ResponseWriter, r *http.Request, body []byte, scope sigScope, signed bool) {
	action, params := eksRoute(r.Method, r.URL.Path)
	if action == "" {
		writeJSONError(w, "message", errf(404, "UnknownOperationException", "No EKS operation is bound to %s %s", r.Method, r.URL.Path))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.admitJSON(w, r, "message", "EKS", action, scope, signed)
	if !ok {
		return
	}
	if !a.allowed(c, "eks:"+action) {
		resource := fmt.Sprintf("arn:aws:eks:%s:%s:cluster/*", a.o.Region, a.o.AccountID)
		if len(params) > 0 {
			resource = fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", a.o.Region, a.o.AccountID, params[0])
		}
		writeJSONError(w, "message", errf(403, "AccessDeniedException", "User: %s is not authorized to perform: eks:%s on resource: %s because no identity-based policy allows the eks:%s action",
			c.arn, action, resource, action))
		return
	}
	// The clusters live in the account's region: asked elsewhere, EKS has none.
	here := scope.region == "" || scope.region == a.o.Region
	out, e := a.eks(action, params, r.URL.Query(), body, here)
	if e != nil {
		writeJSONError(w, "message", e)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func invalidParam(format string, args ...any) *apiError {
	return errf(400, "InvalidParameterException", format, args...)
}

// eksPage pages a sorted list of names; the token is opaque.
func eksPage(items []string, q url.Values) ([]string, string, *apiError) {
	n := 100
	if v := q.Get("maxResults"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 100 {
			return nil, "", invalidParam("maxResults must be between 1 and 100")
		}
		n = m
	}
	start := 0
	if t := q.Get("nextToken"); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil {
			return nil, "", invalidParam("The nextToken provided is not valid")
		}
		start = sort.SearchStrings(items, string(raw))
		if start < len(items) && items[start] == string(raw) {
			start++
		}
	}
	end := min(start+n, len(items))
	page, next := items[start:end], ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(items[end-1]))
	}
	return page, next, nil
}

func (a *AWS) eks(action string, params []string, q url.Values, body []byte, here bool) (any, *apiError) {
	if action == "ListClusters" {
		names := []string{}
		if here {
			for n := range a.clusters {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		page, next, e := eksPage(names, q)
		if e != nil {
			return nil, e
		}
		out := map[string]any{"clusters": page}
		if next != "" {
			out["nextToken"] = next
		}
		return out, nil
	}
	c, ok := a.clusters[params[0]]
	if !ok || !here {
		return nil, &apiError{status: 404, code: "ResourceNotFoundException", message: fmt.Sprintf("No cluster found for name: %s.", params[0]),
			fields: map[string]any{"clusterName": params[0]}}
	}
	switch action {
	case "DescribeCluster":
		return map[string]any{"cluster": c.json(a.o.AccountID)}, nil
	case "ListAddons":
		names := make([]string, 0, len(c.addons))
		for n := range c.addons {
			names = append(names, n)
		}
		sort.Strings(names)
		page, next, e := eksPage(names, q)
		if e != nil {
			return nil, e
		}
		out := map[string]any{"addons": page}
		if next != "" {
			out["nextToken"] = next
		}
		return out, nil
	case "DescribeAddon", "DeleteAddon":
		ad, ok := c.addons[params[1]]
		if !ok {
			return nil, &apiError{status: 404, code: "ResourceNotFoundException", message: fmt.Sprintf("No addon: %s found in cluster: %s", params[1], c.name),
				fields: map[string]any{"clusterName": c.name, "addonName": params[1]}}
		}
		if action == "DeleteAddon" {
			delete(c.addons, ad.name)
			return map[string]any{"addon": a.addonJSON(c, ad, "DELETING")}, nil
		}
		return map[string]any{"addon": a.addonJSON(c, ad, a.addonStatus(ad))}, nil
	case "CreateAddon":
		var in struct {
			AddonName             string            `json:"addonName"`
			AddonVersion          string            `json:"addonVersion"`
			ServiceAccountRoleArn string            `json:"serviceAccountRoleArn"`
			Tags                  map[string]string `json:"tags"`
		}
		if err := json.Unmarshal(body, &in); err != nil || in.AddonName == "" {
			return nil, invalidParam("addonName is required")
		}
		def, known := eksAddonVersions[in.AddonName]
		if !known {
			return nil, &apiError{status: 400, code: "InvalidParameterException",
				message: fmt.Sprintf("Addon %s specified is not supported in %s kubernetes version", in.AddonName, c.version),
				fields:  map[string]any{"clusterName": c.name, "addonName": in.AddonName}}
		}
		if _, ok := c.addons[in.AddonName]; ok {
			return nil, &apiError{status: 409, code: "ResourceInUseException", message: "Addon already exists.",
				fields: map[string]any{"clusterName": c.name, "addonName": in.AddonName}}
		}
		if in.AddonVersion == "" {
			in.AddonVersion = def
		}
		if in.Tags == nil {
			in.Tags = map[string]string{}
		}
		ad := &eksAddon{name: in.AddonName, version: in.AddonVersion, created: a.o.Now(), tags: in.Tags, saRoleARN: in.ServiceAccountRoleArn,
			arn: fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%s", a.o.Region, a.o.AccountID, c.name, in.AddonName, addonSuffix())}
		c.addons[in.AddonName] = ad
		return map[string]any{"addon": a.addonJSON(c, ad, "CREATING")}, nil
	case "CreatePodIdentityAssociation":
		var in struct {
			Namespace          string            `json:"namespace"`
			ServiceAccount     string            `json:"serviceAccount"`
			RoleArn            string            `json:"roleArn"`
			DisableSessionTags bool              `json:"disableSessionTags"`
			Tags               map[string]string `json:"tags"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, invalidParam("Invalid request body: %v", err)
		}
		switch {
		case in.Namespace == "":
			return nil, invalidParam("namespace is required")
		case in.ServiceAccount == "":
			return nil, invalidParam("serviceAccount is required")
		case in.RoleArn == "":
			return nil, invalidParam("roleArn is required")
		}
		for _, pa := range a.assocs {
			if pa.cluster == c.name && pa.namespace == in.Namespace && pa.serviceAccount == in.ServiceAccount {
				return nil, &apiError{status: 409, code: "ResourceInUseException",
					message: fmt.Sprintf("Association already exists: %s", pa.id), fields: map[string]any{"clusterName": c.name}}
			}
		}
		if _, ok := a.roleOfARN(in.RoleArn); !ok {
			return nil, &apiError{status: 400, code: "InvalidParameterException",
				message: fmt.Sprintf("Role %s does not exist", in.RoleArn), fields: map[string]any{"clusterName": c.name}}
		}
		if in.Tags == nil {
			in.Tags = map[string]string{}
		}
		id := "a-" + strings.ToLower(randID(17))
		now := a.o.Now()
		pa := &podIdentity{id: id, arn: fmt.Sprintf("arn:aws:eks:%s:%s:podidentityassociation/%s/%s", a.o.Region, a.o.AccountID, c.name, id),
			cluster: c.name, namespace: in.Namespace, serviceAccount: in.ServiceAccount, roleARN: in.RoleArn,
			created: now, modified: now, disableSessionTags: in.DisableSessionTags, tags: in.Tags}
		a.assocs[id] = pa
		return map[string]any{"association": pa.json()}, nil
	case "ListPodIdentityAssociations":
		ns, sa := q.Get("namespace"), q.Get("serviceAccount")
		var ids []string
		for id, pa := range a.assocs {
			if pa.cluster == c.name && (ns == "" || ns == pa.namespace) && (sa == "" || sa == pa.serviceAccount) {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		page, next, e := eksPage(ids, q)
		if e != nil {
			return nil, e
		}
		list := []map[string]any{}
		for _, id := range page {
			pa := a.assocs[id]
			list = append(list, map[string]any{"clusterName": pa.cluster, "namespace": pa.namespace, "serviceAccount": pa.serviceAccount,
				"associationArn": pa.arn, "associationId": pa.id})
		}
		out := map[string]any{"associations": list}
		if next != "" {
			out["nextToken"] = next
		}
		return out, nil
	case "DescribePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation":
		pa, ok := a.assocs[params[1]]
		if !ok || pa.cluster != c.name {
			return nil, &apiError{status: 404, code: "ResourceNotFoundException",
				message: fmt.Sprintf("No association found for id: %s", params[1]), fields: map[string]any{"clusterName": c.name}}
		}
		switch action {
		case "UpdatePodIdentityAssociation":
			var in struct {
				RoleArn            string `json:"roleArn"`
				DisableSessionTags *bool  `json:"disableSessionTags"`
			}
			if err := json.Unmarshal(body, &in); err != nil {
				return nil, invalidParam("Invalid request body: %v", err)
			}
			if in.RoleArn != "" {
				if _, ok := a.roleOfARN(in.RoleArn); !ok {
					return nil, invalidParam("Role %s does not exist", in.RoleArn)
				}
				pa.roleARN = in.RoleArn
			}
			if in.DisableSessionTags != nil {
				pa.disableSessionTags = *in.DisableSessionTags
			}
			pa.modified = a.o.Now()
		case "DeletePodIdentityAssociation":
			delete(a.assocs, pa.id)
		}
		return map[string]any{"association": pa.json()}, nil
	}
	return nil, errf(404, "UnknownOperationException", "EKS %s is not served by the sandbox", action)
}

// PodIdentityRole is the role ARN EKS Pod Identity gives a service
// account of a cluster, "" when it has no association.
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
