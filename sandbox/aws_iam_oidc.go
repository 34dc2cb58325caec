package sandbox

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// ---- OIDC providers

func (a *AWS) provider(arn string) (*oidcProvider, *apiError) {
	if p, ok := a.providers[arn]; ok {
		return p, nil
	}
	return nil, errf(404, "NoSuchEntity", "OpenIDConnect Provider not found for arn %s", arn)
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
