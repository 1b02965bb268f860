package stream

import (
	"math"
	"slices"
	"strconv"

	"github.com/saddle-viz/saddle/internal/scene"
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

// appendPoint appends p as encoding/json would marshal it.
func appendPoint(dst []byte, p *scene.Point) []byte {
	dst = append(dst, `{"run":`...)
	dst = strconv.AppendInt(dst, int64(p.Run), 10)
	dst = append(dst, `,"k":`...)
	dst = strconv.AppendInt(dst, int64(p.K), 10)
	dst = append(dst, `,"xy":`...)
	dst = appendFloats(dst, p.XY)
	dst = append(dst, `,"loss":`...)
	dst = appendFloat(dst, p.Loss)
	if len(p.Grad) > 0 {
		dst = append(dst, `,"grad":`...)
		dst = appendFloats(dst, p.Grad)
	}
	dst = append(dst, `,"grad_norm":`...)
	dst = appendFloat(dst, p.GradNorm)
	dst = append(dst, `,"clipped":`...)
	dst = strconv.AppendBool(dst, p.Clipped)
	if len(p.Update) > 0 {
		dst = append(dst, `,"update":`...)
		dst = appendFloats(dst, p.Update)
	}
	if len(p.RawGrad) > 0 {
		dst = append(dst, `,"raw_grad":`...)
		dst = appendFloats(dst, p.RawGrad)
	}
	if len(p.UsedGrad) > 0 {
		dst = append(dst, `,"used_grad":`...)
		dst = appendFloats(dst, p.UsedGrad)
	}
	if p.LR != 0 {
		dst = append(dst, `,"lr":`...)
		dst = appendFloat(dst, p.LR)
	}
	if p.GtHg != nil {
		dst = append(dst, `,"gthg":`...)
		dst = appendFloat(dst, *p.GtHg)
	}
	if len(p.State) > 0 {
		dst = append(dst, `,"state":{`...)
		keys := make([]string, 0, len(p.State))
		for k := range p.State {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendQuote(dst, k) // state names are plain ASCII identifiers
			dst = append(dst, ':')
			dst = appendFloats(dst, p.State[k])
		}
		dst = append(dst, '}')
	}
	if p.Evals != 0 {
		dst = append(dst, `,"evals":`...)
		dst = strconv.AppendInt(dst, int64(p.Evals), 10)
	}
	return append(dst, '}')
}

func appendFloats(dst []byte, xs []float64) []byte {
	if xs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, x)
	}
	return append(dst, ']')
}

// appendFloat writes x the way JSON numbers are conventionally written (as
// ECMAScript does, and encoding/json): shortest round-trip digits, plain
// notation for 1e-6 ≤ |x| < 1e21, exponent notation without a leading zero
// in the exponent otherwise. A non-finite x cannot be JSON; it is written
// as null, though scene guarantees finite points.
func appendFloat(dst []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(dst, "null"...)
	}
	format := byte('f')
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, x, format, -1, 64)
	if format == 'e' {
		// 1e-07 → 1e-7
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}
