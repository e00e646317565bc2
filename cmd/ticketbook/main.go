// Command ticketbook is the desktop app and its command line in one binary:
// with no subcommand it opens the window.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"ticketbook/cmd/ticketbook/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, runGUI)
	stop()
	os.Exit(code)
}
