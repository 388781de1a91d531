package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// errUsage is returned after a usage message was already printed.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if err == errUsage {
		return 2
	}
	return 1
}

const usage = `letdown — a chat assistant for getting a milk let-down.

Usage:
  letdown chat [--jsonl] [--redis URL] [--user NAME] [--lang en|es]
        Talk to the bot in this terminal, in English or Spanish. Needs no
        accounts and no servers: conversations live in memory unless
        --redis is given.
  letdown serve [flags]
        Run the bot on Telegram (webhook or long polling) and/or Slack
        (Socket Mode or HTTP), with groups and channels and, where a
        supporters' channel is set, talk to a person; configured by
        environment variables or flags: see letdown serve --help.
  letdown content check [DIR]
        Validate guidance content (the built-in catalog, or DIR with one
        folder per language) and print every problem with file and id;
        also prove that every asks: example finds its step or command and
        every says: entry picks its own button, and list the ten texts
        hardest to read (Flesch–Kincaid grade).
  letdown content sources [DIR]
        Print the bibliography for review: each source's id, kind, citation,
        identifiers and link, and the steps and red flags that cite it.
  letdown content graph
        Print the dialog's state machine as a Mermaid state diagram.
  letdown bench [--people N] [--duration D] [--turns N] [--concurrency N] [--rate R] [--redis URL] [--json]
        Measure what one instance carries: the real webhook path, a fake
        Telegram API on loopback and simulated mothers; see letdown bench --help.
  letdown healthcheck [--url URL]
        Exit 0 if a running serve answers /healthz on ADMIN_ADDR (for
        container health checks).
  letdown help
        Show this help. Every command takes --help.
`

// run is the whole program, with its environment passed in so tests can
// call it end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "chat":
		return runChat(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "content":
		return runContent(args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], getenv, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "letdown: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

// parse parses a subcommand's flags; --help prints its usage and succeeds.
// helpOnce keeps fs.Parse from printing the usage itself, so that --help
// prints it once, on stdout: the returned func puts Usage back, and prints
// it on the flag set's output (stderr) when Parse wanted to after a bad
// flag, as it would have.
func helpOnce(fs *flag.FlagSet) (restore func(err error)) {
	usage, asked := fs.Usage, false
	fs.Usage = func() { asked = true }
	return func(err error) {
		fs.Usage = usage
		if asked && !errors.Is(err, flag.ErrHelp) {
			usage()
		}
	}
}

func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (done bool, err error) {
	fs.SetOutput(stderr)
	restore := helpOnce(fs)
	err = fs.Parse(args)
	restore(err)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return true, nil
	}
	if err != nil {
		return true, errUsage
	}
	return false, nil
}
