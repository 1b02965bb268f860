package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var urlLine = regexp.MustCompile(`Saddle listening on (http://\S+)`)

// start runs the server until the test ends and returns its URL.
func start(t *testing.T, args []string, getenv func(string) string) (url string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, out) }()
	const hangGuard = 2 * time.Minute // waits are on events; this only stops a hang
	deadline := time.Now().Add(hangGuard)
	for url == "" {
		if m := urlLine.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run returned %v before serving; output:\n%s", err, out)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no URL printed in %v; output:\n%s", hangGuard, out)
		}
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(hangGuard + 3*time.Minute): // past any -shutdown-timeout a test gives
			t.Fatal("run did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return url, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesAndShutsDown(t *testing.T) {
	url, stop := start(t, []string{"-addr", "127.0.0.1:0"}, env(nil))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Errorf("printed URL %q, want the real port on 127.0.0.1", url)
	}
	if code, body := get(t, url+"/healthz"); code != 200 || body != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", code, body)
	}
	if code, _ := get(t, url+"/api/objectives"); code != 200 {
		t.Errorf("GET /api/objectives = %d, want 200", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("run after cancel = %v, want nil (a clean shutdown)", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestRunFromEnvironment(t *testing.T) {
	url, _ := start(t, nil, env(map[string]string{"SADDLE_ADDR": "127.0.0.1:0", "SADDLE_BASE_PATH": "/saddle"}))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/saddle") {
		t.Fatalf("printed URL %q, want 127.0.0.1 (SADDLE_ADDR) under /saddle (SADDLE_BASE_PATH)", url)
	}
	if code, body := get(t, url+"/healthz"); code != 200 || body != "ok" {
		t.Errorf("GET %s/healthz = %d %q", url, code, body)
	}
}

func TestRunFailsOnBusyAddress(t *testing.T) {
	url, _ := start(t, []string{"-addr", "127.0.0.1:0"}, env(nil))
	addr := strings.TrimPrefix(url, "http://")
	err := run(context.Background(), []string{"-addr", addr}, env(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("a second server on %s: %v, want 'address already in use'", addr, err)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr string
	}{
		{name: "defaults", want: config{addr: ":8080", maxSessions: 500, frameAnc: "*", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: true, roomGrace: time.Minute}},
		{name: "env", env: map[string]string{"SADDLE_ADDR": ":9090", "SADDLE_MAX_SESSIONS": "7", "SADDLE_ORIGINS": "a.example, b.example",
			"SADDLE_BASE_PATH": "saddle/", "SADDLE_LOG_LEVEL": "debug", "SADDLE_SHUTDOWN_TIMEOUT": "3s",
			"SADDLE_FRAME_ANCESTORS": "https://course.example.org,  https://*.example.edu"},
			want: config{addr: ":9090", maxSessions: 7, origins: "a.example, b.example", basePath: "/saddle", frameAnc: "https://course.example.org https://*.example.edu", logLevel: "debug", shutdown: 3 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: true, roomGrace: time.Minute}},
		{name: "flags win over env", args: []string{"-addr", ":7070", "-max-sessions", "9"}, env: map[string]string{"SADDLE_ADDR": ":9090", "SADDLE_MAX_SESSIONS": "7"},
			want: config{addr: ":7070", maxSessions: 9, frameAnc: "*", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: true, roomGrace: time.Minute}},
		{name: "frame ancestors flag", args: []string{"-frame-ancestors", "'self'"}, env: map[string]string{"SADDLE_FRAME_ANCESTORS": "*"},
			want: config{addr: ":8080", maxSessions: 500, frameAnc: "'self'", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: true, roomGrace: time.Minute}},
		{name: "sources unminified", args: []string{"-minify=false"},
			want: config{addr: ":8080", maxSessions: 500, frameAnc: "*", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: false, roomGrace: time.Minute}},
		{name: "sources unminified by env", env: map[string]string{"SADDLE_MINIFY": "false"},
			want: config{addr: ":8080", maxSessions: 500, frameAnc: "*", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, minify: false, roomGrace: time.Minute}},
		{name: "frame ancestors that would break the policy", args: []string{"-frame-ancestors", "a.example; script-src *"}, wantErr: "frame-ancestors"},
		{name: "frame ancestors 'none' with others", args: []string{"-frame-ancestors", "'none' a.example"}, wantErr: "frame-ancestors"},
		{name: "bad env value", env: map[string]string{"SADDLE_MAX_SESSIONS": "many"}, wantErr: "SADDLE_MAX_SESSIONS"},
		{name: "no sessions", args: []string{"-max-sessions", "0"}, wantErr: "max-sessions"},
		{name: "any origin refused", args: []string{"-origins", "a.example,*"}, wantErr: `"*"`},
		{name: "bad log level", args: []string{"-log-level", "loud"}, wantErr: "log-level"},
		{name: "bad base path", args: []string{"-base-path", "/a?b"}, wantErr: "base-path"},
		{name: "stray argument", args: []string{"8080"}, wantErr: "unexpected"},
		{name: "unknown flag", args: []string{"-port", "1"}, wantErr: "-port"},
		{name: "nats from SADDLE_NATS_URL", env: map[string]string{"SADDLE_NATS_URL": "nats://10.0.0.5:4222"},
			want: config{addr: ":8080", maxSessions: 500, frameAnc: "*", logLevel: "info", shutdown: 10 * time.Second, ping: 20 * time.Second, idle: time.Hour, roomGrace: time.Minute, nats: "nats://10.0.0.5:4222", minify: true}},
		{name: "nats not a URL", args: []string{"-nats", "localhost:4222"}, wantErr: "-nats"},
		{name: "no room grace", args: []string{"-room-grace", "0s"}, wantErr: "-room-grace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, env(nil), &out); err != nil {
		t.Fatalf("run -h = %v, want nil", err)
	}
	for _, want := range []string{"-addr", "SADDLE_ADDR", "-origins", "SADDLE_ORIGINS", "-max-sessions", "SADDLE_MAX_SESSIONS",
		"-base-path", "SADDLE_BASE_PATH", "-frame-ancestors", "SADDLE_FRAME_ANCESTORS", "-log-level", "SADDLE_LOG_LEVEL", "-shutdown-timeout", "SADDLE_SHUTDOWN_TIMEOUT", `":8080"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDisplayURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080": "http://localhost:8080", "0.0.0.0:80": "http://localhost:80",
		"127.0.0.1:9090": "http://127.0.0.1:9090", "[::1]:9090": "http://[::1]:9090",
	} {
		a, err := netAddr(addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := displayURL(a, ""); got != want {
			t.Errorf("displayURL(%s) = %s, want %s", addr, got, want)
		}
	}
}

func netAddr(s string) (net.Addr, error) { return net.ResolveTCPAddr("tcp", s) }

func TestShutdownSendsCloseFrames(t *testing.T) {
	// The grace period is long, so that a shutdown that waits for the
	// session instead of closing it is told apart from a slow machine.
	const grace = 2 * time.Minute
	url, stop := start(t, []string{"-addr", "127.0.0.1:0", "-shutdown-timeout", grace.String()}, env(nil))
	ctx, cancel := context.WithTimeout(context.Background(), 2*grace)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/ws", nil)
	if err != nil {
		t.Fatalf("dial /ws: %v", err)
	}
	defer conn.CloseNow()
	start := `{"type": "start", "objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}]}`
	if err := conn.Write(ctx, websocket.MessageText, []byte(start)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := conn.Read(ctx); err != nil {
		t.Fatalf("no message after start: %v", err)
	}
	// Read as a page does, so the close handshake can complete.
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	began := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("run after cancel = %v, want nil", err)
	}
	if d := time.Since(began); d >= grace {
		t.Errorf("shutdown took %v with one reading session: it waited out its grace period", d)
	}
	err = <-closed
	if st := websocket.CloseStatus(err); st != websocket.StatusGoingAway {
		t.Fatalf("the session ended with %v (status %v), want a close frame with StatusGoingAway", err, st)
	}
}

// A server bound to loopback answers only loopback names (a rebinding
// page's Host is its own); -allowed-hosts names others; a network bind
// answers any host.
func TestAllowedHosts(t *testing.T) {
	get := func(t *testing.T, url, host string) int {
		t.Helper()
		req, err := http.NewRequest("GET", url+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	tests := []struct {
		name  string
		args  []string
		host  string
		want  int
		using string
	}{
		{"loopback name on a loopback bind", []string{"-addr", "127.0.0.1:0"}, "localhost:8080", 200, ""},
		{"a foreign name on a loopback bind", []string{"-addr", "127.0.0.1:0"}, "evil.example:8080", 421, ""},
		{"a listed name", []string{"-addr", "127.0.0.1:0", "-allowed-hosts", "saddle.lan"}, "saddle.lan", 200, ""},
		{"an unlisted name when a list is given", []string{"-addr", "127.0.0.1:0", "-allowed-hosts", "saddle.lan"}, "localhost", 421, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, stop := start(t, tt.args, env(nil))
			defer stop()
			if got := get(t, url, tt.host); got != tt.want {
				t.Errorf("Host %q: %d, want %d", tt.host, got, tt.want)
			}
		})
	}
	c, err := parseConfig([]string{"-addr", ":0"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if h := c.allowedHosts(); h != nil {
		t.Errorf("a network bind allows only %q, want any host", h)
	}
}

func TestHeartbeatFlags(t *testing.T) {
	for _, bad := range [][]string{{"-ping-interval", "-1s"}, {"-idle-timeout", "-5m"}, {"-allowed-hosts", "a.example/x"}} {
		if _, err := parseConfig(bad, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%q: %v, want an error naming %s", bad, err, bad[0])
		}
	}
	c, err := parseConfig([]string{"-ping-interval", "0"}, env(map[string]string{"SADDLE_IDLE_TIMEOUT": "2h"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if disabled(c.ping) >= 0 || c.idle != 2*time.Hour {
		t.Errorf("ping %s idle %s, want never and 2h", c.ping, c.idle)
	}
}

func TestBindNote(t *testing.T) {
	for addr, want := range map[string]string{"127.0.0.1:8080": "this machine only", "[::]:8080": "every network interface", "0.0.0.0:8080": "every network interface"} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := bindNote(a); !strings.Contains(got, want) {
			t.Errorf("bindNote(%s) = %q, want it to say %q", addr, got, want)
		}
	}
}
