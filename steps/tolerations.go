package steps

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The collector's DaemonSet runs on every Linux node but those with a
// taint it does not tolerate (GPU nodes, dedicated node groups, ...).
// --tolerate KEY[=VALUE]:EFFECT adds a toleration of one taint, written as
// `kubectl taint` writes it; --tolerate-all one of every taint. Fargate
// nodes stay out either way: the manifests' node affinity leaves them out,
// as Fargate runs no DaemonSet pods.

// TolerateAll is the toleration --tolerate-all adds: every taint.
var TolerateAll = corev1.Toleration{Operator: corev1.TolerationOpExists}

// TolerationError is a --tolerate value that names no taint; Problem says
// what is wrong with it, Part the part that is (the key or value).
type TolerationError struct {
	Value, Part string
	Problem     TolerationProblem
}

// TolerationProblem is what is wrong with a --tolerate value.
type TolerationProblem int

// The problems of a --tolerate value.
const (
	TolerationForm   TolerationProblem = iota // not KEY[=VALUE]:EFFECT
	TolerationEffect                          // an effect Kubernetes does not have
	TolerationKey                             // not a label key
	TolerationValue                           // not a label value
)

func (e *TolerationError) Error() string {
	return fmt.Sprintf("--tolerate %q: %s", e.Value, [...]string{"want KEY[=VALUE]:EFFECT", "unknown effect",
		"bad key " + e.Part, "bad value " + e.Part}[e.Problem])
}

// ParseToleration reads KEY[=VALUE]:EFFECT, as kubectl taint writes a
// taint, into the toleration of that taint: Equal to VALUE when one is
// given, else Exists. EFFECT is NoSchedule, PreferNoSchedule or NoExecute.
func ParseToleration(s string) (corev1.Toleration, error) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok || kv == "" || effect == "" {
		return corev1.Toleration{}, &TolerationError{Value: s, Problem: TolerationForm}
	}
	t := corev1.Toleration{Effect: corev1.TaintEffect(effect), Operator: corev1.TolerationOpExists}
	switch t.Effect {
	case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
	default:
		return corev1.Toleration{}, &TolerationError{Value: s, Part: effect, Problem: TolerationEffect}
	}
	key, value, hasValue := strings.Cut(kv, "=")
	if len(validation.IsQualifiedName(key)) > 0 {
		return corev1.Toleration{}, &TolerationError{Value: s, Part: key, Problem: TolerationKey}
	}
	t.Key = key
	if hasValue {
		if len(validation.IsValidLabelValue(value)) > 0 {
			return corev1.Toleration{}, &TolerationError{Value: s, Part: value, Problem: TolerationValue}
		}
		t.Operator, t.Value = corev1.TolerationOpEqual, value
	}
	return t, nil
}

// TaintFlag is a taint as --tolerate takes it: KEY[=VALUE]:EFFECT.
func TaintFlag(t *corev1.Taint) string {
	s := t.Key
	if t.Value != "" {
		s += "=" + t.Value
	}
	return s + ":" + string(t.Effect)
}

// withTolerations adds tolerations to the DaemonSet's pod template.
func (objs *DaemonObjects) withTolerations(ts []corev1.Toleration) error {
	if len(ts) == 0 {
		return nil
	}
	list := make([]any, len(ts))
	for i := range ts {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&ts[i])
		if err != nil {
			return err
		}
		list[i] = m
	}
	return unstructured.SetNestedSlice(objs.DaemonSet.Map, list, "spec", "template", "spec", "tolerations")
}
