package stream

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"math/big"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Room codes are what a teacher reads out or projects and a student types:
// nine symbols from an alphabet without look-alikes (no 0/O, 1/I/L, nor U),
// grouped in threes, "K7F-2QD-XM4". 30⁹ ≈ 2^44 codes, drawn with
// crypto/rand: a class cannot stumble into another class's room.
const (
	roomAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	roomCodeLen  = 9
)

// RoomCodeBits is the entropy of a room code (log2 30⁹).
const RoomCodeBits = 44.16

// newRoomCode draws a code, formatted "K7F-2QD-XM4".
func newRoomCode() string {
	var b strings.Builder
	n := big.NewInt(int64(len(roomAlphabet)))
	for i := range roomCodeLen {
		if i > 0 && i%3 == 0 {
			b.WriteByte('-')
		}
		x, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic("stream: crypto/rand failed: " + err.Error())
		}
		b.WriteByte(roomAlphabet[x.Int64()])
	}
	return b.String()
}

// ParseRoomCode reads a typed code: case and the separators (dashes,
// spaces) do not matter. It returns the code formatted as newRoomCode
// writes it, or an error naming field.
func ParseRoomCode(field, s string) (string, error) {
	var sym []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '_':
			continue
		case r < 128 && strings.IndexByte(roomAlphabet, byte(r)) >= 0:
			sym = append(sym, byte(r))
		default:
			return "", fielderr.New(field, "%q is not a room code: a code is %d letters and digits like K7F-2QD-XM4 (never 0, 1, I, L, O or U)", clip(s, 40), roomCodeLen)
		}
	}
	if len(sym) != roomCodeLen {
		return "", fielderr.New(field, "%q is not a room code: a code is %d letters and digits like K7F-2QD-XM4, this has %d", clip(s, 40), roomCodeLen, len(sym))
	}
	return string(sym[0:3]) + "-" + string(sym[3:6]) + "-" + string(sym[6:9]), nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// newDriverToken is the driver's secret: 128 random bits, base64url.
func newDriverToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("stream: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
