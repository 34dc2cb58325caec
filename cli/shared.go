package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// maxSince is how far back X-Ray keeps traces.
const maxSince = 30 * 24 * time.Hour

// SharedOptions are the flags every subcommand takes.
type SharedOptions struct {
	Cluster, Region, Profile, Kubeconfig, Context string
	Namespace, Output, LogFile                    string
	LangFlag                                      string // --lang as given
	// Yes approves every change without asking (-y, eksctl's --approve).
	// Without a terminal nothing changes unless it is set.
	Yes bool
	// ASCII draws the screens with ASCII symbols only (--ascii); the
	// environment can ask for it too (see ascii).
	ASCII bool

	// Lang is the language in effect, set by validate: --lang, else the
	// environment's.
	Lang i18n.Lang
}

// register adds the shared flags to cmd and its subcommands.
func (s *SharedOptions) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&s.Cluster, "cluster", "", "EKS cluster name (default: the kube context's cluster, or the only one in the region)")
	f.StringVar(&s.Region, "region", "", "AWS region (default: from AWS_REGION or the profile)")
	f.StringVar(&s.Profile, "profile", "", "AWS named profile")
	f.StringVar(&s.Kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&s.Context, "context", "", "kube context to use (default: the current context)")
	f.StringVar(&s.Namespace, "namespace", "default", "namespace of the X-Ray daemon")
	f.StringVarP(&s.Output, "output", "o", "text", "format of the final summary on stdout: text or json")
	f.StringVar(&s.LangFlag, "lang", "", "language: ja or en (default: from LC_ALL / LC_MESSAGES / LANG)")
	f.StringVar(&s.LogFile, "log-file", "", "write a debug log to this file")
	f.BoolVarP(&s.Yes, "yes", "y", false, "approve every change without asking (eksctl's --approve); without a terminal (a pipe, CI) nothing changes unless it is given")
	f.BoolVar(&s.ASCII, "ascii", false, "draw with ASCII symbols only (chosen by itself where East Asian ambiguous-width symbols are drawn wide: RUNEWIDTH_EASTASIAN=1, or a ja/zh/ko locale)")
	// The flag's old name, kept for scripts that use it.
	f.BoolVar(&s.Yes, "non-interactive", false, "the same as --yes")
	_ = f.MarkHidden("non-interactive")
}

// validate checks the shared flags and settles the language.
func (s *SharedOptions) validate(f *Factory) error {
	if err := checkOutput(f.lang(), s.Output); err != nil {
		return err
	}
	s.Lang = f.lang()
	if s.LangFlag != "" {
		l, err := i18n.Parse(s.LangFlag)
		if err != nil {
			return usageT(f.lang(), i18n.UsageLang, s.LangFlag)
		}
		s.Lang = l
	}
	if strings.TrimSpace(s.Namespace) == "" {
		return usageT(s.Lang, i18n.UsageNamespaceEmpty)
	}
	if err := checkNamespace(s.Lang, "--namespace", s.Namespace); err != nil {
		return err
	}
	if s.Cluster != "" && !clusterName.MatchString(s.Cluster) {
		return usageT(s.Lang, i18n.UsageCluster, s.Cluster)
	}
	if err := checkRoleName(s.Lang, s.Cluster, s.Namespace); err != nil {
		return err
	}
	if s.Region != "" {
		return checkRegion(s.Lang, "--region", s.Region)
	}
	return nil
}

// validateKube checks the kubeconfig and context given explicitly, for a
// run that talks to the cluster.
func (s *SharedOptions) validateKube(f *Factory) error {
	return checkKubeconfig(s.Lang, f.IOStreams.Getenv, s.Kubeconfig, s.Context)
}

// json reports whether the summary goes to stdout as JSON.
func (s *SharedOptions) json() bool { return s.Output == "json" }

// interactive decides between the TUI and plain lines: the TUI needs a
// person to prompt (see iostreams.CanPrompt: a terminal, not CI, not
// TERM=dumb) and no -y.
func (s *SharedOptions) interactive(f *Factory) bool {
	return !s.Yes && f.IOStreams.CanPrompt()
}

// ascii reports whether the screens draw in ASCII: --ascii, or a terminal
// the environment says draws ambiguous-width symbols wide (iostreams).
func (s *SharedOptions) ascii(f *Factory) bool {
	return s.ASCII || f.IOStreams.AmbiguousWide()
}

func checkOutput(l i18n.Lang, output string) error {
	switch output {
	case "text", "json":
		return nil
	}
	return usageT(l, i18n.UsageOutput, output)
}

func checkSince(l i18n.Lang, d time.Duration) error {
	if d <= 0 || d > maxSince {
		return usageT(l, i18n.UsageSince, d)
	}
	return nil
}

func checkIdentity(l i18n.Lang, id string) error {
	if id != steps.IdentityIRSA && id != steps.IdentityPodIdentity {
		return usageT(l, i18n.UsageIdentity, id)
	}
	return nil
}
