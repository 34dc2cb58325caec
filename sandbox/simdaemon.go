package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/xray"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// simDaemon stands for the X-Ray daemon's pods: it receives segments on UDP,
// batches them and uploads them with PutTraceSegments, with the region and
// the credentials the real daemon in a Ready pod would find.
type simDaemon struct {
	c    *Cluster
	conn *net.UDPConn
	done chan struct{}

	mu       sync.Mutex
	batch    []string
	log      []string
	received int
	sent     int
	failed   int
	clients  map[string]*xray.Client
}

// daemonFlush is how long a segment waits for its batch at most.
const daemonFlush = 500 * time.Millisecond

func startDaemon(ctx context.Context, c *Cluster) (*simDaemon, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	d := &simDaemon{c: c, conn: conn, done: make(chan struct{}), clients: map[string]*xray.Client{}}
	go d.read()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(daemonFlush)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				d.flush(ctx)
			}
		}
	}()
	return d, nil
}

func (d *simDaemon) addr() *net.UDPAddr { return d.conn.LocalAddr().(*net.UDPAddr) }

func (d *simDaemon) stop() { d.conn.Close() }

func (d *simDaemon) logf(level, format string, args ...any) {
	line := fmt.Sprintf("%s [%s] %s", time.Now().UTC().Format("2006-01-02T15:04:05Z"), level, fmt.Sprintf(format, args...))
	d.log = append(d.log, line)
	if len(d.log) > 500 {
		d.log = d.log[len(d.log)-500:]
	}
}

// read takes datagrams as the daemon does: a JSON header line, then the
// segment document.
func (d *simDaemon) read() {
	buf := make([]byte, 64*1024)
	for {
		n, _, err := d.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		header, doc, ok := bytes.Cut(buf[:n], []byte("\n"))
		var h struct {
			Format  string `json:"format"`
			Version int    `json:"version"`
		}
		d.mu.Lock()
		d.received++
		if !ok || json.Unmarshal(header, &h) != nil || h.Format != "json" || h.Version != 1 {
			d.logf("Error", "Invalid header: %q", header)
			d.failed++
		} else {
			d.batch = append(d.batch, string(doc))
		}
		d.mu.Unlock()
	}
}

// pod is the daemon pod that uploads: the first Ready one.
func (d *simDaemon) pod() *corev1.Pod {
	pods, _ := d.c.inf.Core().V1().Pods().Lister().List(labels.SelectorFromSet(labels.Set{"app": "xray-daemon"}))
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	for _, p := range pods {
		if podReady(p) {
			return p
		}
	}
	return nil
}

// region is where the daemon sends: its config's Region, else AWS_REGION.
func (d *simDaemon) region(p *corev1.Pod) string {
	if cm, err := d.c.inf.Core().V1().ConfigMaps().Lister().ConfigMaps(p.Namespace).Get("xray-config"); err == nil {
		for _, line := range strings.Split(cm.Data["config.yaml"], "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Region:"); ok {
				if r := strings.Trim(strings.TrimSpace(v), `"'`); r != "" {
					return r
				}
			}
		}
	}
	if r := podEnv(p, "AWS_REGION"); r != "" {
		return r
	}
	return "" // IMDS is out of reach from pods on nodes with hop limit 1
}

// serviceAccountToken mints the projected token EKS gives the pod: a JWT
// from the cluster's issuer. The sandbox's STS does not check signatures.
func (d *simDaemon) serviceAccountToken(ns, sa string) string {
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "sandbox"})
	now := time.Now()
	body, _ := json.Marshal(map[string]any{"iss": d.c.o.Issuer, "sub": "system:serviceaccount:" + ns + ":" + sa,
		"aud": []string{"sts.amazonaws.com"}, "iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix()})
	return enc.EncodeToString(head) + "." + enc.EncodeToString(body) + "." + enc.EncodeToString([]byte("sandbox-signature"))
}

type tokenFunc func() string

func (f tokenFunc) GetIdentityToken() ([]byte, error) { return []byte(f()), nil }

// client is the X-Ray client the pod's daemon would have: IRSA web identity
// when the pod has AWS_ROLE_ARN, else EKS Pod Identity when the service
// account has an association, else the node's instance role.
func (d *simDaemon) client(p *corev1.Pod, region string) (*xray.Client, string) {
	role, how := podEnv(p, "AWS_ROLE_ARN"), "irsa"
	if role == "" && d.c.o.PodIdentityRole != nil {
		role, how = d.c.o.PodIdentityRole(p.Namespace, p.Spec.ServiceAccountName), "pod-identity"
	}
	if role == "" {
		how = "node"
	}
	key := how + "|" + role + "|" + region + "|" + p.Namespace + "/" + p.Spec.ServiceAccountName
	if cl, ok := d.clients[key]; ok {
		return cl, how
	}
	cfg := aws.Config{Region: region, BaseEndpoint: aws.String(d.c.o.AWSEndpoint)}
	stsCfg := cfg
	switch how {
	case "irsa":
		ns, sa := p.Namespace, p.Spec.ServiceAccountName
		stsCfg.Credentials = aws.AnonymousCredentials{}
		prov := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(stsCfg), role, tokenFunc(func() string { return d.serviceAccountToken(ns, sa) }))
		cfg.Credentials = aws.NewCredentialsCache(prov)
	case "pod-identity":
		stsCfg.Credentials = credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(stsCfg), role))
	default:
		cfg.Credentials = credentials.NewStaticCredentialsProvider(NodeAccessKeyID, SandboxSecretAccessKey, "")
	}
	cl := xray.NewFromConfig(cfg)
	d.clients[key] = cl
	return cl, how
}

// flush uploads the batch, up to 50 segments per call as the daemon does.
func (d *simDaemon) flush(ctx context.Context) {
	d.mu.Lock()
	batch := d.batch
	d.batch = nil
	d.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	p := d.pod()
	d.mu.Lock()
	defer d.mu.Unlock()
	if p == nil {
		d.failed += len(batch)
		return
	}
	region := d.region(p)
	if region == "" {
		d.logf("Error", "Cannot fetch region variable from config file, environment variables and ec2 metadata.")
		d.failed += len(batch)
		return
	}
	cl, _ := d.client(p, region)
	for len(batch) > 0 {
		n := min(50, len(batch))
		part := batch[:n]
		batch = batch[n:]
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		out, err := cl.PutTraceSegments(cctx, &xray.PutTraceSegmentsInput{TraceSegmentDocuments: part})
		cancel()
		if err != nil {
			d.logf("Error", "Unable to send segments: %v", err)
			d.failed += n
			continue
		}
		bad := len(out.UnprocessedTraceSegments)
		d.sent += n - bad
		d.failed += bad
		d.logf("Info", "Successfully sent batch of %d segments (%.3f seconds)", n, time.Since(start).Seconds())
	}
}

// DaemonLog is the daemon's log, as `kubectl logs -l app=xray-daemon` would
// show it.
func (c *Cluster) DaemonLog() []string {
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	return append([]string(nil), c.daemon.log...)
}

// DaemonStats counts the segments received, uploaded and lost.
func (c *Cluster) DaemonStats() (received, sent, failed int) {
	c.daemon.mu.Lock()
	defer c.daemon.mu.Unlock()
	return c.daemon.received, c.daemon.sent, c.daemon.failed
}
