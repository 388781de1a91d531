package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runHealthcheck asks a running serve whether it is healthy: for the
// container's HEALTHCHECK, which has no curl in an empty image.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	url := fs.String("url", "", "the health URL (default http://127.0.0.1<port of ADMIN_ADDR>/healthz)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: letdown healthcheck [--url URL]\n\nExit 0 if a running letdown serve answers its health check.\n\n")
		fs.PrintDefaults()
	}
	if done, err := parse(fs, args, stdout, stderr); done {
		return err
	}
	if *url == "" {
		*url = "http://" + loopback(or(getenv("ADMIN_ADDR"), ":9090")) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %d", *url, resp.StatusCode)
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}

// loopback turns a listen address such as ":9090" into one to dial.
func loopback(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "127.0.0.1" + addr
	}
	return addr
}
