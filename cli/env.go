package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/kube"
	"github.com/xray-wizard/xray-wizard/sandbox"
	"github.com/xray-wizard/xray-wizard/steps"
)

// ErrNoRegion is the error when no region is configured anywhere: the
// wizard asks for one when a person is at the terminal.
var ErrNoRegion = errors.New("no AWS region configured")

// clusterName is what EKS accepts as a cluster name.
var clusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)

// retryer is the SDK's standard retryer with room for throttling storms:
// retries with backoff on throttling and 5xx, never a hand-written loop.
func retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 8
	})
}

// awsAttemptTimeout is the longest one AWS request may take, answer read.
const awsAttemptTimeout = time.Minute

// awsConfig loads the SDK's configuration chain: flags, environment
// (including AWS_ENDPOINT_URL), shared config and credentials files.
func awsConfig(ctx context.Context, o steps.Options, log *slog.Logger) (aws.Config, error) {
	lang := o.Lang
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(retryer),
		// An endpoint that takes a request and never answers does not hold
		// the run: each attempt ends after awsAttemptTimeout, and the
		// retryer's attempts are counted.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(awsAttemptTimeout)),
		// The SDK's own warnings go to the debug log (--log-file), never
		// onto the terminal the TUI draws on.
		config.WithLogger(logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			log.Debug("aws sdk", "class", string(c), "text", fmt.Sprintf(format, v...))
		})),
	}
	if log.Enabled(ctx, slog.LevelDebug) {
		// With --log-file, every retry the SDK makes goes to the log with
		// its reason (throttling, a 5xx, a dropped connection).
		opts = append(opts, config.WithClientLogMode(aws.LogRetries))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The SDK's own words go to the debug log; the person gets where
		// the profile came from and the fix for that place.
		log.Debug("aws config", "err", err.Error())
		var pe config.SharedConfigProfileNotExistError
		switch {
		case errors.As(err, &pe) && o.Profile != "":
			return aws.Config{}, &flow.Error{Usage: true, Cause: lang.T(i18n.InNoProfileFlag, o.Profile), Err: err}
		case errors.As(err, &pe):
			return aws.Config{}, &flow.Error{Usage: true, Cause: lang.T(i18n.InNoProfileEnv, pe.Profile), Err: err}
		}
		return aws.Config{}, &flow.Error{Usage: true, Cause: lang.T(i18n.InAWSConfig, firstLine(err)), Err: err}
	}
	if cfg.Region == "" {
		return aws.Config{}, &flow.Error{Usage: true, Cause: lang.T(i18n.CLINoRegion), Fix: lang.T(i18n.CLINoRegionFix), Err: ErrNoRegion}
	}
	if o.Region == "" {
		// From the environment or the profile: checked as --region is,
		// before any call.
		if err := checkRegion(lang, regionSource(o.Profile, cfg.Region, lang), cfg.Region); err != nil {
			return aws.Config{}, err
		}
	}
	return cfg, nil
}

// regionSource names where the SDK found region when no --region was given:
// the environment (AWS_REGION, as the SDK reads it) or the profile.
func regionSource(profile, region string, lang i18n.Lang) string {
	if env, err := config.NewEnvConfig(); err == nil {
		if env.Region == region {
			return "AWS_REGION"
		}
		if profile == "" {
			profile = env.SharedConfigProfile
		}
	}
	if profile == "" {
		profile = "default"
	}
	return lang.T(i18n.InRegionOfProfile, profile)
}

// kubeTarget is the kube context in use and a clientset for it.
type kubeTarget struct {
	client  kube.Interface
	context string
	cluster string
	server  string
	ca      []byte // the certificate authority it trusts, PEM
	role    string // the IAM role its credential plugin assumes
	// contexts are every context of the kubeconfig, to name the ones
	// that reach the cluster when this one does not.
	contexts []steps.KubeContext
	err      error
}

// kubeTargetFor loads the kubeconfig as kubectl does: --kubeconfig, else $KUBECONFIG,
// else ~/.kube/config, and --context over the current context. A failure is
// kept, not returned: steps that need no cluster still run.
func kubeTargetFor(o steps.Options) kubeTarget {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if o.Kubeconfig != "" {
		rules.ExplicitPath = o.Kubeconfig
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: o.Context}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	var t kubeTarget
	raw, err := cc.RawConfig()
	if err != nil {
		t.err = err
		return t
	}
	t.context = raw.CurrentContext
	if o.Context != "" {
		t.context = o.Context
	}
	for _, name := range slices.Sorted(maps.Keys(raw.Contexts)) {
		kc := raw.Contexts[name]
		c, ok := raw.Clusters[kc.Cluster]
		if !ok {
			continue
		}
		t.contexts = append(t.contexts, steps.KubeContext{Name: name, Server: c.Server, CA: clusterCA(c)})
		if name == t.context {
			t.cluster, t.server, t.ca = kc.Cluster, c.Server, clusterCA(c)
			t.role = execRole(raw.AuthInfos[kc.AuthInfo])
		}
	}
	rc, err := cc.ClientConfig()
	if err != nil {
		t.err = err
		return t
	}
	rc.UserAgent = "xray-wizard/" + Version
	// Protobuf, as kubectl and the controllers speak to the API server:
	// several times cheaper to decode than JSON, which matters when the pods
	// step follows thousands of daemon pods — a watcher that falls behind
	// is closed by the API server and must watch again.
	rc.ContentType = "application/vnd.kubernetes.protobuf"
	rc.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	// An API server that takes a request and never answers does not hold
	// the run: every request must begin its answer within 30 s.
	rc.Wrap(kube.WithResponseTimeout(kube.ResponseTimeout))
	cs, err := kube.NewForConfig(rc)
	if err != nil {
		t.err = err
		return t
	}
	t.client = cs
	return t
}

// buildEnv makes the steps' environment: the practice sandbox's endpoints and
// clientset, or the person's AWS configuration and kubeconfig. prepare
// finishes it on the steps' goroutine; stop releases what it started.
func buildEnv(ctx context.Context, useSandbox bool, opts steps.Options, log *slog.Logger, sbOpts ...func(*sandbox.Options)) (env *steps.Env, prepare func(context.Context) error, stop func(), err error) {
	if useSandbox {
		return sandboxEnv(opts, log, sbOpts...)
	}
	cfg, err := awsConfig(ctx, opts, log)
	if err != nil {
		return nil, nil, nil, err
	}
	k := kubeTargetFor(opts)
	env = steps.NewEnv(cfg, k.client, opts)
	env.KubeContext, env.KubeCluster, env.KubeServer, env.KubeErr = k.context, k.cluster, k.server, k.err
	env.KubeCA, env.KubeRoleARN, env.KubeContexts = k.ca, k.role, k.contexts
	env.Log = log
	return env, func(context.Context) error { return nil }, func() {}, nil
}

// clusterCA is the certificate authority a kubeconfig cluster trusts, PEM:
// its certificate-authority-data, else its certificate-authority file; nil
// when it has neither (insecure-skip-tls-verify, or the system's roots).
func clusterCA(c *clientcmdapi.Cluster) []byte {
	if len(c.CertificateAuthorityData) > 0 {
		return c.CertificateAuthorityData
	}
	if c.CertificateAuthority != "" {
		if b, err := os.ReadFile(c.CertificateAuthority); err == nil {
			return b
		}
	}
	return nil
}

// execRole is the IAM role a kubeconfig user's credential plugin assumes:
// aws eks get-token --role-arn ROLE (aws eks update-kubeconfig --role-arn
// writes it), or aws-iam-authenticator token -r ROLE; "" when it uses the
// caller's own credentials.
func execRole(ai *clientcmdapi.AuthInfo) string {
	if ai == nil || ai.Exec == nil {
		return ""
	}
	flags := []string{"--role-arn"}
	if filepath.Base(ai.Exec.Command) == "aws-iam-authenticator" {
		flags = append(flags, "-r", "--role")
	}
	args := ai.Exec.Args
	for i, a := range args {
		for _, fl := range flags {
			if v, ok := strings.CutPrefix(a, fl+"="); ok {
				return v
			}
			if a == fl && i+1 < len(args) {
				return args[i+1]
			}
		}
	}
	return ""
}
