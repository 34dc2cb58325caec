package steps

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/xray-wizard/xray-wizard/flow"
	"github.com/xray-wizard/xray-wizard/i18n"
)

// IsCode reports whether err is an AWS API error with one of the codes.
func IsCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

// ErrorMessage is an AWS API error's own message, or the error's text.
func ErrorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// AWSError turns an AWS SDK error into one a person can act on: the cause in
// one line and the fix.
func (e *Env) AWSError(action string, err error) error {
	if err == nil {
		return nil
	}
	var fe *flow.Error
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	// The SDK's own words stay in the debug log (--log-file).
	e.Log.Debug("aws error", "action", action, "err", err.Error())
	if noCredentials(err) {
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrNoCredentials, action), Fix: e.T(i18n.FixNoCredentials)}
	}
	if fe := e.cloud9Refused(action, err); fe != nil {
		return fe // Cloud9's managed temporary credentials (cloud9.go)
	}
	var ae smithy.APIError
	isAPI := errors.As(err, &ae)
	if isAPI {
		code := ae.ErrorCode()
		switch code {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException":
			caller := e.callerARN()
			return &flow.Error{Err: err, Cause: e.T(i18n.ErrAccessDenied, action, caller), Fix: e.T(i18n.FixAccessDenied, action, policyFor(action))}
		case "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure":
			return &flow.Error{Err: err, Cause: e.T(i18n.ErrCredentials, action, code), Fix: e.T(i18n.FixCredentials)}
		}
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		var de *smithy.DeserializationError
		switch status := re.HTTPStatusCode(); {
		case status >= 500:
			return &flow.Error{Err: err, Cause: e.T(i18n.ErrAWSServer, action, responseEndpoint(re), status), Fix: e.T(i18n.FixAWSServer)}
		case !isAPI && errors.As(err, &de):
			return &flow.Error{Err: err, Cause: e.T(i18n.ErrAWSNotAWS, action, responseEndpoint(re), status), Fix: e.T(i18n.FixAWSNotAWS)}
		}
	}
	if isAPI {
		code, msg := ae.ErrorCode(), ae.ErrorMessage()
		if msg == "" {
			msg = code
		}
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrAWSCall, action, code, msg)}
	}
	if isUnreachable(err) {
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrUnreachable, action, endpointOf(err)), Fix: e.T(i18n.FixUnreachable)}
	}
	return &flow.Error{Err: err, Cause: e.T(i18n.ErrAWSCall, action, "error", err.Error())}
}

// callerARN is the caller's ARN when already known (never asks: an error
// path must not make more calls that can fail).
func (e *Env) callerARN() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.identity != nil {
		return e.identity.ARN
	}
	return e.T(i18n.YourIdentity)
}

// policyFor names what grants an action: the managed policy when one fits,
// else the project's least-privilege policy.
func policyFor(action string) string {
	switch {
	case strings.HasPrefix(action, "xray:Get"), strings.HasPrefix(action, "xray:BatchGet"):
		return "AWSXrayReadOnlyAccess"
	case strings.HasPrefix(action, "xray:Put"):
		return XRayWritePolicy
	}
	return "assets/iam-policy.json"
}

func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	if errors.As(err, &dnsErr) || errors.As(err, &opErr) {
		return true
	}
	// client-go's reflector reports list and watch failures as text.
	msg := err.Error()
	for _, s := range []string{"connection refused", "no such host", "i/o timeout", "connection reset by peer", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// noCredentials: the SDK's credential chain found nothing and fell through
// to its last provider, the EC2 instance metadata service, which had no role
// to give (or could not be reached): the call's error carries the IMDS
// client's own operation error.
func noCredentials(err error) bool {
	for err != nil {
		var oe *smithy.OperationError
		if !errors.As(err, &oe) {
			return false
		}
		if oe.ServiceID == imds.ServiceID {
			return true
		}
		err = oe.Err
	}
	return false
}

// responseEndpoint is where an HTTP answer came from: scheme and host.
func responseEndpoint(re *smithyhttp.ResponseError) string {
	if r := re.Response.Request; r != nil && r.URL != nil {
		return r.URL.Scheme + "://" + r.URL.Host
	}
	return "AWS"
}

func endpointOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Scheme + "://" + u.Host
		}
	}
	return "AWS"
}

// KubeError turns a Kubernetes API error into one a person can act on.
func (e *Env) KubeError(verb, what string, err error) error {
	if err == nil {
		return nil
	}
	var fe *flow.Error
	if errors.As(err, &fe) || errors.Is(err, context.Canceled) {
		return err
	}
	refused := apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err)
	if refused {
		if ae := e.kubeAccessError(verb, what, err); ae != nil {
			return ae
		}
	}
	switch {
	case apierrors.IsForbidden(err):
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrKubeForbidden, e.Opts.Lang.KubeVerb(verb), what), Fix: e.T(i18n.FixKubeForbidden)}
	case apierrors.IsUnauthorized(err):
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrKubeUnauthorized), Fix: e.T(i18n.FixKubeUnauthorized)}
	case isUnreachable(err):
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrKubeUnreachable, e.KubeServer), Fix: e.T(i18n.FixKubeUnreachable)}
	}
	return &flow.Error{Err: err, Cause: e.T(i18n.ErrKubeCall, verb, what, err.Error())}
}

// asType is errors.As, for a typed SDK error.
func asType[T error](err error, target *T) bool { return errors.As(err, target) }

// applyError explains a server-side apply conflict: which fields another
// field manager owns, and that --force takes them.
func (e *Env) applyError(kind, name string, err error) error {
	if apierrors.IsConflict(err) {
		return &flow.Error{Err: err, Cause: e.T(i18n.ErrApplyConflict, kind, name, conflictFields(err)), Fix: e.T(i18n.FixApplyConflict)}
	}
	return e.KubeError("apply", strings.ToLower(kind)+" "+name, err)
}

// isNotFoundHTTP: an HTTP 404 with no API error code, as an endpoint that
// does not serve the operation answers.
func isNotFoundHTTP(err error) bool {
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == 404
}
