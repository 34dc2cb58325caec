package cli

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/xray-wizard/xray-wizard/i18n"
)

// byService writes traces per service as a person reads them, the most
// first: "Frontend 1000, Product-Catalog 1000, Product-Detail 500".
func byService(lang i18n.Lang, m map[string]int) string {
	names := slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, m[n])
	}
	sep := ", "
	if lang == i18n.Ja {
		sep = "、"
	}
	return strings.Join(parts, sep)
}
