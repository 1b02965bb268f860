package stream

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// A write that cannot finish (the page stopped reading and the socket's
// buffers are full) drops the page after WriteTimeout: the server's write
// watch, not a timer per write, bounds it. Pings and the idle limit are
// off, so nothing else would drop it.
func TestWriteWatchDropsAStuckPage(t *testing.T) {
	srv, ts := newTestServer(t, Options{PingInterval: -1, IdleTimeout: -1, WriteTimeout: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(ts), nil) // and never read
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(s string) {
		if err := c.Write(context.Background(), websocket.MessageText, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	// Landscapes of 512² (about 4.7 MB each) until the socket is full.
	send(`{"type":"start","objective":{"id":"rosenbrock"},"start":[-1.2,1],"paused":true,` +
		`"view":{"x":[-2,2],"y":[-1,3],"nx":512,"ny":512},"runs":[{"optimizer":"gd","hyper":{"lr":0.001}}]}`)
	waitFor(t, "the session", func() bool { return srv.Live() == 1 })
	encoded := func() int { srv.encoded.mu.Lock(); defer srv.encoded.mu.Unlock(); return srv.encoded.encoded }
	writing := func() bool { ss := srv.anySession(); return ss != nil && ss.writing.Load() != 0 }
	for i := 0; srv.Live() == 1; i++ {
		if writing() {
			break // a write is under way; whether it ends is the watch's to decide
		}
		// Each view once the last one's landscape is encoded (and so queued):
		// a new view cancels a landscape still being computed, and one every
		// few milliseconds could cancel them all on a slow machine.
		n := encoded()
		send(fmt.Sprintf(`{"type":"view","x":[-2,%d],"y":[-1,3],"nx":512,"ny":512}`, 3+i))
		waitFor(t, "the view's landscape", func() bool { return encoded() > n || writing() || srv.Live() == 0 })
	}
	waitFor(t, "the stuck page to be dropped", func() bool { return srv.Live() == 0 })
}

// The frame clock runs while sessions play at frame rate and stops with
// the last listener.
func TestFrameClockStopsWithItsLastListener(t *testing.T) {
	var c clock
	a, b := make(chan time.Time, 1), make(chan time.Time, 1)
	c.listen(a)
	c.listen(b)
	<-a
	<-b
	c.leave(a)
	<-b
	c.mu.Lock()
	running := c.stop != nil
	c.mu.Unlock()
	if !running {
		t.Fatal("the clock stopped with a listener left")
	}
	c.leave(b)
	c.leave(b) // twice is harmless
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil || len(c.phase) != 0 {
		t.Fatal("the clock runs with no listener")
	}
}
