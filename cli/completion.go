package cli

import (
	"bufio"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/internal/awsregion"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Shell completion: cobra's completion command writes the scripts; the
// values of flags are completed here, by the flag's name, on whichever
// command defines it — so a command added later that takes --region or
// --output gets the same values with nothing to do.

// clusterListTimeout bounds the ListClusters a --cluster completion makes:
// a shell waits on it.
var clusterListTimeout = 3 * time.Second

// flagCompleters are the value completions, by flag name.
func flagCompleters(f *Factory) map[string]cobra.CompletionFunc {
	fixed := func(values ...string) cobra.CompletionFunc {
		return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return values, cobra.ShellCompDirectiveNoFileComp
		}
	}
	return map[string]cobra.CompletionFunc{
		"steps":    completeSteps,
		"lang":     fixed(cobra.CompletionWithDesc("ja", "日本語"), cobra.CompletionWithDesc("en", "English")),
		"output":   fixed("text", "json"),
		"identity": fixed(cobra.CompletionWithDesc(steps.IdentityIRSA, "IAM Roles for Service Accounts"), cobra.CompletionWithDesc(steps.IdentityPodIdentity, "EKS Pod Identity")),
		"region":   fixed(awsregion.All()...),
		// sandbox cloud9's switch.
		"managed-credentials": fixed("on", "off"),
		"context": func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return kubeContexts(f.IOStreams.Getenv, flagValue(cmd, "kubeconfig")), cobra.ShellCompDirectiveNoFileComp
		},
		"profile": func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return awsProfiles(f.IOStreams.Getenv), cobra.ShellCompDirectiveNoFileComp
		},
		"cluster": func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return eksClusters(cmd.Context(), flagValue(cmd, "region"), flagValue(cmd, "profile")), cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// registerCompletions gives every flag of the tree named in
// flagCompleters its completion, on the command that defines it.
func registerCompletions(f *Factory, root *cobra.Command) {
	comp := flagCompleters(f)
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fn, ok := comp[fl.Name]; ok {
				// Already registered (a persistent flag seen again) is fine.
				_ = c.RegisterFlagCompletionFunc(fl.Name, fn)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

func flagValue(cmd *cobra.Command, name string) string {
	if fl := cmd.Flags().Lookup(name); fl != nil {
		return fl.Value.String()
	}
	return ""
}

// completeSteps completes a comma-separated list of steps: the ones not
// yet in it, after those already typed.
func completeSteps(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, _ := splitLast(toComplete)
	have := strings.Split(done, ",")
	var out []cobra.Completion
	for _, id := range flow.AllIDs {
		if slices.Contains(have, id) {
			continue
		}
		if done == "" {
			out = append(out, id)
		} else {
			out = append(out, done+","+id)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// splitLast cuts s at its last comma: the list before it, the word after.
func splitLast(s string) (before, last string) {
	i := strings.LastIndexByte(s, ',')
	if i < 0 {
		return "", s
	}
	return s[:i], s[i+1:]
}

// homeDir is $HOME, else the system's idea of it.
func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// kubeContexts are the contexts of the kubeconfig kubectl would read:
// --kubeconfig, else $KUBECONFIG, else ~/.kube/config.
func kubeContexts(getenv func(string) string, explicit string) []string {
	rules := &clientcmd.ClientConfigLoadingRules{}
	switch env := getenv(clientcmd.RecommendedConfigPathEnvVar); {
	case explicit != "":
		rules.ExplicitPath = explicit
	case env != "":
		rules.Precedence = filepath.SplitList(env)
	default:
		rules.Precedence = []string{filepath.Join(homeDir(getenv), ".kube", "config")}
	}
	cfg, err := rules.Load()
	if err != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(cfg.Contexts))
}

// awsProfiles are the profiles of the AWS config and credentials files
// ($AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/): the
// config's [default] and [profile NAME], the credentials' [NAME].
func awsProfiles(getenv func(string) string) []string {
	aws := filepath.Join(homeDir(getenv), ".aws")
	cfg, creds := getenv("AWS_CONFIG_FILE"), getenv("AWS_SHARED_CREDENTIALS_FILE")
	if cfg == "" {
		cfg = filepath.Join(aws, "config")
	}
	if creds == "" {
		creds = filepath.Join(aws, "credentials")
	}
	set := map[string]bool{}
	for _, file := range []struct {
		path   string
		config bool
	}{{cfg, true}, {creds, false}} {
		for _, s := range iniSections(file.path) {
			switch name, ok := strings.CutPrefix(s, "profile "); {
			case !file.config || s == "default":
				set[s] = true
			case ok:
				set[strings.TrimSpace(name)] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// iniSections are the [section] names of an INI file, or none.
func iniSections(path string) []string {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			if s := strings.TrimSpace(line[1 : len(line)-1]); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// eksClusters are the EKS clusters in the region, as ListClusters gives
// them within clusterListTimeout; none when that fails or takes longer.
func eksClusters(ctx context.Context, region, profile string) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, clusterListTimeout)
	defer cancel()
	opts := []func(*config.LoadOptions) error{config.WithRetryMaxAttempts(1)}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil || cfg.Region == "" {
		return nil
	}
	var out []string
	p := eks.NewListClustersPaginator(eks.NewFromConfig(cfg), &eks.ListClustersInput{})
	for p.HasMorePages() && len(out) < 1000 {
		page, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		out = append(out, page.Clusters...)
	}
	return out
}
