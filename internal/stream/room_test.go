package stream

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/scene"
)

type roomWire struct {
	Code      string `json:"code"`
	Role      string `json:"role"`
	Token     string `json:"token"`
	Followers int    `json:"followers"`
	State     string `json:"state"`
	Reason    string `json:"reason"`
}

func isRoom(pred func(roomWire) bool) func(wire) bool {
	return func(m wire) bool {
		if m.Type != "room" {
			return false
		}
		var r roomWire
		if decodeRawOK(m, &r) != nil {
			return false
		}
		return pred(r)
	}
}

func lastRoom(t *testing.T, ms []wire) roomWire {
	t.Helper()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Type == "room" {
			return decodeRaw[roomWire](t, ms[i])
		}
	}
	t.Fatal("no room message")
	return roomWire{}
}

// points collects run's points by k among ms.
func pointsByK(ms []wire, run int) map[int]scene.Point {
	out := map[int]scene.Point{}
	for _, m := range ms {
		if m.Type != "frame" {
			continue
		}
		for _, p := range m.Points {
			if p.Run == run {
				out[p.K] = p
			}
		}
	}
	return out
}

func reachesK(run, k int) func(wire) bool {
	return func(m wire) bool { return m.Type == "frame" && lastK([]wire{m}, run) >= k }
}

func isErrorOn(field string) func(wire) bool {
	return func(m wire) bool { return m.Type == "error" && m.Field == field }
}

// openRoom has c open a room and returns its code and token.
func openRoom(t *testing.T, c *client) (code, token string) {
	t.Helper()
	c.send(map[string]any{"type": "room_open"})
	r := lastRoom(t, c.until(5*time.Second, "the room's code", isRoom(func(r roomWire) bool { return r.Role == "driver" })))
	if r.Token == "" || r.State != "live" {
		t.Fatalf("room_open answered %+v: want a token and state live", r)
	}
	if _, err := ParseRoomCode("code", r.Code); err != nil {
		t.Fatalf("the room's code %q does not parse: %v", r.Code, err)
	}
	return r.Code, r.Token
}

// TestRoomFollow: a student joining late gets the teacher's path so far,
// then follows steps and a hyperparameter change point for point; its
// attempt to drive is refused and changes nothing; it forks at the
// teacher's step (a replay that passes through the teacher's points,
// the live change included), explores alone, and follows again in step.
func TestRoomFollow(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	teacher := dial(t, ts)
	code, _ := openRoom(t, teacher)
	req := quadraticScene(gd(0.01), scene.RunSpec{Optimizer: "momentum"})
	teacher.send(startMsgOf(req, map[string]any{"paused": true, "view": smallView}))
	teacher.send(map[string]any{"type": "step", "n": 30})
	seen := teacher.until(5*time.Second, "the teacher's step 30", reachesK(0, 30))

	student := dial(t, ts)
	student.send(map[string]any{"type": "room_join", "code": strings.ToLower(strings.ReplaceAll(code, "-", ""))})
	got := student.untilAll(5*time.Second, "the room's state", isType("scene"), isType("landscape"), reachesK(0, 30), reachesK(1, 30))
	if r := lastRoom(t, got); r.Role != "follower" || r.Code != code || r.Token != "" {
		t.Errorf("the student's room message %+v: want role follower, code %s, no token", r, code)
	}
	// The catch-up is one frame with the path so far, not the history.
	frames := 0
	for _, m := range got {
		if m.Type == "frame" {
			frames++
		}
	}
	if frames != 1 {
		t.Errorf("a late joiner got %d frames for the path so far, want 1", frames)
	}
	want := pointsByK(seen, 0)
	for k, p := range pointsByK(got, 0) {
		if w, ok := want[k]; !ok || w.XY[0] != p.XY[0] || w.XY[1] != p.XY[1] || w.Loss != p.Loss {
			t.Fatalf("joiner's point at k=%d is %v, the teacher's %v", k, p.XY, w.XY)
		}
	}
	if n := len(pointsByK(got, 0)); n != 31 {
		t.Errorf("joiner got %d points of run 0, want 31 (k = 0..30)", n)
	}

	// The teacher changes a learning rate and steps on: the student follows.
	teacher.send(map[string]any{"type": "set", "run": 0, "hyper": map[string]any{"lr": 0.05}})
	teacher.send(map[string]any{"type": "step", "n": 10})
	seen = append(seen, teacher.until(5*time.Second, "the teacher's step 40", reachesK(0, 40))...)
	got = student.until(5*time.Second, "the student's step 40", reachesK(0, 40))
	sawSet := false
	for _, m := range got {
		if m.Type == "scene" && len(m.Runs) > 0 && m.Runs[0].Hyper["lr"] == 0.05 {
			sawSet = true
		}
	}
	if !sawSet {
		t.Error("the student did not get the scene with the teacher's new learning rate")
	}
	want = pointsByK(seen, 0)
	for k, p := range pointsByK(got, 0) {
		if w := want[k]; w.XY[0] != p.XY[0] || w.XY[1] != p.XY[1] {
			t.Fatalf("student's point at k=%d is %v, the teacher's %v", k, p.XY, w.XY)
		}
	}

	// A student cannot drive, whatever it sends; the room carries on.
	for _, m := range []map[string]any{{"type": "resume"}, {"type": "step", "n": 5}, {"type": "reset"},
		startMsgOf(req, nil), {"type": "room_state", "q": "obj=rosenbrock"}, {"type": "room_close"}} {
		student.send(m)
		e := student.until(5*time.Second, "an error for a follower's "+m["type"].(string), isType("error"))
		if msg := e[len(e)-1]; msg.Field != "type" {
			t.Errorf("a follower's %v: error on %q (%s), want field type", m["type"], msg.Field, msg.Error)
		}
	}
	teacher.send(map[string]any{"type": "step", "n": 1})
	for _, m := range teacher.until(5*time.Second, "the teacher's step 41", reachesK(0, 41)) {
		if m.Type == "status" && m.Run != nil && *m.Run == sessionWide && m.Status == "running" {
			t.Error("a follower's resume played the teacher's session")
		}
	}
	got = student.until(5*time.Second, "the student's step 41", reachesK(0, 41))
	if k := lastK(got, 0); k != 41 {
		t.Errorf("after a follower's step 5 and reset, the room is at k=%d, want the teacher's 41", k)
	}
	teacher.until(5*time.Second, "the follower count", isRoom(func(r roomWire) bool { return r.Followers == 1 }))

	// Fork: the student's own session, at the teacher's step.
	student.send(map[string]any{"type": "fork"})
	got = student.until(10*time.Second, "the fork's step 41", reachesK(0, 41))
	if r := lastRoom(t, got); r.Role != "forked" {
		t.Errorf("fork answered %+v, want role forked", r)
	}
	fork := pointsByK(got, 0)
	want = pointsByK(seen, 0) // the teacher's, to k = 40
	for _, k := range []int{29, 31, 40} {
		p, ok := fork[k]
		if !ok {
			t.Fatalf("the fork's replay has no point at k=%d", k)
		}
		if w := want[k]; w.XY[0] != p.XY[0] || w.XY[1] != p.XY[1] {
			t.Errorf("the fork's point at k=%d is %v, the teacher's %v: the replay lost the live change", k, p.XY, w.XY)
		}
	}
	// It drives itself now: the teacher's room is untouched.
	student.send(map[string]any{"type": "step", "n": 5})
	student.until(5*time.Second, "the fork's own step 46", reachesK(0, 46))
	teacher.send(map[string]any{"type": "step", "n": 1})
	teacher.until(5*time.Second, "the teacher's step 42", reachesK(0, 42))

	// Follow again: back at the teacher's step at once.
	student.send(map[string]any{"type": "follow"})
	got = student.until(5*time.Second, "the room's step 42", reachesK(0, 42))
	if k := lastK(got, 0); k != 42 {
		t.Errorf("following again, the student is at k=%d, want the teacher's 42", k)
	}
	if r := lastRoom(t, got); r.Role != "follower" {
		t.Errorf("follow answered %+v, want role follower", r)
	}

	// Closing the room ends it for the student with a reason.
	teacher.send(map[string]any{"type": "room_close"})
	got = student.until(5*time.Second, "the room's end", isRoom(func(r roomWire) bool { return r.State == "closed" }))
	if r := lastRoom(t, got); !strings.Contains(r.Reason, "closed") {
		t.Errorf("the closed room's reason is %q", r.Reason)
	}
	// The student's session is its own again.
	student.send(startMsgOf(req, map[string]any{"paused": true, "view": smallView}))
	student.until(5*time.Second, "the student's own scene", isType("scene"))
	student.send(map[string]any{"type": "room_join", "code": code})
	student.until(5*time.Second, "an error for a closed room", isErrorOn("code"))
}

// TestRoomTeacherAway: a teacher's page that goes leaves the room waiting;
// it takes it back with its token; gone for the grace period, the room
// ends for its students.
func TestRoomTeacherAway(t *testing.T) {
	srv, ts := newTestServer(t, Options{RoomGrace: time.Hour})
	teacher := dial(t, ts)
	code, token := openRoom(t, teacher)
	teacher.send(startMsgOf(quadraticScene(gd(0.01)), map[string]any{"paused": true, "view": smallView}))
	student := dial(t, ts)
	student.send(map[string]any{"type": "room_join", "code": code})
	student.until(5*time.Second, "the scene", isType("scene"))
	teacher.conn.Close(websocket.StatusNormalClosure, "")
	student.until(5*time.Second, "teacher away", isRoom(func(r roomWire) bool { return r.State == "teacher_away" }))

	again := dial(t, ts)
	again.send(map[string]any{"type": "room_open", "code": code, "token": "not-it"})
	again.until(5*time.Second, "a wrong token's error", isErrorOn("token"))
	again.send(map[string]any{"type": "room_open", "code": code, "token": token})
	again.until(5*time.Second, "the room back", isRoom(func(r roomWire) bool { return r.Role == "driver" && r.State == "live" }))
	student.until(5*time.Second, "the room live again", isRoom(func(r roomWire) bool { return r.State == "live" }))
	// The page starts its scene again, as it does on every connection.
	again.send(startMsgOf(quadraticScene(gd(0.01)), map[string]any{"paused": true, "view": smallView}))
	again.send(map[string]any{"type": "step", "n": 3})
	student.until(5*time.Second, "the returned teacher's steps", reachesK(0, 3))

	// Away past the grace: the room ends.
	srv.rooms.grace = time.Millisecond
	again.conn.Close(websocket.StatusNormalClosure, "")
	got := student.until(5*time.Second, "the room's end", isRoom(func(r roomWire) bool { return r.State == "closed" }))
	if r := lastRoom(t, got); !strings.Contains(r.Reason, "teacher left") {
		t.Errorf("reason %q", r.Reason)
	}
}

// TestRoomBadInput: every room message refused with an error naming the
// field; the session carries on.
func TestRoomBadInput(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	for _, tc := range []struct {
		msg   string
		field string
	}{
		{`{"type":"room_join"}`, "code"},
		{`{"type":"room_join","code":"K7F-2QD"}`, "code"},
		{`{"type":"room_join","code":"K0F-2QD-XM4"}`, "code"},    // 0 is no code letter
		{`{"type":"room_join","code":"K7F-2QD-XM4"}`, "code"},    // no such room
		{`{"type":"room_join","code":"K7F-2QD-XM4","x":1}`, "x"}, // unknown field
		{`{"type":"room_open","code":"K7F-2QD-XM4"}`, "token"},   // a reclaim needs the token
		{`{"type":"room_open","code":"K7F-2QD-XM4","token":"t"}`, "code"},
		{`{"type":"room_close"}`, "type"},
		{`{"type":"fork"}`, "type"},
		{`{"type":"follow"}`, "type"},
		{`{"type":"room_state","q":"a=1"}`, "type"},
		{`{"type":"room_state","q":"` + strings.Repeat("a", MaxRoomState+1) + `"}`, "q"},
		{`{"type":"fork","fork":true}`, "fork"},
	} {
		c.send(tc.msg)
		m := c.until(5*time.Second, "an error for "+clip(tc.msg, 60), isType("error"))
		if e := m[len(m)-1]; e.Field != tc.field {
			t.Errorf("%.80s: error on %q (%s), want %q", tc.msg, e.Field, e.Error, tc.field)
		}
	}
	code, _ := openRoom(t, c)
	c.send(map[string]any{"type": "room_open"})
	c.until(5*time.Second, "a second room_open's error", isErrorOn("type"))
	c.send(map[string]any{"type": "room_join", "code": code})
	c.until(5*time.Second, "a driver's room_join's error", isErrorOn("type"))
}

// TestRoomSlowFollower: a follower that stops reading is given the state
// anew when it falls behind; the teacher and the other followers play on.
func TestRoomSlowFollower(t *testing.T) {
	srv := New(Options{MaxQueued: 16})
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(func() { srv.Shutdown(context.Background()); ts.Close() })
	teacher := dial(t, ts)
	code, _ := openRoom(t, teacher)
	teacher.send(startMsgOf(quadraticScene(gd(0.001), gd(0.002)), map[string]any{"steps_per_second": 2000, "view": smallView, "max_steps": 100000}))
	quick := dial(t, ts)
	quick.send(map[string]any{"type": "room_join", "code": code})

	conn, _, err := websocket.Dial(context.Background(), wsURL(ts), &websocket.DialOptions{HTTPClient: &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				c.(*net.TCPConn).SetReadBuffer(16 << 10)
			}
			return c, err
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(16 << 20)
	slow := &client{t: t, conn: conn, msgs: make(chan wire, 64)}
	slow.send(map[string]any{"type": "room_join", "code": code})

	// Wait (on the teacher's frames, never the clock) until the slow page
	// has fallen behind and been given the state anew.
	var resyncs int
	for k := 200; resyncs == 0; k += 200 {
		teacher.until(5*time.Second, "the teacher playing on", reachesK(0, k))
		quick.until(5*time.Second, "the quick follower playing on", reachesK(0, k))
		resyncs = srv.roomResyncs(code)
	}
	go slow.pump()
	// Once it reads again it is near the teacher: within one catch-up.
	got := slow.until(5*time.Second, "a frame", isType("frame"))
	_ = got
	now := lastK(teacher.until(5*time.Second, "a teacher frame", isType("frame")), 0)
	target := now + 10
	slow.until(5*time.Second, "the slow page caught up", reachesK(0, target))
	if srv.Live() != 3 {
		t.Errorf("%d live sessions, want 3: a slow follower is resynced, not dropped", srv.Live())
	}
}

func decodeRawOK(m wire, v any) error { return json.Unmarshal(m.Raw, v) }

// roomResyncs counts the times the followers of room code here were given
// the state anew.
func (s *Server) roomResyncs(code string) int {
	s.rooms.mu.Lock()
	h := s.rooms.hubs[code]
	s.rooms.mu.Unlock()
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for fl := range h.followers {
		n += fl.resyncs
	}
	return n
}
