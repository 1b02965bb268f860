package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Relay carries rooms between replicas (package natsrelay implements it
// over NATS). The driver's replica publishes each of a room's messages on
// the room's subject and keeps the room's state in a directory (a
// key-value store) for replicas whose pages join later; a replica with
// followers of a room mirrors it: it subscribes to the subject and fans the
// messages out to its own pages. Without a relay, rooms live in process.
type Relay interface {
	// Publish sends data on subject; it does not wait for delivery.
	Publish(subject string, data []byte) error
	// Subscribe calls fn with every message on subject, in order, from one
	// goroutine, until cancel is called.
	Subscribe(subject string, fn func(data []byte)) (cancel func(), err error)
	// Put, Get and Delete keep the directory: a room's state by code. Get
	// answers ErrNoRoom for a code it does not hold.
	Put(code string, data []byte) error
	Get(code string) ([]byte, error)
	Delete(code string) error
	// Serve answers requests on subject with fn's reply until cancel;
	// Request sends one and waits for the reply.
	Serve(subject string, fn func(req []byte) []byte) (cancel func(), err error)
	Request(subject string, data []byte) ([]byte, error)
}

// ErrNoRoom is a Relay's answer for a code its directory does not hold.
var ErrNoRoom = errNoRoom

func roomSubject(code string) string { return "saddle.room." + code }
func upSubject(code string) string   { return "saddle.room." + code + ".up" }

// stateSubject is where the driver's replica answers a mirror's request
// for the room's state as it is now (the directory's copy may be up to
// snapInterval old, and a mirror must not miss what came between).
func stateSubject(code string) string { return "saddle.room." + code + ".state" }

// snapshot is a room's state in the directory: the seq of the last
// message it includes, and the messages a joiner gets (roomState.messages),
// with the recipe for forks.
type snapshot struct {
	Seq    uint64            `json:"seq"`
	Recipe json.RawMessage   `json:"recipe,omitempty"`
	Msgs   []json.RawMessage `json:"msgs"`
}

// snapSoonLocked schedules writing the room's state to the directory: soon
// after a change of scene (now), at most every snapInterval for frames.
func (h *hub) snapSoonLocked(now bool) {
	if h.snapDue != nil {
		return
	}
	wait := time.Until(h.snapAt.Add(snapInterval))
	if now || wait < 0 {
		wait = 0
	}
	h.snapDue = time.AfterFunc(wait, h.writeSnap)
}

func (h *hub) writeSnap() {
	h.snapMu.Lock()
	defer h.snapMu.Unlock()
	h.mu.Lock()
	h.snapDue = nil
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.snapAt = time.Now()
	b := h.snapshotLocked()
	h.mu.Unlock()
	if err := h.rooms.relay.Put(h.code, b); err != nil {
		h.rooms.srv.log.Warn("stream: writing a room's state to the directory", "room", h.code, "err", err)
	}
}

// snapshotLocked encodes the room's state (a snapshot).
func (h *hub) snapshotLocked() []byte {
	var b bytes.Buffer
	b.WriteString(`{"seq":`)
	b.WriteString(strconv.FormatUint(h.seq, 10))
	if h.st.recipe != nil {
		b.WriteString(`,"recipe":`)
		b.Write(h.st.recipe)
	}
	b.WriteString(`,"msgs":[`)
	for i, m := range h.st.messages() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(m)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// serveState answers a mirror's request for the state as it is now.
func (h *hub) serveState([]byte) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return []byte("{}")
	}
	return h.snapshotLocked()
}

// startMirror subscribes to a room driven on another replica, then reads
// its state from the directory; messages that came meanwhile are applied
// after it when newer. Called with rooms.mu held.
func (h *hub) startMirror() error {
	rl := h.rooms.relay
	cancel, err := rl.Subscribe(roomSubject(h.code), h.fromRelay)
	if err != nil {
		return err
	}
	// The directory says whether the room exists; its driver's replica
	// gives the state as it is now.
	data, err := rl.Get(h.code)
	if err != nil {
		cancel()
		return err
	}
	if now, err := rl.Request(stateSubject(h.code), nil); err == nil && len(now) > 2 {
		data = now
	} else {
		h.rooms.srv.log.Warn("stream: the room's replica did not give its state; using the directory's", "room", h.code, "err", err)
	}
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		cancel()
		return errors.New("stream: a room's state in the directory is unreadable: " + err.Error())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unsub = append(h.unsub, cancel)
	for _, m := range snap.Msgs {
		var head bareMsg
		if json.Unmarshal(m, &head) == nil && head.Type != "" {
			h.st.apply(head.Type, []byte(m), nil)
		}
	}
	if snap.Recipe != nil {
		h.st.recipe = []byte(snap.Recipe)
	}
	h.seq, h.ready = snap.Seq, true
	for _, m := range h.early {
		h.applyRelayLocked(m)
	}
	h.early = nil
	return nil
}

// fromRelay takes one message of the room from the driver's replica.
func (h *hub) fromRelay(data []byte) {
	m, ok := decodeRelay(data)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if !h.ready {
		m.b = bytes.Clone(m.b)
		h.early = append(h.early, m)
		return
	}
	h.applyRelayLocked(m)
}

func (h *hub) applyRelayLocked(m relayMsg) {
	if m.seq <= h.seq {
		return // in the snapshot already
	}
	if m.kind == "room" && closedRoom(m.b) {
		h.seq = m.seq
		go h.end("", bytes.Clone(m.b)) // not under h.mu
		return
	}
	h.seq = m.seq - 1 // broadcastLocked counts it
	h.broadcastLocked(m.kind, m.b, nil)
}

// fromUp takes a mirror's follower count ("replica n").
func (h *hub) fromUp(data []byte) {
	rep, n, ok := bytes.Cut(data, []byte{' '})
	if !ok {
		return
	}
	c, err := strconv.Atoi(string(n))
	if err != nil || c < 0 {
		return
	}
	h.mu.Lock()
	if c == 0 {
		delete(h.remote, string(rep))
	} else {
		h.remote[string(rep)] = c
	}
	h.mu.Unlock()
	h.countChanged()
}

// endMirror drops a mirror nobody here follows any more.
func (h *hub) endMirror() {
	h.mu.Lock()
	if h.closed || len(h.followers) > 0 {
		h.mu.Unlock()
		return
	}
	h.closed = true
	unsub := h.unsub
	h.unsub = nil
	h.mu.Unlock()
	if rl := h.rooms.relay; rl != nil {
		rl.Publish(upSubject(h.code), []byte(h.rooms.replica+" 0"))
	}
	for _, c := range unsub {
		c()
	}
	h.rooms.drop(h)
}
