package steps

import (
	"bytes"
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// The daemon (and the Collector) read their config file once, when they
// start: a ConfigMap changed since — by kubectl edit, or by the wizard's
// own apply putting it right — changes nothing in the pods already
// running. The pods step restarts those, as it restarts pods that started
// before their IAM role.

// configChangedAt is when the collector's ConfigMap's data last changed:
// the latest time a field manager that owns its data wrote it, as its
// managedFields record (kubectl edit, kubectl apply, the wizard's apply).
// Zero when the ConfigMap cannot be read or records no time.
func configChangedAt(ctx context.Context, env *Env) time.Time {
	cm, err := env.Kube.CoreV1().ConfigMaps(env.Opts.Namespace).Get(ctx, env.Collector().ConfigMap, metav1.GetOptions{})
	if err != nil {
		return time.Time{}
	}
	var at time.Time
	for _, mf := range cm.ManagedFields {
		if mf.Time == nil || mf.FieldsV1 == nil || !bytes.Contains(mf.FieldsV1.Raw, []byte(`"f:data"`)) {
			continue
		}
		if t := mf.Time.Time; t.After(at) {
			at = t
		}
	}
	return at
}

// podsBeforeConfig are the pods (not on their way out) created before the
// config last changed: they run with the config they read then. Both times
// are whole seconds, so a pod created in the second of the change counts
// as having read it.
func podsBeforeConfig(ctx context.Context, env *Env, pods []*corev1.Pod) []string {
	at := configChangedAt(ctx, env)
	if at.IsZero() {
		return nil
	}
	var old []string
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.CreationTimestamp.Time.Before(at) {
			old = append(old, p.Name)
		}
	}
	return old
}

// restartReason is what the pods step says of the pods it offers to
// restart, and while it restarts them: the role they lack first, else the
// config they have not read.
func restartReason(env *Env, withoutRole, beforeConfig []string) (detail, doing string) {
	ns, ds := env.Opts.Namespace, env.Collector().DaemonSet
	if len(withoutRole) > 0 && env.Opts.Identity == IdentityPodIdentity {
		return env.T(i18n.MsgPodsWithoutAssociation, len(withoutRole), ns, ds), env.T(i18n.MsgRestarting, ns, ds)
	}
	if len(withoutRole) > 0 {
		return env.T(i18n.MsgPodsWithoutRole, len(withoutRole), ns, ds), env.T(i18n.MsgRestarting, ns, ds)
	}
	return env.T(i18n.MsgPodsBeforeConfig, len(beforeConfig), ns, env.Collector().ConfigMap, ns, ds), env.T(i18n.MsgRestartingConfig, ns, ds)
}
