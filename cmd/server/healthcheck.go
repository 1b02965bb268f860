package main

import (
	"context"

	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheck is `saddle healthcheck`: GET /healthz of the server this
// environment configures (SADDLE_ADDR, SADDLE_ALLOWED_HOSTS) and fail
// unless it answers 200 "ok". It exists for the container image, whose
// distroless base has no curl: HEALTHCHECK runs the binary itself.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("saddle healthcheck", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "", "the server's -addr (default: $SADDLE_ADDR, else :8080); an unspecified host is 127.0.0.1")
	timeout := fs.Duration("timeout", 3*time.Second, "how long the check may take")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: saddle healthcheck [-addr host:port] [-timeout 3s]\n\nExit 0 when the server answers GET /healthz with 200 ok, 1 otherwise.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("healthcheck: unexpected arguments %q", fs.Args())
	}
	if *addr == "" {
		*addr = getenv(envName("addr"))
	}
	if *addr == "" {
		*addr = ":8080"
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("healthcheck: -addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	// A server with -allowed-hosts answers only those names (421 to others).
	for _, h := range strings.Split(getenv(envName("allowed-hosts")), ",") {
		if h = strings.TrimSpace(h); h != "" {
			req.Host = net.JoinHostPort(strings.Trim(h, "[]"), port)
			break
		}
	}
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("healthcheck: %s answered %d %q", req.URL, resp.StatusCode, body)
	}
	fmt.Fprintln(out, "ok")
	return nil
}
