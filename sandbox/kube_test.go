package sandbox

import "github.com/xray-wizard/xray-wizard/kube"

// ac is an apply configuration (or any manifest value) as the object the
// clients apply.
func ac(v any) *kube.Object {
	o, err := kube.ObjectOf(v)
	if err != nil {
		panic(err)
	}
	return o
}
