package wire

import (
	"io"
	"slices"
	"strconv"

	"github.com/saddle-viz/saddle/internal/scene"
)

// AppendRunsColumns appends the columnar answer of /api/run: the same
// {"runs":[…]} as AppendRuns, each run's "points" an object of arrays, one
// entry per point, keyed by the point's field names in the point's order:
// "k", "xy", "loss", "grad", "grad_norm", "clipped", "update", "raw_grad",
// "used_grad", "lr", "gthg", "state" (an object of arrays per name) and
// "evals". "run" is left out (every point of runs[i] has run i). k, xy,
// loss, grad_norm and clipped are always there; another column is there
// when any point of the run has the field, with null for a point that has
// not (0 for lr and evals, whose absence from a point means 0).
func AppendRunsColumns(dst []byte, runs []scene.RunResult) []byte {
	return AppendRunsColumnsFields(dst, runs, scene.AllFields)
}

// AppendRunsColumnsFields is AppendRunsColumns with only the columns of
// fields (the rule above within them).
func AppendRunsColumnsFields(dst []byte, runs []scene.RunResult, fields scene.Fields) []byte {
	s := sink{buf: dst}
	s.columns(runs, fields)
	return s.buf
}

// WriteRunsColumns writes what AppendRunsColumns appends to w, in pieces.
func WriteRunsColumns(w io.Writer, runs []scene.RunResult) error {
	return WriteRunsColumnsFields(w, runs, scene.AllFields)
}

// WriteRunsColumnsFields writes what AppendRunsColumnsFields appends to w.
func WriteRunsColumnsFields(w io.Writer, runs []scene.RunResult, fields scene.Fields) error {
	s := sink{w: w, buf: make([]byte, 0, 2*ChunkSize)}
	s.columns(runs, fields)
	return s.flush()
}

func (s *sink) columns(runs []scene.RunResult, fields scene.Fields) {
	s.buf = append(s.buf, `{"runs":[`...)
	for i := range runs {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		r := &runs[i]
		s.buf = appendRunHead(s.buf, r)
		s.appendColumns(r.Points, fields)
		s.buf = append(s.buf, '}')
	}
	s.buf = append(s.buf, "]}\n"...)
}

// columnHas is the optional columns some point of pts has (k, xy, loss,
// grad_norm and clipped always), and the names of their states, sorted.
func columnHas(pts []scene.Point) (scene.Fields, []string) {
	has := scene.FieldK | scene.FieldXY | scene.FieldLoss | scene.FieldGradNorm | scene.FieldClipped
	var names []string
	for i := range pts {
		p := &pts[i]
		if len(p.Grad) > 0 {
			has |= scene.FieldGrad
		}
		if len(p.Update) > 0 {
			has |= scene.FieldUpdate
		}
		if len(p.RawGrad) > 0 {
			has |= scene.FieldRawGrad
		}
		if len(p.UsedGrad) > 0 {
			has |= scene.FieldUsedGrad
		}
		if p.LR != 0 {
			has |= scene.FieldLR
		}
		if p.GtHg != nil {
			has |= scene.FieldGtHg
		}
		if p.Evals != 0 {
			has |= scene.FieldEvals
		}
		for _, e := range p.State {
			if !slices.Contains(names, e.Name) {
				names = append(names, e.Name)
			}
		}
	}
	if len(names) > 0 {
		has |= scene.FieldState
	}
	slices.Sort(names)
	return has, names
}

// key opens column name: a comma after the first, its key, the array.
func (s *sink) key(first *bool, name string) {
	if !*first {
		s.buf = append(s.buf, ',')
	}
	*first = false
	s.buf = append(s.buf, '"')
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, `":[`...)
}

// sep separates entry i of a column from the one before.
func (s *sink) sep(i int) {
	if i > 0 {
		s.buf = append(s.buf, ',')
		s.check()
	}
}

// vec writes one entry of a vector column, null for a point without it.
func (s *sink) vec(v []float64) {
	if len(v) > 0 {
		s.buf = AppendFloats(s.buf, v)
	} else {
		s.buf = append(s.buf, "null"...)
	}
}

func (s *sink) appendColumns(pts []scene.Point, fields scene.Fields) {
	has, names := columnHas(pts)
	has &= fields
	first := true
	s.buf = append(s.buf, '{')
	for bit, name := range scene.FieldNames {
		f := scene.Fields(1) << bit
		if !has.Has(f) {
			continue
		}
		if f == scene.FieldState {
			s.key(&first, name)
			s.buf[len(s.buf)-1] = '{' // an object of columns
			for j, name := range names {
				if j > 0 {
					s.buf = append(s.buf, ',')
				}
				s.buf = AppendString(s.buf, name)
				s.buf = append(s.buf, ":["...)
				for i := range pts {
					s.sep(i)
					v, _ := pts[i].State.Get(name)
					s.vec(v)
				}
				s.buf = append(s.buf, ']')
			}
			s.buf = append(s.buf, '}')
			continue
		}
		s.key(&first, name)
		for i := range pts {
			s.sep(i)
			p := &pts[i]
			switch f {
			case scene.FieldK:
				s.buf = strconv.AppendInt(s.buf, int64(p.K), 10)
			case scene.FieldXY:
				s.vec(p.XY)
			case scene.FieldLoss:
				s.buf = AppendFloat(s.buf, p.Loss)
			case scene.FieldGrad:
				s.vec(p.Grad)
			case scene.FieldGradNorm:
				s.buf = AppendFloat(s.buf, p.GradNorm)
			case scene.FieldClipped:
				s.buf = strconv.AppendBool(s.buf, p.Clipped)
			case scene.FieldUpdate:
				s.vec(p.Update)
			case scene.FieldRawGrad:
				s.vec(p.RawGrad)
			case scene.FieldUsedGrad:
				s.vec(p.UsedGrad)
			case scene.FieldLR:
				s.buf = AppendFloat(s.buf, p.LR)
			case scene.FieldGtHg:
				if p.GtHg != nil {
					s.buf = AppendFloat(s.buf, *p.GtHg)
				} else {
					s.buf = append(s.buf, "null"...)
				}
			case scene.FieldEvals:
				s.buf = strconv.AppendInt(s.buf, int64(p.Evals), 10)
			}
		}
		s.buf = append(s.buf, ']')
	}
	s.buf = append(s.buf, '}')
}
