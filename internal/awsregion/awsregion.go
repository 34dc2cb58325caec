// Package awsregion knows the AWS regions: the list the SDK this module is
// built with carries in its partition data, generated from it.
package awsregion

import "slices"

//go:generate go run gen.go

// Known reports whether region is a region of the SDK's partition data.
func Known(region string) bool {
	_, ok := partitionOf[region]
	return ok
}

// Partition is the partition of a known region ("aws", "aws-cn", …), or "".
func Partition(region string) string { return partitionOf[region] }

// All is every known region, sorted.
func All() []string {
	out := make([]string, 0, len(partitionOf))
	for r := range partitionOf {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
