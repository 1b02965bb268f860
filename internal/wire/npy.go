package wire

import (
	"encoding/binary"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/saddle-viz/saddle/internal/scene"
)

// NPYType is the media type of a NumPy array file (there is no registered
// one; this is the one NumPy's own tools and most servers use).
const NPYType = "application/x-npy"

// npyField is one field of the structured dtype: a name, a NumPy type
// ('<i8', '<f8', '|b1') and, for a vector, its width.
type npyField struct {
	name  string
	typ   string
	width int // 0: a scalar
	put   func(dst []byte, p *scene.Point) []byte
}

// AppendNPY appends every point of runs as one NumPy .npy file (format 1.0,
// or 2.0 for a header over 64 KiB): a structured array with a row per point,
// runs in order and within each run k ascending, little-endian and packed:
//
//	run <i8, k <i8, xy <f8 (d,), loss <f8, grad <f8 (d,), grad_norm <f8,
//	clipped |b1, update, raw_grad, used_grad <f8 (d,), lr <f8, gthg <f8,
//	state.<name> <f8 (w,) …, evals <i8
//
// numpy.load reads it; a pandas frame is pandas.DataFrame(list(a)) or one
// column at a time. As in the columnar JSON form, a field is there when any
// point has it; a point without it has NaN there (0 for lr and evals). A
// vector field is as wide as its widest value, shorter ones padded with NaN.
// The run's optimizer, status and reason are in the JSON forms only.
func AppendNPY(dst []byte, runs []scene.RunResult) []byte {
	return AppendNPYFields(dst, runs, scene.AllFields)
}

// AppendNPYFields is AppendNPY with only the fields of fields (and run).
func AppendNPYFields(dst []byte, runs []scene.RunResult, fields scene.Fields) []byte {
	s := sink{buf: dst}
	s.npy(runs, fields)
	return s.buf
}

// WriteNPY writes what AppendNPY appends to w, in pieces.
func WriteNPY(w io.Writer, runs []scene.RunResult) error {
	return WriteNPYFields(w, runs, scene.AllFields)
}

// WriteNPYFields writes what AppendNPYFields appends to w, in pieces.
func WriteNPYFields(w io.Writer, runs []scene.RunResult, fields scene.Fields) error {
	s := sink{w: w, buf: make([]byte, 0, 2*ChunkSize)}
	s.npy(runs, fields)
	return s.flush()
}

// stateWidth is one state vector's name and widest length.
type stateWidth struct {
	name  string
	width int
}

func (s *sink) npy(runs []scene.RunResult, only scene.Fields) {
	n := 0
	var wXY, wGrad, wUpd, wRaw, wUsed int
	var hasLR, hasGtHg, hasEvals bool
	var widths []stateWidth
	for i := range runs {
		for j := range runs[i].Points {
			p := &runs[i].Points[j]
			n++
			wXY, wGrad, wUpd = max(wXY, len(p.XY)), max(wGrad, len(p.Grad)), max(wUpd, len(p.Update))
			wRaw, wUsed = max(wRaw, len(p.RawGrad)), max(wUsed, len(p.UsedGrad))
			hasLR = hasLR || p.LR != 0
			hasGtHg = hasGtHg || p.GtHg != nil
			hasEvals = hasEvals || p.Evals != 0
		state:
			for _, e := range p.State {
				for i := range widths {
					if widths[i].name == e.Name {
						widths[i].width = max(widths[i].width, len(e.V))
						continue state
					}
				}
				widths = append(widths, stateWidth{e.Name, max(len(e.V), 1)})
			}
		}
	}
	vec := func(name string, w int, get func(*scene.Point) []float64) npyField {
		return npyField{name, "<f8", w, func(dst []byte, p *scene.Point) []byte { return putVec(dst, get(p), w) }}
	}
	scalar := func(name string, get func(*scene.Point) float64) npyField {
		return npyField{name, "<f8", 0, func(dst []byte, p *scene.Point) []byte { return putF(dst, get(p)) }}
	}
	has := func(f scene.Fields) bool { return only.Has(f) }
	fields := []npyField{{"run", "<i8", 0, func(dst []byte, p *scene.Point) []byte {
		return binary.LittleEndian.AppendUint64(dst, uint64(int64(p.Run)))
	}}}
	if has(scene.FieldK) {
		fields = append(fields, npyField{"k", "<i8", 0, func(dst []byte, p *scene.Point) []byte {
			return binary.LittleEndian.AppendUint64(dst, uint64(int64(p.K)))
		}})
	}
	if has(scene.FieldXY) {
		fields = append(fields, vec("xy", max(wXY, 1), func(p *scene.Point) []float64 { return p.XY }))
	}
	if has(scene.FieldLoss) {
		fields = append(fields, scalar("loss", func(p *scene.Point) float64 { return p.Loss }))
	}
	if wGrad > 0 && has(scene.FieldGrad) {
		fields = append(fields, vec("grad", wGrad, func(p *scene.Point) []float64 { return p.Grad }))
	}
	if has(scene.FieldGradNorm) {
		fields = append(fields, scalar("grad_norm", func(p *scene.Point) float64 { return p.GradNorm }))
	}
	if has(scene.FieldClipped) {
		fields = append(fields, npyField{"clipped", "|b1", 0, func(dst []byte, p *scene.Point) []byte {
			if p.Clipped {
				return append(dst, 1)
			}
			return append(dst, 0)
		}})
	}
	if wUpd > 0 && has(scene.FieldUpdate) {
		fields = append(fields, vec("update", wUpd, func(p *scene.Point) []float64 { return p.Update }))
	}
	if wRaw > 0 && has(scene.FieldRawGrad) {
		fields = append(fields, vec("raw_grad", wRaw, func(p *scene.Point) []float64 { return p.RawGrad }))
	}
	if wUsed > 0 && has(scene.FieldUsedGrad) {
		fields = append(fields, vec("used_grad", wUsed, func(p *scene.Point) []float64 { return p.UsedGrad }))
	}
	if hasLR && has(scene.FieldLR) {
		fields = append(fields, scalar("lr", func(p *scene.Point) float64 { return p.LR }))
	}
	if hasGtHg && has(scene.FieldGtHg) {
		fields = append(fields, scalar("gthg", func(p *scene.Point) float64 {
			if p.GtHg == nil {
				return math.NaN()
			}
			return *p.GtHg
		}))
	}
	if has(scene.FieldState) {
		slices.SortFunc(widths, func(a, b stateWidth) int { return strings.Compare(a.name, b.name) })
		for _, w := range widths {
			fields = append(fields, vec("state."+w.name, w.width, func(p *scene.Point) []float64 {
				v, _ := p.State.Get(w.name)
				return v
			}))
		}
	}
	if hasEvals && has(scene.FieldEvals) {
		fields = append(fields, npyField{"evals", "<i8", 0, func(dst []byte, p *scene.Point) []byte {
			return binary.LittleEndian.AppendUint64(dst, uint64(int64(p.Evals)))
		}})
	}

	s.buf = appendNPYHeader(s.buf, fields, n)
	for i := range runs {
		for j := range runs[i].Points {
			p := &runs[i].Points[j]
			for _, f := range fields {
				s.buf = f.put(s.buf, p)
			}
			s.check()
		}
	}
}

func putF(dst []byte, x float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(x))
}

func putVec(dst []byte, v []float64, w int) []byte {
	for i := range w {
		x := math.NaN()
		if i < len(v) {
			x = v[i]
		}
		dst = putF(dst, x)
	}
	return dst
}

// appendNPYHeader writes the magic, version, header length and the header:
// a Python dict literal padded with spaces and a newline so that the data
// starts at a multiple of 64 bytes.
func appendNPYHeader(dst []byte, fields []npyField, n int) []byte {
	h := []byte("{'descr': [")
	for i, f := range fields {
		if i > 0 {
			h = append(h, ", "...)
		}
		h = append(h, "('"...)
		h = append(h, f.name...) // names are plain ASCII: field names and state identifiers
		h = append(h, "', '"...)
		h = append(h, f.typ...)
		h = append(h, '\'')
		if f.width > 0 {
			h = append(h, ", ("...)
			h = strconv.AppendInt(h, int64(f.width), 10)
			h = append(h, ",)"...)
		}
		h = append(h, ')')
	}
	h = append(h, "], 'fortran_order': False, 'shape': ("...)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, ",), }"...)

	prefix := 10 // magic (6), version (2), length (2)
	if len(h)+1+prefix+63 > math.MaxUint16 {
		prefix = 12 // version 2.0: a 4-byte length
	}
	pad := 63 - (prefix+len(h))%64 // spaces before the final newline
	for range pad {
		h = append(h, ' ')
	}
	h = append(h, '\n')

	dst = append(dst, "\x93NUMPY"...)
	if prefix == 10 {
		dst = append(dst, 1, 0)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(h)))
	} else {
		dst = append(dst, 2, 0)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(h)))
	}
	return append(dst, h...)
}
