package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/scene"
)

// wire is any message from the server, decoded loosely.
type wire struct {
	Type string `json:"type"`
	Raw  []byte `json:"-"`
	// frame
	T      float64       `json:"t"`
	Points []scene.Point `json:"points"`
	// status
	Run    *int   `json:"run"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	K      *int   `json:"k"`
	// error
	Error string `json:"error"`
	Field string `json:"field"`
	// landscape
	X       [2]float64 `json:"x"`
	Y       [2]float64 `json:"y"`
	NX      int        `json:"nx"`
	NY      int        `json:"ny"`
	Values  []float64  `json:"values"`
	Min     float64    `json:"min"`
	Max     float64    `json:"max"`
	Partial bool       `json:"partial"`
	// scene
	Runs []runInfo `json:"runs"`
	// geometry
	Eigenvalues  []float64   `json:"eigenvalues"`
	Eigenvectors [][]float64 `json:"eigenvectors"`
	Condition    float64     `json:"condition"`
}

var analysisTypes = map[string]bool{"dataset": true, "regions": true, "spectrum": true, "interpolation": true, "fidelity": true, "sharpness": true}

type client struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan wire // filled by pump
	end  error     // why the pump stopped; set before msgs is closed
}

func newTestServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	srv := New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
	})
	return srv, ts
}

func wsURL(ts *httptest.Server) string { return "ws" + strings.TrimPrefix(ts.URL, "http") }

func dial(t *testing.T, ts *httptest.Server) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(ts), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.SetReadLimit(16 << 20)
	t.Cleanup(func() { c.CloseNow() })
	cl := &client{t: t, conn: c, msgs: make(chan wire, 64)}
	go cl.pump()
	return cl
}

// pump reads every message into c.msgs (a read cancelled by a timeout
// would close the connection, so reads never time out; tests time out on
// the channel instead).
func (c *client) pump() {
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.end = err
			close(c.msgs)
			return
		}
		var m wire
		if err := json.Unmarshal(b, &m); err != nil {
			// The analysis messages reuse names with other types ("t",
			// "k", "points"): tests decode their Raw bytes themselves.
			var head bareMsg
			if json.Unmarshal(b, &head) != nil || !analysisTypes[head.Type] {
				c.t.Errorf("server sent bad JSON: %v: %.200s", err, b)
			}
			m = wire{Type: head.Type}
		}
		m.Raw = b
		if (m.Type == "frame" || m.Type == "landscape") && bytes.Contains(b, []byte("null")) ||
			bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
			c.t.Errorf("non-finite value or null on the wire: %.300s", b)
		}
		c.msgs <- m
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			c.t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("send %s: %v", b, err)
	}
}

var errTimeout = errors.New("no message in time")

// read returns the next message, or errTimeout, or the error that ended
// the connection.
func (c *client) read(d time.Duration) (wire, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			return wire{}, c.end
		}
		return m, nil
	case <-t.C:
		return wire{}, errTimeout
	}
}

// hangGuard turns d, how long a wait takes at most on an idle machine, into
// how long a test waits before it gives up: tests wait on messages, never on
// the clock, so the guard only turns a hang into a failure, and is far past
// what a loaded 2-core machine under the race detector needs.
func hangGuard(d time.Duration) time.Duration { return max(20*d, 2*time.Minute) }

// until reads messages until pred holds for one, returning all read; d is
// the wait's length on an idle machine (it gives up after hangGuard(d)).
func (c *client) until(d time.Duration, what string, pred func(wire) bool) []wire {
	c.t.Helper()
	deadline := time.Now().Add(hangGuard(d))
	var got []wire
	for {
		left := time.Until(deadline)
		if left <= 0 {
			c.t.Fatalf("timed out waiting for %s; read %d messages", what, len(got))
		}
		m, err := c.read(left)
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", what, err)
		}
		got = append(got, m)
		if pred(m) {
			return got
		}
	}
}

// untilAll reads messages until each of preds has held for one, in any
// order (a landscape is computed beside the runs, so it may come before or
// after the first frames and statuses), returning all read.
func (c *client) untilAll(d time.Duration, what string, preds ...func(wire) bool) []wire {
	c.t.Helper()
	seen := make([]bool, len(preds))
	left := len(preds)
	return c.until(d, what, func(m wire) bool {
		for i, p := range preds {
			if !seen[i] && p(m) {
				seen[i] = true
				left--
			}
		}
		return left == 0
	})
}

func isType(typ string) func(wire) bool { return func(m wire) bool { return m.Type == typ } }

// isFinalLandscape is a landscape that is not a coarse pass (a grid that
// looks slow, as any may on a loaded machine, sends one first).
func isFinalLandscape(m wire) bool { return m.Type == "landscape" && !m.Partial }

func isSession(status string) func(wire) bool {
	return func(m wire) bool {
		return m.Type == "status" && m.Run != nil && *m.Run == sessionWide && m.Status == status
	}
}

// lastK is the k of run's last point among ms, or -1.
func lastK(ms []wire, run int) int {
	k := -1
	for _, m := range ms {
		for _, p := range m.Points {
			if p.Run == run {
				k = p.K
			}
		}
	}
	return k
}

func startMsgOf(req scene.Request, extra map[string]any) map[string]any {
	m := map[string]any{"type": "start", "objective": req.Objective, "runs": req.Runs, "seed": req.Seed}
	if req.Start != nil {
		m["start"] = req.Start
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var smallView = map[string]any{"x": []float64{-3, 3}, "y": []float64{-3, 3}, "nx": 16, "ny": 16}

// slowPage starts a server whose waiting frames hold at most perRun points
// per run, with small socket buffers on both sides, and dials one page that
// reads only when its test pumps it (c.pump): a page that falls behind.
func slowPage(t *testing.T, perRun int) (*Server, *client) {
	t.Helper()
	srv := New(Options{MaxPendingPerRun: perRun})
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(func() { srv.Shutdown(context.Background()); ts.Close() })
	conn, _, err := websocket.Dial(context.Background(), wsURL(ts), &websocket.DialOptions{HTTPClient: &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				c.(*net.TCPConn).SetReadBuffer(32 << 10)
			}
			return c, err
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(16 << 20)
	return srv, &client{t: t, conn: conn, msgs: make(chan wire, 64)}
}
