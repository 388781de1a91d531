// Command letdown runs the Letdown bot: a terminal chat, content checks, and
// (with later subcommands) the Telegram and Slack service.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "letdown:", err)
		}
		os.Exit(exitCode(err))
	}
}
