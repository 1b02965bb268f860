package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A room is a live session broadcast: its driver (the teacher's page)
// steps the scene, and every follower's page receives the same encoded
// messages (encoded once, fanned out). A hub holds a room on one replica:
// on the driver's, fed by the driver's outbox (its tee); on any other,
// fed by the Relay. Either way it keeps the room's state for late joiners
// (roomState) and the followers connected here.
type hub struct {
	rooms  *rooms
	code   string
	token  string // the driver's secret; "" on a mirror
	mirror bool   // fed by the relay, not by a driver here

	mu        sync.Mutex
	st        *roomState
	seq       uint64 // messages broadcast (on a mirror: the last applied)
	followers map[*follower]struct{}
	driver    *session // nil while the teacher is away (or on a mirror)
	closed    bool
	grace     *time.Timer
	away      bool
	// Follower counts: this replica's, and (on the driver's) the others'.
	remote     map[string]int
	countTimer *time.Timer
	lastTotal  int
	// Relay plumbing.
	ready   bool        // a mirror has applied its snapshot
	early   []relayMsg  // what arrived before it
	unsub   []func()    // relay subscriptions
	snapDue *time.Timer // the directory's copy of the state is written soon
	snapAt  time.Time
	snapMu  sync.Mutex // held across a write to the directory (writeSnap, end)
	// toDriver is a room message for the driver, sent by unlock.
	toDriver []byte
	// frameSize is the last encoded frame's length.
	frameSize atomic.Int64
}

// follower is one following session's place in a hub.
type follower struct {
	ss      *session
	resyncs int // times it fell behind and was given the state anew
}

// Timing of rooms.
const (
	// DefaultRoomGrace is how long a room waits for its teacher's page to
	// come back (a reload, a dropped network) before it ends.
	DefaultRoomGrace = 60 * time.Second
	countInterval    = 250 * time.Millisecond // follower counts go out at most this often
	snapInterval     = 500 * time.Millisecond // the directory's state is at most this old while playing
)

// roomMsg is the room's status: to its driver (with the token once, in
// the answer to room_open), to its followers (role "follower"), and to a
// page that forks ("forked").
type roomMsg struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Role      string `json:"role"`
	Token     string `json:"token,omitempty"`
	Followers int    `json:"followers"`
	State     string `json:"state"` // live | teacher_away | closed
	Reason    string `json:"reason,omitempty"`
}

// Room states.
const (
	roomLive   = "live"
	roomAway   = "teacher_away"
	roomClosed = "closed"
)

// rooms are a server's hubs by code.
type rooms struct {
	srv     *Server
	relay   Relay
	replica string
	grace   time.Duration

	mu   sync.Mutex
	hubs map[string]*hub
}

func newRooms(srv *Server, relay Relay, grace time.Duration) *rooms {
	return &rooms{srv: srv, relay: relay, grace: grace, hubs: map[string]*hub{}, replica: newDriverToken()[:8]}
}

var errNoRoom = errors.New("stream: no such room")

// open makes a new room driven by ss.
func (rs *rooms) open(ss *session) *hub {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	code := newRoomCode()
	for rs.hubs[code] != nil {
		code = newRoomCode()
	}
	h := &hub{rooms: rs, code: code, token: newDriverToken(), st: newRoomState(),
		followers: map[*follower]struct{}{}, driver: ss, remote: map[string]int{}, ready: true}
	rs.hubs[code] = h
	if rs.relay != nil {
		if cancel, err := rs.relay.Subscribe(upSubject(code), h.fromUp); err == nil {
			h.unsub = append(h.unsub, cancel)
		} else {
			rs.srv.log.Warn("stream: room counts from other replicas unavailable", "room", code, "err", err)
		}
		if cancel, err := rs.relay.Serve(stateSubject(code), h.serveState); err == nil {
			h.unsub = append(h.unsub, cancel)
		} else {
			rs.srv.log.Warn("stream: a room's state for other replicas unavailable", "room", code, "err", err)
		}
	}
	h.mu.Lock()
	h.setRoomLocked(roomLive, "")
	h.toDriver = nil // the answer to room_open carries it, with the token
	h.mu.Unlock()
	return h
}

// reclaim gives a room whose teacher is away back to a page holding its
// token.
func (rs *rooms) reclaim(code, token string, ss *session) (*hub, error) {
	rs.mu.Lock()
	h := rs.hubs[code]
	rs.mu.Unlock()
	if h == nil || h.mirror {
		return nil, errNoRoom
	}
	h.mu.Lock()
	defer h.unlock()
	switch {
	case h.closed:
		return nil, errNoRoom
	case !sameToken(h.token, token):
		return nil, errBadToken
	case h.driver != nil:
		return nil, errDriven
	}
	if h.grace != nil {
		h.grace.Stop()
		h.grace = nil
	}
	h.driver, h.away = ss, false
	h.setRoomLocked(roomLive, "")
	return h, nil
}

var (
	errBadToken = errors.New("stream: wrong driver token")
	errDriven   = errors.New("stream: the room has a driver")
)

// lookup finds the room of code: here, or (with a relay) mirrored from
// the replica that drives it.
func (rs *rooms) lookup(code string) (*hub, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if h := rs.hubs[code]; h != nil {
		return h, nil
	}
	if rs.relay == nil {
		return nil, errNoRoom
	}
	h := &hub{rooms: rs, code: code, mirror: true, st: newRoomState(), followers: map[*follower]struct{}{}}
	if err := h.startMirror(); err != nil {
		return nil, err
	}
	rs.hubs[code] = h
	return h, nil
}

// Exists reports whether a room of this code is open (here or, with a
// relay, on any replica): the join page's check.
func (s *Server) RoomExists(code string) bool {
	code, err := ParseRoomCode("code", code)
	if err != nil {
		return false
	}
	rs := s.rooms
	rs.mu.Lock()
	h := rs.hubs[code]
	rs.mu.Unlock()
	if h != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
		return !h.closed
	}
	if rs.relay == nil {
		return false
	}
	_, err = rs.relay.Get(code)
	return err == nil
}

func (rs *rooms) drop(h *hub) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.hubs[h.code] == h {
		delete(rs.hubs, h.code)
	}
}

// fromDriver is the driver's outbox tee: every message its page gets
// (but errors and room messages) goes to the room. Called with the
// driver's outbox lock held; the hub never pushes to the driver's outbox
// while it holds its own lock.
func (h *hub) fromDriver(kind string, b []byte, f *frame) {
	if f != nil {
		// Encoded once, for every follower, into one array sized from the
		// last frame's (followers' writers hold it until written).
		n := int(h.frameSize.Load())
		b = appendFrame(make([]byte, 0, n+n/4+64), f)
		h.frameSize.Store(int64(len(b)))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.broadcastLocked(kind, b, f)
}

// broadcastLocked records a message, sends it to every follower here and
// (on the driver's replica) to the relay. Kinds starting with "_" are the
// room's own bookkeeping, never sent to a page.
func (h *hub) broadcastLocked(kind string, b []byte, f *frame) {
	h.seq++
	h.st.apply(kind, b, f)
	if kind[0] != '_' {
		for fl := range h.followers {
			h.pushLocked(fl, kind, b)
		}
	}
	if rl := h.rooms.relay; rl != nil && !h.mirror {
		if err := rl.Publish(roomSubject(h.code), encodeRelay(h.seq, kind, b)); err != nil {
			h.rooms.srv.log.Warn("stream: publishing a room's message", "room", h.code, "type", kind, "err", err)
		}
		h.snapSoonLocked(kind != "frame")
	}
}

// pushLocked queues one message for a follower. A follower that has
// fallen MaxQueued messages behind is given the state anew instead: it
// never slows the driver or the others, and it catches up at once.
func (h *hub) pushLocked(fl *follower, kind string, b []byte) {
	if err := fl.ss.out.pushMsg(kind, b); err != nil {
		fl.resyncs++
		fl.ss.out.reset()
		h.catchUpLocked(fl)
	}
}

func (h *hub) catchUpLocked(fl *follower) {
	for _, b := range h.st.messages() {
		fl.ss.out.pushMsg("room:state", b) // fits: MaxQueued > the state's messages
	}
}

// join adds a following session and gives it the state; the engine of ss
// calls it, once its own scene is stopped and its outbox empty.
func (h *hub) join(ss *session) (*follower, error) {
	h.mu.Lock()
	if h.closed || (h.mirror && !h.ready) {
		h.mu.Unlock()
		return nil, errNoRoom
	}
	fl := &follower{ss: ss}
	h.followers[fl] = struct{}{}
	h.catchUpLocked(fl)
	h.mu.Unlock()
	h.countChanged()
	return fl, nil
}

// leave removes a follower (its page forks or goes).
func (h *hub) leave(fl *follower) {
	h.mu.Lock()
	_, ok := h.followers[fl]
	delete(h.followers, fl)
	empty := h.mirror && len(h.followers) == 0 && !h.closed
	h.mu.Unlock()
	if !ok {
		return
	}
	h.countChanged()
	if empty {
		h.endMirror()
	}
}

// recipeAndK is what a fork needs: how to rebuild the scene, and the step.
func (h *hub) recipeAndK() (*recipe, int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.st.recipe == nil {
		return nil, 0, roomErr("the room has no scene yet: wait for the teacher to start one")
	}
	var r recipe
	if err := json.Unmarshal(h.st.recipe, &r); err != nil {
		return nil, 0, err
	}
	return &r, h.st.k(), nil
}

// state broadcasts the driver's page state (room_state).
func (h *hub) pageState(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.broadcastLocked("room_state", b, nil)
	}
}

// driverGone starts the grace period after the driver's page left.
func (h *hub) driverGone(ss *session) {
	h.mu.Lock()
	defer h.unlock()
	if h.driver != ss || h.closed {
		return
	}
	h.driver, h.away = nil, true
	grace := h.rooms.grace
	h.setRoomLocked(roomAway, fmt.Sprintf("the teacher's page has gone; the room waits %s for it to come back", grace))
	h.grace = time.AfterFunc(grace, func() { h.close("the teacher left: the room has ended") })
}

// close ends the room for everyone: followers get a last room message
// (state "closed", the reason) once their sessions are their own again,
// so a page that starts its own scene on reading it is not refused.
func (h *hub) close(reason string) { h.end(reason, nil) }

// end closes the hub; last is the followers' last room message (a
// mirror's comes from the driver's replica), nil to make it here.
func (h *hub) end(reason string, last []byte) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	for _, t := range []*time.Timer{h.grace, h.snapDue, h.countTimer} {
		if t != nil {
			t.Stop()
		}
	}
	// The driver's replica tells the others the room ended (below).
	announce := last == nil && h.rooms.relay != nil && !h.mirror
	if last == nil {
		last, _ = json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "follower", State: roomClosed, Reason: reason})
	}
	var seq uint64
	if announce {
		h.seq++
		seq = h.seq
	}
	fls := h.followers
	h.followers = map[*follower]struct{}{}
	driver := h.driver
	h.driver = nil
	unsub := h.unsub
	h.unsub = nil
	h.mu.Unlock()
	for _, c := range unsub {
		c()
	}
	h.rooms.drop(h)
	if announce {
		// Out of the directory first, then the end: a student who reads
		// it on another replica and joins again is refused, not let into a
		// room that is gone. snapMu keeps a state write in flight from
		// putting the room back after the delete.
		rl := h.rooms.relay
		h.snapMu.Lock()
		if err := rl.Delete(h.code); err != nil {
			h.rooms.srv.log.Warn("stream: removing a room from the directory", "room", h.code, "err", err)
		}
		h.snapMu.Unlock()
		if err := rl.Publish(roomSubject(h.code), encodeRelay(seq, "room", last)); err != nil {
			h.rooms.srv.log.Warn("stream: publishing a room's end", "room", h.code, "err", err)
		}
	}
	for fl := range fls {
		fl.ss.leftRoom(h)
		fl.ss.out.pushMsg("room", last)
	}
	if driver != nil {
		driver.leftRoom(h)
		b, _ := json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "driver", State: roomClosed, Reason: reason})
		driver.out.pushMsg("room", b)
	}
}

// closedRoom reports whether b is a room message saying the room ended.
func closedRoom(b []byte) bool {
	var m roomMsg
	return json.Unmarshal(b, &m) == nil && m.State == roomClosed
}

// setRoomLocked broadcasts the room's status to its followers (and so to
// every replica) and tells the driver, with the follower count.
func (h *hub) setRoomLocked(state, reason string) {
	total := len(h.followers)
	for _, n := range h.remote {
		total += n
	}
	h.lastTotal = total
	b, _ := json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "follower", Followers: total, State: state, Reason: reason})
	h.broadcastLocked("room", b, nil)
	if h.driver != nil {
		h.toDriver, _ = json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "driver", Followers: total, State: state, Reason: reason})
	}
}

// unlock releases h.mu and then tells the driver what setRoomLocked
// left for it: never under h.mu, since the driver's outbox calls into the
// hub with its own lock held.
func (h *hub) unlock() {
	b, d := h.toDriver, h.driver
	h.toDriver = nil
	h.mu.Unlock()
	if b != nil && d != nil {
		d.out.pushMsg("room", b)
	}
}

// countChanged schedules a room message with the new follower count (at
// most every countInterval). On a mirror it reports the count to the
// driver's replica.
func (h *hub) countChanged() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.countTimer != nil {
		return
	}
	h.countTimer = time.AfterFunc(countInterval, func() {
		h.mu.Lock()
		defer h.unlock()
		h.countTimer = nil
		if h.closed {
			return
		}
		if h.mirror {
			up := h.rooms.replica + " " + strconv.Itoa(len(h.followers))
			if err := h.rooms.relay.Publish(upSubject(h.code), []byte(up)); err != nil {
				h.rooms.srv.log.Warn("stream: reporting a room's followers", "room", h.code, "err", err)
			}
			return
		}
		total := len(h.followers)
		for _, n := range h.remote {
			total += n
		}
		if total != h.lastTotal {
			state := roomLive
			if h.away {
				state = roomAway
			}
			var reason string
			if h.away {
				reason = fmt.Sprintf("the teacher's page has gone; the room waits %s for it to come back", h.rooms.grace)
			}
			h.setRoomLocked(state, reason)
		}
	})
}

// Followers is the number of pages following room code on this replica
// (tests and benchmarks).
func (s *Server) roomFollowers(code string) int {
	s.rooms.mu.Lock()
	h := s.rooms.hubs[code]
	s.rooms.mu.Unlock()
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.followers)
}

// roomErr is an error for the page about the room itself.
type roomErr string

func (e roomErr) Error() string { return string(e) }

// Relay messages: "seq kind\n" then the message's bytes.
type relayMsg struct {
	seq  uint64
	kind string
	b    []byte
}

func encodeRelay(seq uint64, kind string, b []byte) []byte {
	out := make([]byte, 0, len(b)+24)
	out = strconv.AppendUint(out, seq, 10)
	out = append(out, ' ')
	out = append(out, kind...)
	out = append(out, '\n')
	return append(out, b...)
}

func decodeRelay(data []byte) (relayMsg, bool) {
	head, body, ok := bytes.Cut(data, []byte{'\n'})
	if !ok {
		return relayMsg{}, false
	}
	s, kind, ok := bytes.Cut(head, []byte{' '})
	if !ok || len(kind) == 0 {
		return relayMsg{}, false
	}
	seq, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		return relayMsg{}, false
	}
	return relayMsg{seq: seq, kind: string(kind), b: body}, true
}
