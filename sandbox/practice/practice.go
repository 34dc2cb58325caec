// Package practice puts the practice sandbox's world into the failure modes
// people meet in the X-Ray lab, so the doctor and its fixes can be
// practised: `xray-wizard sandbox break NAME`. Each mode changes the world
// the way a person's kubectl, eksctl or console would have (the same field
// managers, the same API calls), never through the sandbox's insides, so
// what the doctor sees is what it would see on a real cluster.
package practice

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/steps"
)

// Mode is one failure mode of the practice world.
type Mode struct {
	Name string
	// Stuck is the lab's "where people get stuck" point it stands for
	// (../shared/workshop/README.md), 0 for one only the doctor knows.
	Stuck int
	// Check is the id of the doctor's check that names it.
	Check   string
	Summary i18n.Key
	apply   func(*breaker, context.Context) error
}

// Modes are the failure modes, in the order --list shows them.
func Modes() []Mode {
	return []Mode{
		{"lab-manifest", 1, "service", i18n.BreakLabManifest, (*breaker).labManifest},
		{"ecr-command", 2, "daemonset", i18n.BreakECRCommand, (*breaker).ecrCommand},
		{"no-region", 3, "region", i18n.BreakNoRegion, (*breaker).noRegion},
		{"no-configmap", 3, "region", i18n.BreakNoConfigMap, (*breaker).noConfigMap},
		{"no-oidc", 4, "oidc", i18n.BreakNoOIDC, (*breaker).noOIDC},
		{"sa-not-annotated", 4, "role", i18n.BreakSANotAnnotated, (*breaker).saNotAnnotated},
		{"pods-before-role", 4, "pods-role", i18n.BreakPodsBeforeRole, (*breaker).podsBeforeRole},
		{"policy-detached", 4, "role", i18n.BreakPolicyDetached, (*breaker).policyDetached},
		{"pod-identity-policy", 4, "role", i18n.BreakPodIdentityPolicy, (*breaker).podIdentityPolicy},
		{"trust-other-sa", 5, "role", i18n.BreakTrustOtherSA, (*breaker).trustOtherSA},
		{"trust-aud", 5, "role", i18n.BreakTrustAud, (*breaker).trustAud},
		{"app-no-address", 6, "app-address", i18n.BreakAppNoAddress, (*breaker).appNoAddress},
		{"app-address-no-namespace", 6, "app-address", i18n.BreakAppShortAddress, (*breaker).appShortAddress},
		{"udp-only-service", 7, "service", i18n.BreakUDPOnly, (*breaker).udpOnly},
		{"no-tcp-address", 7, "service", i18n.BreakNoTCPAddress, (*breaker).noTCPAddress},
		{"app-pinned-ip", 8, "app-address", i18n.BreakAppPinnedIP, (*breaker).appPinnedIP},
		{"daemon-other-region", 9, "region", i18n.BreakDaemonOtherRegion, (*breaker).daemonOtherRegion},
		{"cloud9-credentials", 10, "credentials", i18n.BreakCloud9Credentials, (*breaker).cloud9Credentials},
		{"sampling-off", 11, "sampling", i18n.BreakSamplingOff, (*breaker).samplingOff},
		{"pod-security", 0, "pods-created", i18n.BreakPodSecurity, (*breaker).podSecurity},
		{"no-app", 0, "app", i18n.BreakNoApp, (*breaker).noApp},
	}
}

// Find is the mode of that name.
func Find(name string) (Mode, bool) {
	i := slices.IndexFunc(Modes(), func(m Mode) bool { return m.Name == name })
	if i < 0 {
		return Mode{}, false
	}
	return Modes()[i], true
}

// Break sets the world right first — the wizard's whole run (with --force,
// as the world is the learner's own), and the app's daemon address — so
// every mode starts from a working setup with fresh traces, whatever an
// earlier break left; then it breaks it. r gets the setup's events.
func (m Mode) Break(ctx context.Context, env *steps.Env, r flow.Reporter) error {
	env.Opts.Identity = m.Identity()
	b := &breaker{env: env, kc: env.Kube, ns: env.Opts.Namespace, appNS: env.Opts.AppNamespace}
	if err := b.heal(ctx, r); err != nil {
		return err
	}
	if err := m.apply(b, ctx); err != nil {
		return err
	}
	if err := WaitSettled(ctx, b.kc, b.ns); err != nil {
		return err
	}
	return WaitSettled(ctx, b.kc, b.appNS)
}

// Options are the steps' options a break runs the setup with.
func Options(namespace, appNamespace string, lang i18n.Lang) steps.Options {
	return steps.Options{Namespace: namespace, AppNamespace: appNamespace, Identity: steps.IdentityIRSA, Force: true,
		Requests: 20, Since: 15 * time.Minute, PodsTimeout: 2 * time.Minute, TracesTimeout: time.Minute, Lang: lang}
}

// heal runs the wizard's setup on the world, after turning Cloud9's
// managed temporary credentials off, giving the app back (if a break took
// it away) and its daemon address, and taking the lab's binding and the
// sampling-off rule away.
func (b *breaker) heal(ctx context.Context, r flow.Reporter) error {
	if err := b.healCloud9(ctx); err != nil {
		return err
	}
	if err := b.healAppDeployed(ctx); err != nil {
		return err
	}
	if err := b.healApp(ctx); err != nil {
		return err
	}
	if err := b.healRBAC(ctx); err != nil {
		return err
	}
	if err := b.labelNamespace(ctx, ""); err != nil { // pod-security's
		return err
	}
	if err := b.healSampling(ctx); err != nil {
		return err
	}
	if err := b.toPodIdentity(ctx); err != nil {
		return err
	}
	// The identity's steps first: pods the other identity started are
	// restarted before the daemon's steps wait for uploads.
	all := steps.All()
	i := slices.IndexFunc(all, func(s steps.Step) bool { return s.ID() == flow.IDDaemonSet })
	if err := b.run(ctx, all[:i], r); err != nil {
		return err
	}
	if err := b.podIdentityPods(ctx); err != nil {
		return err
	}
	return b.run(ctx, all[i:], r)
}

// run runs the wizard's steps on the world, as -y would, and rewrites a
// role's trust that an earlier break (or the other identity) left, which
// -y alone refuses.
func (b *breaker) run(ctx context.Context, ss []steps.Step, r flow.Reporter) error {
	rn := &steps.Runner{Env: b.env, Steps: ss, Sandbox: true, Confirm: setRight{}}
	sum := rn.Run(ctx, r)
	for _, s := range sum.Steps {
		if s.Status == flow.Failed {
			return fmt.Errorf("setting up the practice world first: %s: %s", s.ID, s.Detail)
		}
	}
	if sum.Interrupted {
		return context.Canceled
	}
	return nil
}

// setRight answers the setup as -y does, and approves the iamsa step as a
// person would: its role's trust is set right before each break (an
// earlier break or the other identity left it); the rest stays as with -y
// (no workshop sampling rule).
type setRight struct{}

func (setRight) Confirm(_ context.Context, s flow.StepInfo, _ flow.Plan) (flow.Consent, error) {
	if s.ID == flow.IDIAMSA {
		return flow.Approved, nil
	}
	return flow.Assumed, nil
}
