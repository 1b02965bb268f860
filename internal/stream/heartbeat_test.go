package stream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// waitFor polls cond until it holds; the deadline only guards against a
// hang (it is minutes, far beyond what the work needs on a busy machine).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) anySession() *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ss := range s.sessions {
		return ss
	}
	return nil
}

// A page that vanished without closing (it never reads again, so it never
// answers a ping) loses its slot; one that reads keeps it across pings.
func TestHeartbeat(t *testing.T) {
	t.Run("a vanished peer is dropped", func(t *testing.T) {
		srv, ts := newTestServer(t, Options{PingInterval: 100 * time.Millisecond, IdleTimeout: -1})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, wsURL(ts), nil) // and never read
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		waitFor(t, "the session", func() bool { return srv.Live() == 1 })
		waitFor(t, "the silent page to be dropped", func() bool { return srv.Live() == 0 })
	})
	t.Run("a live page stays", func(t *testing.T) {
		srv, ts := newTestServer(t, Options{PingInterval: time.Second, IdleTimeout: -1})
		dial(t, ts)
		waitFor(t, "the session", func() bool { return srv.anySession() != nil })
		ss := srv.anySession()
		waitFor(t, "three answered pings", func() bool { return ss.pongs.Load() >= 3 })
		if n := srv.Live(); n != 1 {
			t.Errorf("%d live sessions after three pings answered, want 1", n)
		}
	})
}

// A page that sends nothing for IdleTimeout is closed with a reason.
func TestIdleTimeout(t *testing.T) {
	srv, ts := newTestServer(t, Options{PingInterval: -1, IdleTimeout: 200 * time.Millisecond})
	c := dial(t, ts)
	for range c.msgs { // until the server closes
	}
	if st := websocket.CloseStatus(c.end); st != websocket.StatusGoingAway {
		t.Fatalf("closed with %v (%v), want StatusGoingAway", st, c.end)
	}
	if !strings.Contains(c.end.Error(), "idle") {
		t.Errorf("close reason %q does not say idle", c.end)
	}
	waitFor(t, "the slot to be freed", func() bool { return srv.Live() == 0 })
}
