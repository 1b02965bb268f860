package stream

import (
	"encoding/json"

	"github.com/saddle-viz/saddle/internal/scene"
	jsonwire "github.com/saddle-viz/saddle/internal/wire"
)

// Frames are the hot path of a session (up to 60 a second, each with
// hundreds of points), so they are written by hand into a reused buffer
// instead of through reflection. The bytes are exactly those
// encoding/json writes for the same scene.Point (a test holds them to it).

// appendFrame appends {"type":"frame","t":…,"points":[…]} to dst.
func appendFrame(dst []byte, f *frame) []byte {
	dst = append(dst, `{"type":"frame","t":`...)
	dst = appendFloat(dst, f.t)
	dst = append(dst, `,"points":[`...)
	first := true
	for _, pts := range f.runs {
		for i := range pts {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendPoint(dst, &pts[i])
		}
	}
	return append(dst, "]}"...)
}

// appendPoint appends p as encoding/json would marshal it (package wire
// writes points for /api/run too).
func appendPoint(dst []byte, p *scene.Point) []byte { return jsonwire.AppendPoint(dst, p) }

// appendFloat writes x as a JSON number (jsonwire.AppendFloat).
func appendFloat(dst []byte, x float64) []byte { return jsonwire.AppendFloat(dst, x) }

// appendLandscape appends m as json.Marshal would, the grid's values
// written by hand on every core (jsonwire.AppendGridFields): a 512²
// landscape's encoding cost twenty times its evaluation.
func appendLandscape(dst []byte, m *landscapeMsg) ([]byte, error) {
	if m.Grid == nil {
		b, err := json.Marshal(m)
		return append(dst, b...), err
	}
	dst = append(dst, `{"type":`...)
	t, err := json.Marshal(m.Type)
	if err != nil {
		return nil, err
	}
	dst = append(dst, t...)
	dst = append(dst, ',')
	dst = jsonwire.AppendGridFields(dst, m.Grid)
	if m.Plane != nil {
		p, err := json.Marshal(m.Plane)
		if err != nil {
			return nil, err
		}
		dst = append(dst, `,"plane":`...)
		dst = append(dst, p...)
	}
	if m.Partial {
		dst = append(dst, `,"partial":true`...)
	}
	dst = append(dst, '}')
	if cap(dst) > len(dst)+len(dst)/16 {
		dst = append([]byte(nil), dst...) // the cache keeps it: no slack
	}
	return dst, nil
}
