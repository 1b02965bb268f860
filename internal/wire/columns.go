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
	s := sink{buf: dst}
	s.columns(runs)
	return s.buf
}

// WriteRunsColumns writes what AppendRunsColumns appends to w, in pieces.
func WriteRunsColumns(w io.Writer, runs []scene.RunResult) error {
	s := sink{w: w, buf: make([]byte, 0, 2*ChunkSize)}
	s.columns(runs)
	return s.flush()
}

func (s *sink) columns(runs []scene.RunResult) {
	s.buf = append(s.buf, `{"runs":[`...)
	for i := range runs {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		r := &runs[i]
		s.buf = appendRunHead(s.buf, r)
		s.appendColumns(r.Points)
		s.buf = append(s.buf, '}')
	}
	s.buf = append(s.buf, "]}\n"...)
}

// vecColumn writes one column of vectors, null where a point has none.
func (s *sink) vecColumn(name string, pts []scene.Point, get func(*scene.Point) []float64) {
	s.buf = append(s.buf, ',', '"')
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, `":[`...)
	for i := range pts {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		if v := get(&pts[i]); len(v) > 0 {
			s.buf = AppendFloats(s.buf, v)
		} else {
			s.buf = append(s.buf, "null"...)
		}
	}
	s.buf = append(s.buf, ']')
}

func (s *sink) appendColumns(pts []scene.Point) {
	var hasGrad, hasUpdate, hasRaw, hasUsed, hasLR, hasGtHg, hasEvals bool
	var names []string
	for i := range pts {
		p := &pts[i]
		hasGrad = hasGrad || len(p.Grad) > 0
		hasUpdate = hasUpdate || len(p.Update) > 0
		hasRaw = hasRaw || len(p.RawGrad) > 0
		hasUsed = hasUsed || len(p.UsedGrad) > 0
		hasLR = hasLR || p.LR != 0
		hasGtHg = hasGtHg || p.GtHg != nil
		hasEvals = hasEvals || p.Evals != 0
		for k := range p.State {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)

	s.buf = append(s.buf, `{"k":[`...)
	for i := range pts {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		s.buf = strconv.AppendInt(s.buf, int64(pts[i].K), 10)
	}
	s.buf = append(s.buf, ']')
	s.vecColumn("xy", pts, func(p *scene.Point) []float64 { return p.XY })
	s.floatColumn("loss", pts, func(p *scene.Point) float64 { return p.Loss })
	if hasGrad {
		s.vecColumn("grad", pts, func(p *scene.Point) []float64 { return p.Grad })
	}
	s.floatColumn("grad_norm", pts, func(p *scene.Point) float64 { return p.GradNorm })
	s.buf = append(s.buf, `,"clipped":[`...)
	for i := range pts {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		s.buf = strconv.AppendBool(s.buf, pts[i].Clipped)
	}
	s.buf = append(s.buf, ']')
	if hasUpdate {
		s.vecColumn("update", pts, func(p *scene.Point) []float64 { return p.Update })
	}
	if hasRaw {
		s.vecColumn("raw_grad", pts, func(p *scene.Point) []float64 { return p.RawGrad })
	}
	if hasUsed {
		s.vecColumn("used_grad", pts, func(p *scene.Point) []float64 { return p.UsedGrad })
	}
	if hasLR {
		s.floatColumn("lr", pts, func(p *scene.Point) float64 { return p.LR })
	}
	if hasGtHg {
		s.buf = append(s.buf, `,"gthg":[`...)
		for i := range pts {
			if i > 0 {
				s.buf = append(s.buf, ',')
				s.check()
			}
			if g := pts[i].GtHg; g != nil {
				s.buf = AppendFloat(s.buf, *g)
			} else {
				s.buf = append(s.buf, "null"...)
			}
		}
		s.buf = append(s.buf, ']')
	}
	if len(names) > 0 {
		s.buf = append(s.buf, `,"state":{`...)
		for j, name := range names {
			if j > 0 {
				s.buf = append(s.buf, ',')
			}
			s.buf = AppendString(s.buf, name)
			s.buf = append(s.buf, ":["...)
			for i := range pts {
				if i > 0 {
					s.buf = append(s.buf, ',')
					s.check()
				}
				if v := pts[i].State[name]; len(v) > 0 {
					s.buf = AppendFloats(s.buf, v)
				} else {
					s.buf = append(s.buf, "null"...)
				}
			}
			s.buf = append(s.buf, ']')
		}
		s.buf = append(s.buf, '}')
	}
	if hasEvals {
		s.buf = append(s.buf, `,"evals":[`...)
		for i := range pts {
			if i > 0 {
				s.buf = append(s.buf, ',')
				s.check()
			}
			s.buf = strconv.AppendInt(s.buf, int64(pts[i].Evals), 10)
		}
		s.buf = append(s.buf, ']')
	}
	s.buf = append(s.buf, '}')
}

func (s *sink) floatColumn(name string, pts []scene.Point, get func(*scene.Point) float64) {
	s.buf = append(s.buf, ',', '"')
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, `":[`...)
	for i := range pts {
		if i > 0 {
			s.buf = append(s.buf, ',')
			s.check()
		}
		s.buf = AppendFloat(s.buf, get(&pts[i]))
	}
	s.buf = append(s.buf, ']')
}
