// Package sandboxtest is for tests: SDK clients against the practice
// sandbox's AWS endpoints.
package sandboxtest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/xray"

	"github.com/xray-wizard/xray-wizard/sandbox"
)

// Config points the SDK at the sandbox endpoints at url, as the sandbox's
// user.
func Config(region, url string) aws.Config {
	return ConfigAs(region, url, sandbox.SandboxAccessKeyID, sandbox.SandboxSecretAccessKey)
}

// ConfigAs points the SDK at the sandbox endpoints at url with the given
// keys.
func ConfigAs(region, url, keyID, secret string) aws.Config {
	return aws.Config{Region: region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, "")}
}

// XRay is an X-Ray client of the sandbox endpoints at url, as the
// sandbox's user.
func XRay(region, url string) *xray.Client { return xray.NewFromConfig(Config(region, url)) }
