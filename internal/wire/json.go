// Package wire writes the hot answers by hand: points, run answers and
// grids as JSON without reflection (the same bytes encoding/json writes for
// the same values: tests hold them to it), a columnar JSON form of a run's
// points, and NumPy .npy arrays. Each appender appends to dst and returns
// the extended slice, as strconv's do, so callers reuse their buffers.
package wire

import (
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/saddle-viz/saddle/internal/scene"
)

// AppendFloat writes x the way JSON numbers are conventionally written (as
// ECMAScript does, and encoding/json): shortest round-trip digits, plain
// notation for 1e-6 ≤ |x| < 1e21, exponent notation without a leading zero
// in the exponent otherwise. A non-finite x cannot be JSON; it is written
// as null, though scene guarantees finite points.
func AppendFloat(dst []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(dst, "null"...)
	}
	// Small whole numbers (counts, 0, ±1 of a fresh state) skip the
	// shortest-digits search.
	if x == math.Trunc(x) && math.Abs(x) < 1e15 && (x != 0 || !math.Signbit(x)) {
		return strconv.AppendInt(dst, int64(x), 10)
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

// AppendFloats writes xs as a JSON array (nil as null, as encoding/json).
func AppendFloats(dst []byte, xs []float64) []byte {
	if xs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendFloat(dst, x)
	}
	return append(dst, ']')
}

const hex = "0123456789abcdef"

// AppendString writes s as a JSON string, escaped as encoding/json does
// with HTML escaping off (the API's encoders): quotes, backslashes and
// control characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendPoint appends p as encoding/json marshals it.
func AppendPoint(dst []byte, p *scene.Point) []byte {
	dst = append(dst, `{"run":`...)
	dst = strconv.AppendInt(dst, int64(p.Run), 10)
	dst = append(dst, `,"k":`...)
	dst = strconv.AppendInt(dst, int64(p.K), 10)
	dst = append(dst, `,"xy":`...)
	dst = AppendFloats(dst, p.XY)
	dst = append(dst, `,"loss":`...)
	dst = AppendFloat(dst, p.Loss)
	if len(p.Grad) > 0 {
		dst = append(dst, `,"grad":`...)
		dst = AppendFloats(dst, p.Grad)
	}
	dst = append(dst, `,"grad_norm":`...)
	dst = AppendFloat(dst, p.GradNorm)
	dst = append(dst, `,"clipped":`...)
	dst = strconv.AppendBool(dst, p.Clipped)
	if len(p.Update) > 0 {
		dst = append(dst, `,"update":`...)
		dst = AppendFloats(dst, p.Update)
	}
	if len(p.RawGrad) > 0 {
		dst = append(dst, `,"raw_grad":`...)
		dst = AppendFloats(dst, p.RawGrad)
	}
	if len(p.UsedGrad) > 0 {
		dst = append(dst, `,"used_grad":`...)
		dst = AppendFloats(dst, p.UsedGrad)
	}
	if p.LR != 0 {
		dst = append(dst, `,"lr":`...)
		dst = AppendFloat(dst, p.LR)
	}
	if p.GtHg != nil {
		dst = append(dst, `,"gthg":`...)
		dst = AppendFloat(dst, *p.GtHg)
	}
	if len(p.State) > 0 {
		dst = append(dst, `,"state":{`...)
		for i, e := range p.State {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, e.Name)
			dst = append(dst, ':')
			dst = AppendFloats(dst, e.V)
		}
		dst = append(dst, '}')
	}
	if p.Evals != 0 {
		dst = append(dst, `,"evals":`...)
		dst = strconv.AppendInt(dst, int64(p.Evals), 10)
	}
	return append(dst, '}')
}

// appendRunHead appends a run's fields before its points, as encoding/json
// marshals scene.RunResult, up to and including `"points":`.
func appendRunHead(dst []byte, r *scene.RunResult) []byte {
	dst = append(dst, `{"optimizer":`...)
	dst = AppendString(dst, r.Optimizer)
	if r.Label != "" {
		dst = append(dst, `,"label":`...)
		dst = AppendString(dst, r.Label)
	}
	dst = append(dst, `,"status":`...)
	dst = AppendString(dst, string(r.Status))
	if r.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = AppendString(dst, r.Reason)
	}
	if st := r.Stationary; st != nil {
		dst = append(dst, `,"stationary":{"kind":`...)
		dst = AppendString(dst, st.Kind)
		for _, f := range []struct {
			name string
			v    *float64
		}{{`,"lambda_min":`, st.LambdaMin}, {`,"lambda_max":`, st.LambdaMax}, {`,"zero_tol":`, st.ZeroTol}} {
			if f.v != nil {
				dst = append(dst, f.name...)
				dst = AppendFloat(dst, *f.v)
			}
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"clips":`...)
	dst = strconv.AppendInt(dst, int64(r.Clips), 10)
	if r.InPlane != nil {
		dst = append(dst, `,"in_plane":`...)
		dst = AppendFloat(dst, *r.InPlane)
	}
	return append(dst, `,"points":`...)
}

// AppendRuns appends the answer of /api/run, {"runs":[…]} and a newline,
// byte for byte as encoding/json's Encoder (HTML escaping off) writes it.
func AppendRuns(dst []byte, runs []scene.RunResult) []byte {
	s := sink{buf: dst}
	s.runs(runs)
	return s.buf
}

// WriteRuns writes what AppendRuns appends to w in pieces of about
// ChunkSize, so that a long answer is never held whole.
func WriteRuns(w io.Writer, runs []scene.RunResult) error {
	s := sink{w: w, buf: make([]byte, 0, 2*ChunkSize)}
	s.runs(runs)
	return s.flush()
}

func (s *sink) runs(runs []scene.RunResult) {
	s.buf = append(s.buf, `{"runs":`...)
	if runs == nil {
		s.buf = append(s.buf, "null}\n"...)
		return
	}
	s.buf = append(s.buf, '[')
	for i := range runs {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		r := &runs[i]
		s.buf = appendRunHead(s.buf, r)
		if r.Points == nil {
			s.buf = append(s.buf, "null"...)
		} else {
			s.buf = append(s.buf, '[')
			for j := range r.Points {
				if j > 0 {
					s.buf = append(s.buf, ',')
				}
				s.buf = AppendPoint(s.buf, &r.Points[j])
				s.check()
			}
			s.buf = append(s.buf, ']')
		}
		s.buf = append(s.buf, '}')
	}
	s.buf = append(s.buf, "]}\n"...)
}

// ChunkSize is about how much WriteRuns and its kin hold before writing.
const ChunkSize = 32 << 10

// sink is a buffer that, given a writer, writes itself out whenever it
// holds ChunkSize bytes (check), and keeps the first error.
type sink struct {
	w   io.Writer
	buf []byte
	err error
}

func (s *sink) check() {
	if s.w != nil && len(s.buf) >= ChunkSize {
		_ = s.flush()
	}
}

func (s *sink) flush() error {
	if s.w == nil || s.err != nil {
		s.buf = s.buf[:0]
		return s.err
	}
	if len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}
