package natsrelay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/natsrelay/natstest"
	"github.com/saddle-viz/saddle/internal/stream"
)

type point struct {
	Run  int       `json:"run"`
	K    int       `json:"k"`
	XY   []float64 `json:"xy"`
	Loss float64   `json:"loss"`
}

type msg struct {
	Type      string  `json:"type"`
	Points    []point `json:"points"`
	Code      string  `json:"code"`
	Role      string  `json:"role"`
	Token     string  `json:"token"`
	Followers int     `json:"followers"`
	State     string  `json:"state"`
	Reason    string  `json:"reason"`
	Field     string  `json:"field"`
	Error     string  `json:"error"`
}

type page struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan msg
}

func dial(t *testing.T, ts *httptest.Server) *page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(32 << 20)
	t.Cleanup(func() { c.CloseNow() })
	p := &page{t: t, conn: c, msgs: make(chan msg, 256)}
	go func() {
		defer close(p.msgs)
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var m msg
			json.Unmarshal(b, &m)
			p.msgs <- m
		}
	}()
	return p
}

func (p *page) send(s string) {
	p.t.Helper()
	if err := p.conn.Write(context.Background(), websocket.MessageText, []byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// until reads until pred holds; the guard only turns a hang into a failure.
func (p *page) until(what string, pred func(msg) bool) []msg {
	p.t.Helper()
	guard := time.NewTimer(2 * time.Minute)
	defer guard.Stop()
	var got []msg
	for {
		select {
		case m, ok := <-p.msgs:
			if !ok {
				p.t.Fatalf("waiting for %s: the connection ended", what)
			}
			got = append(got, m)
			if testing.Verbose() {
				p.t.Logf("%s: %s %s %s %d pts", what, m.Type, m.Field, m.Error, len(m.Points))
			}
			if pred(m) {
				return got
			}
		case <-guard.C:
			p.t.Fatalf("waiting for %s: nothing in time", what)
		}
	}
}

func reaches(run, k int) func(msg) bool {
	return func(m msg) bool {
		for _, p := range m.Points {
			if p.Run == run && p.K >= k {
				return true
			}
		}
		return false
	}
}

func byK(ms []msg, run int) map[int]point {
	out := map[int]point{}
	for _, m := range ms {
		for _, p := range m.Points {
			if p.Run == run {
				out[p.K] = p
			}
		}
	}
	return out
}

// replica is one Saddle handler with its own live-session server on the
// shared NATS server.
func replica(t *testing.T, url string) *httptest.Server {
	t.Helper()
	return replicaOn(t, url, func(rl *Relay) stream.Relay { return rl })
}

// replicaOn is replica with the relay the server uses made from the real one.
func replicaOn(t *testing.T, url string, wrap func(*Relay) stream.Relay) *httptest.Server {
	t.Helper()
	rl, err := Dial(context.Background(), url, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sessions := stream.New(stream.Options{Relay: wrap(rl)})
	ts := httptest.NewServer(api.NewHandler(api.Options{Stream: sessions}))
	t.Cleanup(func() {
		sessions.Shutdown(context.Background())
		ts.Close()
		rl.Close()
	})
	return ts
}

const scene = `{"type":"start","objective":{"id":"quadratic"},"start":[-2.5,1.5],"seed":3,"paused":true,
	"view":{"x":[-3,3],"y":[-3,3],"nx":16,"ny":16},
	"runs":[{"optimizer":"gd","hyper":{"lr":0.01}},{"optimizer":"momentum"}]}`

// TestRoomAcrossReplicas: a student on replica B follows a teacher on
// replica A, point for point: a late join (the state from the directory),
// steps, a hyperparameter change; the teacher sees B's student in its
// count; the student forks on B at the teacher's step and follows again;
// the teacher's room_close ends it on B.
func TestRoomAcrossReplicas(t *testing.T) {
	url := natstest.Start(t)
	a, b := replica(t, url), replica(t, url)

	teacher := dial(t, a)
	teacher.send(`{"type":"room_open"}`)
	opened := teacher.until("the room", func(m msg) bool { return m.Type == "room" && m.Token != "" })
	code := opened[len(opened)-1].Code
	teacher.send(scene)
	teacher.send(`{"type":"step","n":20}`)
	seen := teacher.until("the teacher's step 20", reaches(0, 20))

	// The join link works on either replica.
	res, err := (&httptestClient{}).head(b.URL + "/r/" + code)
	if err != nil || res != 303 {
		t.Errorf("GET /r/%s on replica B: %d %v, want 303", code, res, err)
	}

	student := dial(t, b)
	student.send(`{"type":"room_join","code":"` + code + `"}`)
	got := student.until("the path so far on B", reaches(0, 20))
	want := byK(seen, 0)
	for k := 0; k <= 20; k++ {
		p, ok := byK(got, 0)[k]
		if !ok || p.XY[0] != want[k].XY[0] || p.XY[1] != want[k].XY[1] {
			t.Fatalf("B's point at k=%d is %+v, the teacher's %+v", k, p, want[k])
		}
	}
	teacher.until("B's student in the count", func(m msg) bool { return m.Type == "room" && m.Followers == 1 })

	teacher.send(`{"type":"set","run":0,"hyper":{"lr":0.04}}`)
	teacher.send(`{"type":"step","n":15}`)
	seen = append(seen, teacher.until("the teacher's step 35", reaches(0, 35))...)
	got = student.until("step 35 on B", reaches(0, 35))
	want = byK(seen, 0)
	for k, p := range byK(got, 0) {
		if w := want[k]; p.XY[0] != w.XY[0] || p.XY[1] != w.XY[1] {
			t.Fatalf("B's point at k=%d is %v, the teacher's %v", k, p.XY, w.XY)
		}
	}

	// A student on B cannot drive the teacher's room either.
	student.send(`{"type":"resume"}`)
	if e := student.until("the refusal", func(m msg) bool { return m.Type == "error" }); e[len(e)-1].Field != "type" {
		t.Errorf("a follower's resume: %+v", e[len(e)-1])
	}

	// Fork on B: the replay reaches the teacher's points, the change included.
	student.send(`{"type":"fork"}`)
	got = student.until("the fork at 35", reaches(0, 35))
	fork := byK(got, 0)
	for _, k := range []int{25, 35} {
		if p, w := fork[k], want[k]; p.XY == nil || p.XY[0] != w.XY[0] || p.XY[1] != w.XY[1] {
			t.Errorf("the fork's point at k=%d is %v, the teacher's %v", k, p.XY, w.XY)
		}
	}
	student.send(`{"type":"follow"}`)
	teacher.send(`{"type":"step","n":1}`)
	student.until("step 36 on B, following again", reaches(0, 36))

	teacher.send(`{"type":"room_close"}`)
	end := student.until("the room's end on B", func(m msg) bool { return m.Type == "room" && m.State == "closed" })
	if r := end[len(end)-1]; !strings.Contains(r.Reason, "closed") {
		t.Errorf("the end's reason on B: %q", r.Reason)
	}
	student.send(`{"type":"room_join","code":"` + code + `"}`)
	student.until("an ended room refused on B", func(m msg) bool { return m.Type == "error" && m.Field == "code" })
}

// endAfterDelete is a relay that checks, as a room's end is published,
// that the directory no longer holds the room.
type endAfterDelete struct {
	*Relay
	ends, early atomic.Int32
}

func (r *endAfterDelete) Publish(subject string, data []byte) error {
	if code, ok := strings.CutPrefix(subject, "saddle.room."); ok && !strings.Contains(code, ".") && bytes.Contains(data, []byte(`"state":"closed"`)) {
		r.ends.Add(1)
		if _, err := r.Get(code); !errors.Is(err, stream.ErrNoRoom) {
			r.early.Add(1)
		}
	}
	return r.Relay.Publish(subject, data)
}

// TestRoomEndsAfterLeavingTheDirectory: the driver's replica removes a
// closed room from the directory before it tells the other replicas the
// room ended; in the other order a student on replica B who reads the end
// and joins again at once is let into a room that is gone (CI saw it: the
// refusal never came).
func TestRoomEndsAfterLeavingTheDirectory(t *testing.T) {
	url := natstest.Start(t)
	var rl *endAfterDelete
	a := replicaOn(t, url, func(r *Relay) stream.Relay { rl = &endAfterDelete{Relay: r}; return rl })
	teacher := dial(t, a)
	teacher.send(`{"type":"room_open"}`)
	teacher.until("the room", func(m msg) bool { return m.Type == "room" && m.Token != "" })
	teacher.send(scene)
	teacher.send(`{"type":"step","n":3}`)
	teacher.until("step 3", reaches(0, 3))
	teacher.send(`{"type":"room_close"}`)
	teacher.until("the room's end", func(m msg) bool { return m.Type == "room" && m.State == "closed" })
	if n := rl.ends.Load(); n != 1 {
		t.Fatalf("the room's end was published %d times, want once", n)
	}
	if rl.early.Load() != 0 {
		t.Error("the room's end was published while the directory still held the room")
	}
}

type httptestClient struct{}

// head GETs url without following redirects and returns the status.
func (httptestClient) head(url string) (int, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}
