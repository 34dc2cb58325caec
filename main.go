// Command xray-wizard sets up AWS X-Ray on an EKS cluster, step by step: the
// EKS workshop's "X-Ray のセットアップ" lab as a wizard.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/xray-wizard/xray-wizard/cli"
	"github.com/xray-wizard/xray-wizard/iostreams"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, iostreams.System(), os.Args[1:])
	stop()
	os.Exit(code)
}
