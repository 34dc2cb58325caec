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
	// SIGHUP (the terminal went away, or kill -HUP) ends the run as SIGTERM
	// does: the steps stop and the terminal is given back as it was.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := cli.Main(ctx, iostreams.System(), os.Args[1:])
	stop()
	os.Exit(code)
}
