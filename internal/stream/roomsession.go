package stream

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// A session's part in a room, as its reader sees it.
type roomRole int

const (
	roleNone      roomRole = iota
	roleDriving            // the room's driver: its outbox tees to the hub
	roleFollowing          // its page gets the room's messages; it drives nothing
	roleForked             // following no more, but may follow again
)

// roomPart is guarded by session.rmu: the reader, the engine and a closing
// hub change it.
type roomPart struct {
	role roomRole
	hub  *hub   // driving or following
	code string // the room followed or forked from
}

// Commands the reader hands the engine for a room.
type (
	// engineFollow: stop the session's own scene, empty the outbox, and
	// join h (which gives the page the room's state).
	engineFollow struct{ h *hub }
	// engineFork: leave the room and rebuild its scene at its step.
	engineFork struct{}
	// engineDrive: the session now drives a room; tell it the recipe.
	engineDrive struct{}
)

func (ss *session) roomRole() (roomRole, string) {
	ss.rmu.Lock()
	defer ss.rmu.Unlock()
	return ss.room.role, ss.room.code
}

// refuseWhileFollowing is the error for a follower's driving message.
func refuseWhileFollowing(code, typ string) error {
	return fielderr.New("type", "you follow room %s: only its teacher drives it (your %q changes nothing); send \"fork\" to explore on your own", code, typ)
}

// roomCommand handles a room message in the reader. It returns a command
// for the engine, or nil.
func (ss *session) roomCommand(c any) (any, error) {
	rs := ss.srv.rooms
	ss.rmu.Lock()
	defer ss.rmu.Unlock()
	part := &ss.room
	switch c := c.(type) {
	case roomOpenCmd:
		switch part.role {
		case roleDriving:
			return nil, fielderr.New("type", "you drive room %s already", part.code)
		case roleFollowing:
			return nil, fielderr.New("type", "you follow room %s: a follower cannot open a room; send \"fork\" first", part.code)
		}
		var h *hub
		if c.code == "" {
			h = rs.open(ss)
		} else {
			var err error
			h, err = rs.reclaim(c.code, c.token, ss)
			switch {
			case errors.Is(err, errBadToken):
				return nil, fielderr.New("token", "not the driver token of room %s", c.code)
			case errors.Is(err, errDriven):
				return nil, fielderr.New("code", "room %s has its teacher's page already", c.code)
			case err != nil:
				return nil, fielderr.New("code", "no room %s: it has ended, or it is driven from another server", c.code)
			}
		}
		*part = roomPart{role: roleDriving, hub: h, code: h.code}
		ss.out.setTee(h.fromDriver)
		if c.code == "" {
			h.mu.Lock()
			n := h.lastTotal
			h.mu.Unlock()
			b, _ := json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "driver", Token: h.token, Followers: n, State: roomLive})
			if err := ss.out.pushMsg("room", b); err != nil {
				ss.overflow(err)
			}
		}
		return engineDrive{}, nil
	case roomCloseCmd:
		if part.role != roleDriving {
			return nil, fielderr.New("type", "you drive no room: only a room's teacher closes it")
		}
		h := part.hub
		ss.rmu.Unlock()
		h.close("the teacher closed the room")
		ss.rmu.Lock()
		return nil, nil
	case roomJoinCmd:
		if part.role == roleDriving {
			return nil, fielderr.New("type", "you drive room %s: close it (room_close) before you join another", part.code)
		}
		h, err := rs.lookup(c.code)
		if err != nil {
			if !errors.Is(err, errNoRoom) {
				ss.srv.log.Warn("stream: looking up a room", "room", c.code, "err", err)
			}
			return nil, fielderr.New("code", "no room %s: it has ended, or the code is mistyped", c.code)
		}
		*part = roomPart{role: roleFollowing, hub: h, code: c.code}
		return engineFollow{h: h}, nil
	case followCmd:
		switch part.role {
		case roleFollowing:
			return engineFollow{h: part.hub}, nil // at once in step again
		case roleForked:
		default:
			return nil, fielderr.New("type", "\"follow\" is for a page that forked from a room; join one with room_join")
		}
		h, err := rs.lookup(part.code)
		if err != nil {
			return nil, fielderr.New("type", "room %s has ended", part.code)
		}
		*part = roomPart{role: roleFollowing, hub: h, code: part.code}
		return engineFollow{h: h}, nil
	case forkCmd:
		if part.role != roleFollowing {
			return nil, fielderr.New("type", "\"fork\" is for a room's follower: you follow no room")
		}
		part.role = roleForked
		return engineFork{}, nil
	case roomStateCmd:
		switch part.role {
		case roleDriving:
			part.hub.pageState(c.msg)
			return nil, nil
		case roleFollowing:
			return nil, refuseWhileFollowing(part.code, "room_state")
		}
		return nil, fielderr.New("type", "room_state is for a room's teacher: you drive no room")
	}
	return nil, fmt.Errorf("stream: not a room command %T", c)
}

// leftRoom is called by a hub that closes: the session is its own again.
func (ss *session) leftRoom(h *hub) {
	ss.rmu.Lock()
	defer ss.rmu.Unlock()
	if ss.room.hub != h && ss.room.code != h.code {
		return
	}
	if ss.room.role == roleDriving {
		ss.out.setTee(nil)
	}
	ss.room = roomPart{}
}

// endRoom is the session's last word to its room: a driver's room waits
// for its page to come back; a follower leaves (the engine did).
func (ss *session) endRoom() {
	ss.rmu.Lock()
	part := ss.room
	ss.room = roomPart{}
	ss.rmu.Unlock()
	if part.role == roleDriving {
		ss.out.setTee(nil)
		part.hub.driverGone(ss)
	}
}

// Engine side.

// quiesce stops the engine's own scene: the session follows a room.
func (e *engine) quiesce() {
	e.stopTicker()
	e.stopTasks()
	e.stopChores()
	e.sc, e.regions, e.hist, e.ended = nil, nil, nil, nil
	e.owed, e.script, e.playing = 0, nil, false
	e.rec = nil
}

func (e *engine) handleRoom(c any) {
	ss := e.ss
	switch c := c.(type) {
	case engineFollow:
		e.leaveRoom()
		e.quiesce()
		e.out.reset()
		fl, err := c.h.join(ss)
		if err != nil {
			ss.rmu.Lock()
			if ss.room.hub == c.h {
				ss.room = roomPart{}
			}
			ss.rmu.Unlock()
			e.sendErr(fielderr.New("code", "no room %s: it has ended", c.h.code))
			return
		}
		e.hub, e.fl = c.h, fl
	case engineFork:
		h := e.hub
		if h == nil {
			return
		}
		r, k, err := h.recipeAndK()
		if err != nil {
			ss.rmu.Lock()
			if ss.room.role == roleForked {
				ss.room.role = roleFollowing
			}
			ss.rmu.Unlock()
			e.sendErr(fielderr.New("type", "%s", err.Error()))
			return
		}
		e.leaveRoom()
		e.out.reset()
		b, _ := json.Marshal(roomMsg{Type: "room", Code: h.code, Role: "forked", State: roomLive})
		if err := e.out.pushMsg("room", b); err != nil {
			e.fail(err)
		}
		script, err := r.script(k)
		if err != nil {
			e.srv.log.Error("stream: a room's recipe does not decode", "err", err)
			e.sendErr(fielderr.New("type", "the room's scene could not be rebuilt"))
			return
		}
		e.script = script
	case engineDrive:
		e.publishRecipe()
	}
}

// leaveRoom takes the session out of the room it follows.
func (e *engine) leaveRoom() {
	if e.fl != nil {
		e.hub.leave(e.fl)
	}
	e.hub, e.fl = nil, nil
}

// The recipe: what a fork replays (roomstate.go).

func (e *engine) curK() int {
	k := 0
	if e.sc != nil {
		for _, r := range e.sc.Runs {
			k = max(k, r.Current().K)
		}
	}
	return k
}

func (e *engine) recordEvent(ev recipeEvent) {
	if e.rec == nil {
		return
	}
	if len(e.rec.Events) >= maxRecipeEvents {
		// Too long a history: replay the runs as now configured instead.
		req := e.sc.Request
		req.Runs = e.currentRunSpecs()
		e.rec.Start, _ = json.Marshal(req)
		e.rec.Events = nil
		return
	}
	e.rec.Events = append(e.rec.Events, ev)
}

func (e *engine) publishRecipe() {
	if e.rec == nil || !e.out.teeing() {
		return
	}
	b, err := json.Marshal(e.rec)
	if err != nil {
		e.srv.log.Error("stream: encoding a room's recipe", "err", err)
		return
	}
	e.out.pushMsg("_recipe", b)
}
