package cli

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/internal/awsregion"
	"github.com/xray-wizard/xray-wizard/steps"
)

// The checks every command's validate makes of what it was given, before
// anything is called: bad input is exit 2 and one line in the person's
// language, never a half-made setup or a network error later.

// usageT is bad input, said in l.
func usageT(l i18n.Lang, k i18n.Key, args ...any) error { return &usageError{l.T(k, args...)} }

// checkNamespace: a namespace as Kubernetes defines one (an RFC 1123 label).
func checkNamespace(l i18n.Lang, flag, ns string) error {
	if len(validation.IsDNS1123Label(ns)) > 0 {
		return usageT(l, i18n.InBadNamespace, flag, ns)
	}
	return nil
}

// iamRoleName is what IAM accepts as a role name.
var iamRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// checkRoleName: the IAM role name the wizard derives from the cluster and
// namespace (steps.RoleName) is one IAM accepts. Without --cluster the
// cluster is found later, and its EKS name makes a valid role name.
func checkRoleName(l i18n.Lang, cluster, ns string) error {
	if cluster == "" {
		return nil
	}
	if name := steps.RoleName(cluster, ns, steps.ServiceAccountName); !iamRoleName.MatchString(name) {
		return usageT(l, i18n.InBadRoleName, name, cluster, ns)
	}
	return nil
}

// checkRegion: a region the SDK's partition data knows. source names where
// the value came from (--region, AWS_REGION, a profile).
func checkRegion(l i18n.Lang, source, region string) error {
	if !awsregion.Known(region) {
		return usageT(l, i18n.InBadRegion, source, region)
	}
	return nil
}

// checkPositive: a timeout that leaves time to wait.
func checkPositive(l i18n.Lang, flag string, d time.Duration) error {
	if d <= 0 {
		return usageT(l, i18n.InBadDuration, flag, d)
	}
	return nil
}

// checkKubeconfig checks a kubeconfig and context given explicitly
// (--kubeconfig, KUBECONFIG, --context) as kubectl would load them: the
// files can be read and the context is in them. With none of them given,
// a missing ~/.kube/config is left for the steps to report.
func checkKubeconfig(l i18n.Lang, getenv func(string) string, path, context string) error {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	source, env := "--kubeconfig", getenv(clientcmd.RecommendedConfigPathEnvVar)
	switch {
	case path != "":
		rules.ExplicitPath = path
	case env != "":
		source = "KUBECONFIG"
		var paths []string
		for _, p := range filepath.SplitList(env) {
			if p != "" {
				paths = append(paths, p)
			}
		}
		if !slices.ContainsFunc(paths, exists) {
			return usageT(l, i18n.InKubeconfigNone, env)
		}
		rules.Precedence = paths
	case context == "":
		return nil
	default:
		source = "~/.kube/config"
		rules.Precedence = []string{clientcmd.RecommendedHomeFile}
	}
	cfg, err := rules.Load()
	if err != nil {
		return usageT(l, i18n.InKubeconfigRead, source, strings.Join(rules.GetLoadingPrecedence(), string(filepath.ListSeparator)), firstLine(err))
	}
	if context != "" {
		if _, ok := cfg.Contexts[context]; !ok {
			list := strings.Join(slices.Sorted(maps.Keys(cfg.Contexts)), ", ")
			if list == "" {
				list = l.T(i18n.None)
			}
			return usageT(l, i18n.InNoKubeContext, context, list)
		}
	}
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}

// firstLine is an error's first line, for a one-line message.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// checkTolerations reads --tolerate values (KEY[=VALUE]:EFFECT, as
// kubectl taint writes a taint) and --tolerate-all into the tolerations
// the collector's pods get.
func checkTolerations(l i18n.Lang, values []string, all bool) ([]corev1.Toleration, error) {
	if all {
		return []corev1.Toleration{steps.TolerateAll}, nil
	}
	var out []corev1.Toleration
	for _, v := range values {
		t, err := steps.ParseToleration(v)
		var te *steps.TolerationError
		if errors.As(err, &te) {
			k := [...]i18n.Key{steps.TolerationForm: i18n.UsageTolerateForm, steps.TolerationEffect: i18n.UsageTolerateEffect,
				steps.TolerationKey: i18n.UsageTolerateKey, steps.TolerationValue: i18n.UsageTolerateValue}[te.Problem]
			if te.Problem == steps.TolerationForm {
				return nil, usageT(l, k, v)
			}
			return nil, usageT(l, k, v, te.Part)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
