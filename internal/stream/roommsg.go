package stream

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Room messages from the page (room.go): the reader handles them, not the
// engine.

type roomOpenMsg struct {
	Type  string `json:"type"`
	Code  string `json:"code"`
	Token string `json:"token"`
}

type roomJoinMsg struct {
	Type string `json:"type"`
	Code string `json:"code"`
}

type roomStateMsg struct {
	Type string `json:"type"`
	Q    string `json:"q"`
}

// MaxRoomState is the longest page state (a URL query) a driver may
// broadcast.
const MaxRoomState = 8 << 10

type (
	roomOpenCmd  struct{ code, token string } // both empty: a new room
	roomJoinCmd  struct{ code string }
	roomCloseCmd struct{}
	forkCmd      struct{}
	followCmd    struct{}
	roomStateCmd struct{ msg []byte } // the room_state message followers get
)

func parseRoom(typ string, b []byte) (any, error) {
	switch typ {
	case "room_open":
		var m roomOpenMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Code == "" && m.Token == "" {
			return roomOpenCmd{}, nil
		}
		if m.Token == "" {
			return nil, fielderr.New("token", `missing: to take back room %q give its driver token (from the "room" answer that opened it)`, clip(m.Code, 40))
		}
		if m.Code == "" {
			return nil, fielderr.New("code", "missing: the room to take back")
		}
		code, err := ParseRoomCode("code", m.Code)
		if err != nil {
			return nil, err
		}
		return roomOpenCmd{code: code, token: m.Token}, nil
	case "room_join":
		var m roomJoinMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Code == "" {
			return nil, fielderr.New("code", "missing: the room's code, like K7F-2QD-XM4")
		}
		code, err := ParseRoomCode("code", m.Code)
		if err != nil {
			return nil, err
		}
		return roomJoinCmd{code: code}, nil
	case "room_close", "fork", "follow":
		if err := strict(b, &bareMsg{}); err != nil {
			return nil, err
		}
		switch typ {
		case "room_close":
			return roomCloseCmd{}, nil
		case "fork":
			return forkCmd{}, nil
		}
		return followCmd{}, nil
	case "room_state":
		var m roomStateMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if n := utf8.RuneCountInString(m.Q); n > MaxRoomState {
			return nil, fielderr.New("q", "at most %d characters, got %d", MaxRoomState, n)
		}
		out, _ := json.Marshal(roomStateMsg{Type: "room_state", Q: m.Q})
		return roomStateCmd{msg: out}, nil
	}
	return nil, nil
}

// isRoomCmd reports whether c is handled by the room machinery.
func isRoomCmd(c any) bool {
	switch c.(type) {
	case roomOpenCmd, roomJoinCmd, roomCloseCmd, forkCmd, followCmd, roomStateCmd:
		return true
	}
	return false
}
