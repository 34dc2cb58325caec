// Package awsregion knows the AWS regions: the list the SDK this module is
// built with carries in its partition data, generated from it.
package awsregion

//go:generate go run gen.go

// Known reports whether region is a region of the SDK's partition data.
func Known(region string) bool {
	_, ok := partitionOf[region]
	return ok
}

// Partition is the partition of a known region ("aws", "aws-cn", …), or "".
func Partition(region string) string { return partitionOf[region] }
