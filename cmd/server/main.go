// Command server starts Saddle: the page, the JSON API and live sessions.
//
// Every flag may also be given as an environment variable SADDLE_<FLAG>
// (dashes become underscores: -max-sessions is SADDLE_MAX_SESSIONS); a flag
// on the command line wins over the environment. `server -h` lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/natsrelay"
	"github.com/saddle-viz/saddle/internal/stream"
	"github.com/saddle-viz/saddle/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "saddle:", err)
		stop()
		os.Exit(1)
	}
}

// config is what the flags and the environment set.
type config struct {
	addr        string
	origins     string
	maxSessions int
	basePath    string
	frameAnc    string
	logLevel    string
	shutdown    time.Duration
	ping        time.Duration
	idle        time.Duration
	hosts       string
	nats        string
	roomGrace   time.Duration
	minify      bool
}

// Server timeouts that are not flags.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 2 * time.Minute
)

// envName is the environment variable of a flag: max-sessions → SADDLE_MAX_SESSIONS
// (and -nats, a URL, is SADDLE_NATS_URL).
func envName(flagName string) string {
	if flagName == "nats" {
		return "SADDLE_NATS_URL"
	}
	return "SADDLE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads args, then the environment for every flag not given.
// It returns flag.ErrHelp after printing the usage for -h.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("saddle", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on, host:port (port 0 picks a free one)")
	fs.StringVar(&c.origins, "origins", "", "comma-separated extra origin patterns allowed to open WebSocket sessions\n(e.g. \"course.example.org,*.example.edu\"); the server's own host is always allowed, \"*\" never is")
	fs.IntVar(&c.maxSessions, "max-sessions", 500, "most live WebSocket sessions at once; more are refused with a close reason")
	fs.StringVar(&c.basePath, "base-path", "", "path prefix to serve under behind a reverse proxy, e.g. /saddle")
	fs.StringVar(&c.frameAnc, "frame-ancestors", web.DefaultFrameAncestors, "CSP sources of the sites that may put /embed in an iframe, e.g. \"https://course.example.org https://*.example.edu\"\n(\"*\": any site; \"'self'\": only this server); no site may frame the other pages")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown may take")
	fs.DurationVar(&c.ping, "ping-interval", stream.DefaultPingInterval, "how often a live session pings its page; a page that has not answered by the next ping is dropped (0: never ping)")
	fs.DurationVar(&c.idle, "idle-timeout", stream.DefaultIdleTimeout, "close a live session whose page has sent nothing for this long (0: never)")
	fs.StringVar(&c.hosts, "allowed-hosts", "", "comma-separated Host names the server answers (others get 421), against DNS rebinding;\ndefault: localhost, 127.0.0.1 and ::1 when -addr is a loopback address, any host otherwise")
	fs.StringVar(&c.nats, "nats", "", "NATS server URL (nats://host:4222, with JetStream) that carries classroom rooms between replicas;\nnone: rooms live in this process")
	fs.DurationVar(&c.roomGrace, "room-grace", stream.DefaultRoomGrace, "how long a room waits for its teacher's page to come back before it ends for the students")
	fs.BoolVar(&c.minify, "minify", true, "serve the page's scripts and styles minified; -minify=false serves them as they are in the repo, to read in the browser")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: saddle [flags]\n       saddle healthcheck [-addr host:port]   (exit 0 when /healthz answers ok)\n"+
			"       saddle figure -lesson id [-o figure.html]   (a replay that plays without a server)\n\n"+
			"Saddle serves the loss-landscape explorer, its JSON API and live sessions.\n"+
			"Every flag may also be set by the environment variable shown with it; the command line wins.\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(out, "  -%s %s\n    \t%s\n    \t(env %s; default %q)\n",
				f.Name, name, strings.ReplaceAll(usage, "\n", "\n    \t"), envName(f.Name), f.DefValue)
		})
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q; flags start with -", fs.Args())
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
		}
	})
	if err != nil {
		return c, err
	}
	return c, c.validate()
}

func (c *config) validate() error {
	if c.maxSessions < 1 {
		return fmt.Errorf("-max-sessions must be at least 1, got %d", c.maxSessions)
	}
	bp, err := api.NormalizeBasePath(c.basePath)
	if err != nil {
		return fmt.Errorf("-base-path: %v", err)
	}
	c.basePath = bp
	fa, err := web.ParseFrameAncestors(c.frameAnc)
	if err != nil {
		return fmt.Errorf("-frame-ancestors: %v", err)
	}
	c.frameAnc = fa
	for _, o := range c.originPatterns() {
		if o == "*" {
			return errors.New(`-origins: "*" would let any web page open sessions on this server; list the hosts instead`)
		}
	}
	if _, err := c.level(); err != nil {
		return err
	}
	if c.ping < 0 {
		return fmt.Errorf("-ping-interval must not be negative, got %s", c.ping)
	}
	if c.idle < 0 {
		return fmt.Errorf("-idle-timeout must not be negative, got %s", c.idle)
	}
	if c.nats != "" && !strings.HasPrefix(c.nats, "nats://") && !strings.HasPrefix(c.nats, "tls://") {
		return fmt.Errorf("-nats: want a URL like nats://host:4222, got %q", c.nats)
	}
	if c.roomGrace <= 0 {
		return fmt.Errorf("-room-grace must be above 0, got %s", c.roomGrace)
	}
	for _, h := range c.allowedHosts() {
		if strings.ContainsAny(h, "/ *") {
			return fmt.Errorf("-allowed-hosts: %q is not a host name", h)
		}
	}
	return nil
}

// allowedHosts is -allowed-hosts, or the loopback names when the server
// listens on a loopback address only (a classroom bind, ":8080", answers
// any host unless told otherwise).
func (c *config) allowedHosts() []string {
	var out []string
	for _, h := range strings.Split(c.hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	if len(out) > 0 {
		return out
	}
	host, _, err := net.SplitHostPort(c.addr)
	if err != nil {
		return nil
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return []string{"localhost", "127.0.0.1", "::1"}
	}
	return nil
}

// disabled maps a flag's 0 ("never") to the negative value stream.Options
// reads as never (its 0 means the default).
func disabled(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

func (c *config) originPatterns() []string {
	var out []string
	for _, o := range strings.Split(c.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

func (c *config) level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.logLevel)); err != nil {
		return 0, fmt.Errorf("-log-level: want debug, info, warn or error, got %q", c.logLevel)
	}
	return l, nil
}

// run starts the server and blocks until ctx ends, then shuts down
// gracefully: open sessions get a close frame, requests in flight finish.
// It prints the URL to stdout once the server accepts connections; logs go
// to stdout too.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "healthcheck":
			return ignoreHelp(healthcheck(ctx, args[1:], getenv, stdout))
		case "figure":
			return ignoreHelp(figureCmd(ctx, args[1:], stdout))
		}
	}
	c, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level, _ := c.level()
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))

	grids := landscape.NewGridCache(api.GridCacheEntries) // one cache for the API and the sessions
	var relay stream.Relay
	if c.nats != "" {
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		rl, err := natsrelay.Dial(dctx, c.nats, 24*time.Hour)
		cancel()
		if err != nil {
			return err
		}
		defer rl.Close()
		relay = rl
		log.Info("rooms travel over NATS", "url", c.nats)
	}
	// One pool bounds the heavy routes and the sessions' heavy tasks.
	heavy := budget.New(api.HeavySlots, api.HeavyWaiting, api.HeavyPerClient)
	sessions := stream.New(stream.Options{OriginPatterns: c.originPatterns(), MaxSessions: c.maxSessions, Logger: log, Grids: grids,
		PingInterval: disabled(c.ping), IdleTimeout: disabled(c.idle), Relay: relay, RoomGrace: c.roomGrace, Heavy: heavy})
	srv := &http.Server{
		Handler: api.NewHandler(api.Options{BasePath: c.basePath, FrameAncestors: c.frameAnc, Stream: sessions, Logger: log, Grids: grids,
			AllowedHosts: c.allowedHosts(), StaticSources: !c.minify, Heavy: heavy}),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		// ReadTimeout and WriteTimeout are set per API request by the handler:
		// server-wide ones would cut off the long-lived /ws connections.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Saddle listening on %s\n", displayURL(ln.Addr(), c.basePath))
	fmt.Fprintln(stdout, bindNote(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err // the listener failed
	case <-ctx.Done():
	}
	log.Info("shutting down", slog.Duration("timeout", c.shutdown))
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	// Close frames first, so pages see a clean close; then stop listening
	// and let API requests in flight finish.
	errSessions := sessions.Shutdown(sctx)
	errServer := srv.Shutdown(sctx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return errors.Join(errSessions, errServer)
}

// ignoreHelp is err, but nil for -h (the usage was printed).
func ignoreHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// bindNote says what the listener really accepts: loopback only, or every
// interface (then students on the network can open the page too).
func bindNote(addr net.Addr) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "bound to " + addr.String()
	}
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.IsLoopback():
		return "bound to " + addr.String() + ": this machine only (-addr :8080 serves the network)"
	case host == "" || (ip != nil && ip.IsUnspecified()):
		return "bound to " + addr.String() + ": every network interface, so other machines can connect"
	}
	return "bound to " + addr.String()
}

// displayURL is the URL to open for a listener: an unspecified host
// (":8080", "0.0.0.0") is shown as localhost.
func displayURL(addr net.Addr, basePath string) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + basePath
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + basePath
}
