package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"net"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/smithy-go"
	corev1 "k8s.io/api/core/v1"

	"github.com/xray-wizard/xray-wizard/sandbox/kubesim"
	sigsyaml "sigs.k8s.io/yaml"
)

// daemonFlush is how long a segment waits in its daemon's buffer at most
// (the real daemon sends a batch when it has 50 segments or has been idle
// for a second).
const daemonFlush = 500 * time.Millisecond

// daemonVersion is the X-Ray daemon release an untagged image runs.
const daemonVersion = "3.6.6"

// daemon stands for the X-Ray daemon processes in the DaemonSet's pods. One
// UDP listener receives for all of them; the socket a datagram comes from
// tells which pod it was routed to. Each process has its own config,
// region, credentials, buffer and log, as the real ones do.
type daemon struct {
	c    *Cluster
	conn *net.UDPConn
	wake chan struct{}

	mu       sync.Mutex
	rng      *mrand.Rand            // the back-off's jitter
	routes   map[int]string         // sender port → daemon pod (ns/name)
	procs    map[string]*daemonProc // running processes by pod
	binds    map[string]string      // their UDP addresses
	draining []*daemonProc          // stopped processes with segments left
	logs     map[string][]string    // each pod's log, by ns/name
	log      []string               // every pod's log, in order
	received int
	sent     int
	failed   int
}

// daemonProc is one running daemon: what it read from its config and
// environment at start.
type daemonProc struct {
	ns, pod  string
	region   string
	client   *xray.Client
	batch    []string
	fails    int
	pausedTo time.Time
	otel     bool // the OpenTelemetry Collector (its log says so its way)
}

func startDaemon(ctx context.Context, c *Cluster) (*daemon, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	d := &daemon{c: c, conn: conn, wake: make(chan struct{}, 1), rng: mrand.New(mrand.NewPCG(c.o.Seed, 13)), routes: map[int]string{},
		procs: map[string]*daemonProc{}, binds: map[string]string{}, logs: map[string][]string{}}
	// The logs of a restored world's pods: kubectl logs shows what their
	// daemons wrote before.
	for _, key := range slices.Sorted(maps.Keys(c.o.PodLogs)) {
		d.logs[key] = slices.Clone(c.o.PodLogs[key])
		d.log = append(d.log, c.o.PodLogs[key]...)
	}
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		d.read()
	}()
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(daemonFlush)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-d.wake:
			}
			d.flush(ctx)
		}
	}()
	return d, nil
}

func (d *daemon) addr() *net.UDPAddr { return d.conn.LocalAddr().(*net.UDPAddr) }

func (d *daemon) stop() { d.conn.Close() }

// route and forget record which daemon pod a sender's socket reaches.
func (d *daemon) route(port int, pod string) {
	d.mu.Lock()
	d.routes[port] = pod
	d.mu.Unlock()
}

func (d *daemon) forget(port int) {
	d.mu.Lock()
	delete(d.routes, port)
	d.mu.Unlock()
}

// logf writes a line of a pod's daemon log, in the daemon's format:
// "2026-11-24T10:00:00Z [Info] …". Lines of a multi-line message follow
// as they are, as `kubectl logs` shows them.
func (d *daemon) logf(pod, level, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	lines := strings.Split(fmt.Sprintf("%s [%s] %s", time.Now().UTC().Format("2006-01-02T15:04:05Z07:00"), level, msg), "\n")
	d.logs[pod] = append(d.logs[pod], lines...)
	if n := len(d.logs[pod]); n > 500 {
		d.logs[pod] = d.logs[pod][n-500:]
	}
	d.log = append(d.log, lines...)
	if n := len(d.log); n > 2000 {
		d.log = d.log[n-2000:]
	}
}

// daemonConfig is the daemon's config file, the part the sandbox acts on.
type daemonConfig struct {
	TotalBufferSizeMB int
	Region            string
	Socket            struct{ UDPAddress, TCPAddress string }
	Version           int
}

// The keys a config file may have (the daemon refuses others).
var daemonConfigKeys = []string{"TotalBufferSizeMB", "Concurrency", "Endpoint", "Region", "Socket.UDPAddress", "Socket.TCPAddress",
	"ProxyServer.IdleConnTimeout", "ProxyServer.MaxIdleConnsPerHost", "ProxyServer.MaxIdleConns", "Logging.LogRotation",
	"Logging.LogLevel", "Logging.LogPath", "LocalMode", "ResourceARN", "RoleARN", "Profile", "NoVerifySSL", "ProxyAddress", "Version"}

// run starts the daemon in a pod's container, as its process would:
// flags, config file (from the ConfigMap mounted where -c points), region,
// credentials. It returns the log lines of a daemon that exits at once
// (the pod then crash-loops), or nil once it runs.
func (d *daemon) run(p *corev1.Pod, ct corev1.Container) []string {
	key := p.Namespace + "/" + p.Name
	d.mu.Lock()
	defer d.mu.Unlock()
	start := len(d.logs[key])
	fail := func(format string, args ...any) []string {
		d.logf(key, "Error", format, args...)
		return slices.Clone(d.logs[key][start:])
	}
	// The images' entrypoint listens on every address; a command in the
	// pod spec replaces it, flags and all.
	args := []string{"-t", "0.0.0.0:2000", "-b", "0.0.0.0:2000"}
	if len(ct.Command) > 0 {
		args = slices.Clone(ct.Command[1:])
	}
	flags := daemonFlags(append(args, ct.Args...))
	cfg := daemonConfig{Socket: struct{ UDPAddress, TCPAddress string }{"127.0.0.1:2000", "127.0.0.1:2000"}, Version: 1}
	if file := flags["config"]; file != "" {
		raw, err := d.c.mountedFile(p, ct, file)
		if err != nil {
			return fail("Error occur when using config flag: open %s: no such file or directory", file)
		}
		var keys map[string]any
		if err := sigsyaml.Unmarshal(raw, &keys); err != nil {
			return fail("Error occur when using config flag: %v", err)
		}
		if len(keys) > 0 && keys["Version"] == nil {
			return fail("Config Version is missing. Use X-Ray Daemon Config Migration Script to update the config file. Please refer to AWS X-Ray Documentation for more information.")
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			names := []string{k}
			if sub, ok := keys[k].(map[string]any); ok {
				names = nil
				for _, sk := range slices.Sorted(maps.Keys(sub)) {
					names = append(names, k+"."+sk)
				}
			}
			for _, n := range names {
				if !slices.Contains(daemonConfigKeys, n) {
					return fail("%s flag is invalid. Please refer to AWS X-Ray Documentation for more information.", n)
				}
			}
		}
		var file daemonConfig
		if err := sigsyaml.Unmarshal(raw, &file); err != nil {
			return fail("Error occur when using config flag: %v", err)
		}
		if file.Version != 1 && file.Version != 2 {
			return fail("Config Version Setting is not correct. Use X-Ray Daemon Config Migration Script to update the config file. Please refer to AWS X-Ray Documentation for more information.")
		}
		if file.Socket.UDPAddress == "" {
			file.Socket.UDPAddress = cfg.Socket.UDPAddress
		}
		if file.Socket.TCPAddress == "" {
			file.Socket.TCPAddress = cfg.Socket.TCPAddress
		}
		cfg = file
	}
	for flag, dst := range map[string]*string{"bind": &cfg.Socket.UDPAddress, "bind-tcp": &cfg.Socket.TCPAddress, "region": &cfg.Region} {
		if v := flags[flag]; v != "" {
			*dst = v
		}
	}
	version := daemonVersion
	if _, tag, ok := strings.Cut(path.Base(ct.Image), ":"); ok && tag != "latest" {
		version = tag
	}
	d.logf(key, "Info", "Initializing AWS X-Ray daemon %s", version)
	mem := cfg.TotalBufferSizeMB
	if mem == 0 {
		mem = 78 // 1 % of an m5.large's memory
	}
	d.logf(key, "Info", "Using buffer memory limit of %d MB", mem)
	d.logf(key, "Info", "%d segment buffers allocated", mem*1024/64)
	// The region: flag or config, else AWS_REGION, else the instance
	// metadata, which a pod reaches only with hostNetwork (the nodes' IMDS
	// hop limit is 1).
	region := cfg.Region
	if region == "" {
		region = podEnv(p, "AWS_REGION")
	}
	if region == "" && flags["local-mode"] == "" {
		if p.Spec.HostNetwork {
			region = d.c.o.Region
		} else {
			d.logf(key, "Error", "Unable to fetch region from EC2 metadata: operation error ec2imds: GetRegion, canceled, context deadline exceeded")
		}
	}
	if region == "" {
		return fail("Cannot fetch region variable from config file, environment variables, ecs metadata, or ec2 metadata. Use local-mode to use the local config region.")
	}
	d.logf(key, "Info", "Using region: %s", region)
	d.logf(key, "Info", "HTTP Proxy server using X-Ray Endpoint : https://xray.%s.amazonaws.com", region)
	d.logf(key, "Info", "Starting proxy http server on %s", cfg.Socket.TCPAddress)
	d.procs[key] = &daemonProc{ns: p.Namespace, pod: p.Name, region: region, client: d.client(p, region, flags["role-arn"])}
	d.binds[key] = cfg.Socket.UDPAddress
	return nil
}

// daemonFlags reads the daemon's command line: -c/--config, -n/--region,
// -b/--bind, -t/--bind-tcp, -r/--role-arn, -o/--local-mode.
func daemonFlags(args []string) map[string]string {
	long := map[string]string{"c": "config", "n": "region", "b": "bind", "t": "bind-tcp", "r": "role-arn", "o": "local-mode",
		"l": "log-level", "m": "buffer-memory", "a": "resource-arn", "f": "log-file", "p": "proxy-address"}
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		if a == args[i] {
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if l, ok := long[name]; ok {
			name = l
		}
		if name == "local-mode" {
			out[name] = "true"
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
			i++
		}
		out[name] = val
	}
	return out
}

// mountedFile reads a file of a container from the ConfigMap volume
// mounted at the file's directory.
func (c *Cluster) mountedFile(p *corev1.Pod, ct corev1.Container, file string) ([]byte, error) {
	for _, m := range ct.VolumeMounts {
		rel, ok := strings.CutPrefix(file, strings.TrimSuffix(m.MountPath, "/")+"/")
		if !ok {
			continue
		}
		for _, v := range p.Spec.Volumes {
			if v.Name != m.Name || v.ConfigMap == nil {
				continue
			}
			cm, err := c.inf.ConfigMaps(p.Namespace).Get(v.ConfigMap.Name)
			if err != nil {
				return nil, err
			}
			key := rel
			if len(v.ConfigMap.Items) > 0 {
				key = ""
				for _, it := range v.ConfigMap.Items {
					if it.Path == rel {
						key = it.Key
					}
				}
			}
			if data, ok := cm.Data[key]; ok && key != "" {
				return []byte(data), nil
			}
		}
	}
	return nil, errors.New("no such file or directory")
}

// exit stops a pod's daemon. What it still holds is sent on the way out,
// as the daemon does on SIGTERM.
func (d *daemon) exit(ns, name string) {
	if d == nil {
		return
	}
	key := ns + "/" + name
	d.mu.Lock()
	defer d.mu.Unlock()
	if p := d.procs[key]; p != nil {
		delete(d.procs, key)
		delete(d.binds, key)
		if len(p.batch) > 0 {
			d.draining = append(d.draining, p)
		}
	}
}

// gone forgets a deleted pod's log.
func (d *daemon) gone(ns, name string) {
	if d == nil {
		return
	}
	d.exit(ns, name)
	d.mu.Lock()
	delete(d.logs, ns+"/"+name)
	d.mu.Unlock()
}

// listens reports whether a pod's daemon receives a datagram from pod
// `from` on port: it runs, and binds that port on an address other pods
// reach (its default, 127.0.0.1, only its own pod reaches).
func (d *daemon) listens(p *corev1.Pod, port int, from *corev1.Pod) bool {
	key := p.Namespace + "/" + p.Name
	d.mu.Lock()
	bind, ok := d.binds[key]
	d.mu.Unlock()
	if !ok {
		return false
	}
	host, portStr, err := net.SplitHostPort(bind)
	if err != nil || portStr != fmt.Sprint(port) {
		return false
	}
	switch host {
	case "0.0.0.0", "", "::":
		return true
	case "127.0.0.1", "localhost":
		return from.UID == p.UID
	}
	return host == p.Status.PodIP
}

// read takes datagrams as the daemon does: a JSON header line, then the
// segment document.
func (d *daemon) read() {
	buf := make([]byte, 64*1024)
	for {
		n, from, err := d.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		d.mu.Lock()
		p := d.procs[d.routes[from.Port]]
		if p == nil {
			d.mu.Unlock()
			continue // the pod is gone: nothing reads its socket
		}
		key := p.ns + "/" + p.pod
		header, body, ok := bytes.Cut(buf[:n], []byte("\n"))
		var h struct {
			Format  string `json:"format"`
			Version int    `json:"version"`
		}
		d.received++
		switch {
		case !ok || len(body) == 0:
			d.logf(key, "Warn", "Missing header or segment: %s", header)
			d.failed++
		case json.Unmarshal(header, &h) != nil || h.Format != "json" || h.Version != 1:
			d.logf(key, "Warn", "Invalid header: %s", header)
			d.failed++
		default:
			p.batch = append(p.batch, string(body))
			if len(p.batch) >= 50 {
				select {
				case d.wake <- struct{}{}:
				default:
				}
			}
		}
		d.mu.Unlock()
	}
}

// flush uploads every daemon's buffer, up to 50 segments per call.
func (d *daemon) flush(ctx context.Context) {
	d.mu.Lock()
	procs := slices.Collect(maps.Values(d.procs))
	procs = append(procs, d.draining...)
	d.draining = nil
	d.mu.Unlock()
	for _, p := range procs {
		for {
			d.mu.Lock()
			if len(p.batch) == 0 || time.Now().Before(p.pausedTo) {
				d.mu.Unlock()
				break
			}
			n := min(50, len(p.batch))
			part := slices.Clone(p.batch[:n])
			p.batch = p.batch[n:]
			d.mu.Unlock()
			d.upload(ctx, p, part)
		}
	}
}

func (d *daemon) upload(ctx context.Context, p *daemonProc, part []string) {
	key := p.ns + "/" + p.pod
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	out, err := p.client.PutTraceSegments(cctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: part})
	cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		// The batch is lost; after ten failures in a row the daemon
		// waits before the next (full jitter, up to 30 s).
		d.failed += len(part)
		p.fails++
		wait := 0
		if p.fails > 10 {
			wait = d.rng.IntN(min(1<<(p.fails-10), 30) + 1)
		}
		p.pausedTo = time.Now().Add(time.Duration(wait) * time.Second)
		if p.otel {
			d.otelLogf(key, "error", "internal/base_exporter.go:114", "Exporting failed. Rejecting data. Try enabling sending_queue to survive temporary failures.\t{\"error\": %q}", sdkError(err))
			return
		}
		d.logf(key, "Error", "Sending segment batch failed with: %s", sdkError(err))
		d.logf(key, "Warn", "Delaying sending of additional batches by %d seconds", wait)
		return
	}
	p.fails = 0
	bad := len(out.UnprocessedTraceSegments)
	d.sent += len(part) - bad
	d.failed += bad
	if p.otel {
		if bad > 0 {
			d.otelLogf(key, "error", "awsxrayexporter@v0.141.0/awsxray.go:95", "Unprocessed segments\t{\"count\": %d}", bad)
		}
		return
	}
	if bad == 0 {
		d.logf(key, "Info", "Successfully sent batch of %d segments (%1.3f seconds)", len(part), time.Since(start).Seconds())
		return
	}
	d.logf(key, "Info", "Sent batch of %d segments but had %d Unprocessed segments (%1.3f seconds)", len(part), bad, time.Since(start).Seconds())
	for _, u := range out.UnprocessedTraceSegments {
		d.logf(key, "Error", "Unprocessed segment: {\n  ErrorCode: %q,\n  Id: %q,\n  Message: %q\n}", aws.ToString(u.ErrorCode), aws.ToString(u.Id), aws.ToString(u.Message))
	}
}

// sdkError writes an SDK error the way the daemon's log shows it:
// "AccessDeniedException: …" with the status code and request id below,
// and credential errors wrapped as WebIdentityErr.
func sdkError(err error) string {
	var api smithy.APIError
	msg := err.Error()
	if errors.As(err, &api) {
		msg = api.ErrorCode() + ": " + api.ErrorMessage()
		var resp *awshttp.ResponseError
		if errors.As(err, &resp) {
			msg += fmt.Sprintf("\n\tstatus code: %d, request id: %s", resp.HTTPStatusCode(), resp.ServiceRequestID())
		}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		var op *smithy.OperationError
		if errors.As(e, &op) && op.ServiceID == "STS" {
			if op.OperationName == "AssumeRoleWithWebIdentity" {
				return "WebIdentityErr: failed to retrieve credentials\ncaused by: " + msg
			}
			return "AssumeRoleErr: failed to retrieve credentials\ncaused by: " + msg
		}
	}
	return msg
}

// client is the X-Ray client the pod's daemon has, with the credentials
// the SDK's chain finds in the pod: IRSA's web identity (AWS_ROLE_ARN and
// a projected token), else EKS Pod Identity (the agent's address), else the
// node's instance role. With -r the daemon assumes that role with them.
func (d *daemon) client(p *corev1.Pod, region, assume string) *xray.Client {
	base := aws.Config{Region: region, BaseEndpoint: aws.String(d.c.o.AWSEndpoint), RetryMaxAttempts: 2}
	stsWith := func(creds aws.CredentialsProvider) *sts.Client {
		c := base.Copy()
		c.Credentials = creds
		return sts.NewFromConfig(c)
	}
	var creds aws.CredentialsProvider
	ns, sa := p.Namespace, p.Spec.ServiceAccountName
	switch {
	case podEnv(p, "AWS_ROLE_ARN") != "" && podEnv(p, "AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		aud := "sts.amazonaws.com"
		for _, v := range p.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for _, src := range v.Projected.Sources {
				if t := src.ServiceAccountToken; t != nil && path.Join(kubesim.IRSATokenDir, t.Path) == podEnv(p, "AWS_WEB_IDENTITY_TOKEN_FILE") {
					aud = t.Audience
				}
			}
		}
		token := func() string { return d.serviceAccountToken(p, aud) }
		creds = stscreds.NewWebIdentityRoleProvider(stsWith(aws.AnonymousCredentials{}), podEnv(p, "AWS_ROLE_ARN"), tokenFunc(token))
	case podEnv(p, "AWS_CONTAINER_CREDENTIALS_FULL_URI") != "":
		// The Pod Identity agent exchanges the pod's token for the role of
		// the service account's association.
		creds = aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			role := ""
			if d.c.o.PodIdentityRole != nil {
				role = d.c.o.PodIdentityRole(ns, sa)
			}
			if role == "" {
				return aws.Credentials{}, fmt.Errorf("failed to refresh cached credentials, failed to load credentials from %s: "+
					"no EKS Pod Identity association for service account %s/%s", kubesim.PodIdentityURI, ns, sa)
			}
			return stscreds.NewAssumeRoleProvider(stsWith(credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")), role).Retrieve(ctx)
		})
	default:
		creds = credentials.NewStaticCredentialsProvider(NodeAccessKeyID, SandboxSecretAccessKey, "")
	}
	if assume != "" {
		creds = stscreds.NewAssumeRoleProvider(stsWith(aws.NewCredentialsCache(creds)), assume)
	}
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(creds)
	return xray.NewFromConfig(cfg)
}

type tokenFunc func() string

func (f tokenFunc) GetIdentityToken() ([]byte, error) { return []byte(f()), nil }

// serviceAccountToken is the projected token the kubelet gives the pod: a
// JWT from the cluster's issuer for the pod's service account. The
// sandbox's STS does not check signatures.
func (d *daemon) serviceAccountToken(p *corev1.Pod, aud string) string {
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "sandbox"})
	now := time.Now()
	body, _ := json.Marshal(map[string]any{
		"iss": d.c.o.Issuer, "sub": "system:serviceaccount:" + p.Namespace + ":" + p.Spec.ServiceAccountName,
		"aud": []string{aud}, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(),
		"kubernetes.io": map[string]any{"namespace": p.Namespace,
			"pod":            map[string]string{"name": p.Name, "uid": string(p.UID)},
			"serviceaccount": map[string]string{"name": p.Spec.ServiceAccountName}},
	})
	return enc.EncodeToString(head) + "." + enc.EncodeToString(body) + "." + enc.EncodeToString([]byte("sandbox-signature"))
}

// DaemonLog is every daemon pod's log, in order, as `kubectl logs -l
// app=xray-daemon` shows it (the fake clientset's GetLogs answers "fake
// logs").
func (c *Cluster) DaemonLog() []string {
	if c.daemon == nil {
		return nil
	}
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	return slices.Clone(c.daemon.log)
}

// PodLog is the daemon's log in one pod, its earlier runs included (what
// `kubectl logs` and `kubectl logs --previous` show together).
func (c *Cluster) PodLog(namespace, pod string) []string {
	if c.daemon == nil {
		return nil
	}
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	return slices.Clone(c.daemon.logs[namespace+"/"+pod])
}

// PodLogs are the daemon's logs of every pod, by namespace/name, for
// ClusterOptions.PodLogs.
func (c *Cluster) PodLogs() map[string][]string {
	if c.daemon == nil {
		return nil
	}
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	out := make(map[string][]string, len(c.daemon.logs))
	for k, v := range c.daemon.logs {
		out[k] = slices.Clone(v)
	}
	return out
}

// DaemonStats counts the segments the daemon pods received, uploaded and
// lost (refused, failed or malformed).
func (c *Cluster) DaemonStats() (received, sent, failed int) {
	if c.daemon == nil {
		return 0, 0, 0
	}
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	return c.daemon.received, c.daemon.sent, c.daemon.failed
}
