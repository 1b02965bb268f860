package scene

import (
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// Point is one step of one run on the wire (API.md). Optional fields carry
// what the page draws: the update, the raw gradient of a clipped step, gᵀHg,
// and the optimizer's state.
type Point struct {
	Run      int       `json:"run"`
	K        int       `json:"k"`
	XY       []float64 `json:"xy"`
	Loss     float64   `json:"loss"`
	Grad     []float64 `json:"grad,omitempty"`
	GradNorm float64   `json:"grad_norm"`
	Clipped  bool      `json:"clipped"`
	Update   []float64 `json:"update,omitempty"`
	RawGrad  []float64 `json:"raw_grad,omitempty"`  // the gradient before clipping, only when clipped
	UsedGrad []float64 `json:"used_grad,omitempty"` // after clipping, only when clipped
	LR       float64   `json:"lr,omitempty"`
	GtHg     *float64  `json:"gthg,omitempty"` // gᵀHg at θ_k (8.2.1)
	State    State     `json:"state,omitempty"`
	Evals    int       `json:"evals,omitempty"`
}

// NamedVec is one named vector of an optimizer's state.
type NamedVec struct {
	Name string
	V    []float64
}

// State is an optimizer's state at a step, its vectors sorted by name: on
// the wire an object of arrays keyed by name, as a map would be, but built
// without one (a map a point was most of a point's cost).
type State []NamedVec

// Get is the vector named name.
func (s State) Get(name string) ([]float64, bool) {
	for _, e := range s {
		if e.Name == name {
			return e.V, true
		}
	}
	return nil, false
}

// MarshalJSON writes s as encoding/json writes the map of it.
func (s State) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	b := []byte{'{'}
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(e.Name)
		v, err := json.Marshal(e.V)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads an object of arrays (a room's mirror reads frames).
func (s *State) UnmarshalJSON(b []byte) error {
	var m map[string][]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*s = nil
	for k, v := range m {
		*s = insertSorted(*s, NamedVec{k, v})
	}
	return nil
}

// insertSorted appends e to s, sorted by name (the few vectors of a state:
// insertion), replacing a vector of the same name as a map would.
func insertSorted(s State, e NamedVec) State {
	for i := range s {
		if s[i].Name == e.Name {
			s[i] = e
			return s
		}
	}
	s = append(s, e)
	for j := len(s) - 1; j > 0 && s[j].Name < s[j-1].Name; j-- {
		s[j], s[j-1] = s[j-1], s[j]
	}
	return s
}

// Detail chooses how much of a step goes on the wire.
type Detail int

const (
	Compact Detail = iota // run, k, xy, loss, grad_norm, clipped, gᵀHg
	Full                  // plus grad, update, raw/used gradient, lr, state, evals
)

// Fields is a set of a point's fields, for an answer that asks for some:
// what it leaves out of the vectors and gᵀHg is not computed.
type Fields uint16

const (
	FieldK Fields = 1 << iota
	FieldXY
	FieldLoss
	FieldGrad
	FieldGradNorm
	FieldClipped
	FieldUpdate
	FieldRawGrad
	FieldUsedGrad
	FieldLR
	FieldGtHg
	FieldState
	FieldEvals
	AllFields = FieldEvals<<1 - 1
)

// FieldNames are the fields' wire names, in a point's order (bit i is
// FieldNames[i]).
var FieldNames = [...]string{"k", "xy", "loss", "grad", "grad_norm", "clipped", "update",
	"raw_grad", "used_grad", "lr", "gthg", "state", "evals"}

// Has reports whether f holds every field of g.
func (f Fields) Has(g Fields) bool { return f&g == g }

// PointOf converts run i's current step. It copies every slice, so the
// point stays valid after the run steps again.
func (s *Scene) PointOf(i int, st *optim.Step, d Detail) Point {
	return s.pointOf(i, st, d, AllFields, &s.live)
}

// pointOf is PointOf with the fields to fill and the storage to copy into.
func (s *Scene) pointOf(i int, st *optim.Step, d Detail, f Fields, a *pointArena) Point {
	p := Point{Run: i, K: st.K, Loss: st.Loss, GradNorm: st.GradNorm, Clipped: st.Clipped}
	if s.View != nil {
		// Full-dimensional vectors (gradient, update, state) stay on the
		// server: a point is its plane coordinates and scalars.
		xy := a.floats(2)
		xy[0], xy[1] = s.View.Coords(st.Theta)
		p.XY = xy
		if d == Full {
			p.LR = st.LR
			p.Evals = st.Evals
			if f.Has(FieldGtHg) && s.hv != nil && allFinite(st.Grad) {
				s.Obj.(landscape.HessVecer).HessVec(s.hv, st.Theta, st.Grad)
				if v := dot(st.Grad, s.hv); isFinite(v) {
					p.GtHg = a.float(v)
				}
			}
		}
		return p
	}
	p.XY = a.copy(st.Theta)
	if f.Has(FieldGtHg) && s.hess != nil {
		if h, ok := s.Obj.(landscape.Hessianer); ok {
			h.Hess(s.hess, st.Theta)
			if v, ok := s.gtHg(st.Grad); ok {
				p.GtHg = a.float(v)
			}
		}
	}
	if d == Full {
		if f.Has(FieldGrad) {
			p.Grad = a.copy(st.Grad)
		}
		p.LR = st.LR
		p.Evals = st.Evals
		if st.K > 0 && f.Has(FieldUpdate) {
			p.Update = a.copy(st.Update)
		}
		// The gradient a step used was taken at a trial point (a line search's,
		// Nesterov's look-ahead) and may have overflowed there: only finite
		// vectors go on the wire.
		if st.Clipped && f&(FieldRawGrad|FieldUsedGrad) != 0 && allFinite(st.RawGrad) && allFinite(st.UsedGrad) {
			if f.Has(FieldRawGrad) {
				p.RawGrad = a.copy(st.RawGrad)
			}
			if f.Has(FieldUsedGrad) {
				p.UsedGrad = a.copy(st.UsedGrad)
			}
		}
		if len(st.State) > 0 && f.Has(FieldState) {
			p.State = s.stateOf(i, st.State, a)
		}
	}
	return p
}

// stateOrder is how run's state vectors were last sorted: their names as
// the method gave them, and the order by name of the finite ones. A method
// names the same vectors step after step (the same strings: comparing them
// is comparing pointers), so the sort is done again only when that changes.
type stateOrder struct {
	names []string
	order []int // indices into names, by name; nil entries left out
	ok    []bool
}

// stateOf copies run i's state: its finite vectors, sorted by name.
func (s *Scene) stateOf(i int, vs []optim.Vec, a *pointArena) State {
	for len(s.orders) <= i {
		s.orders = append(s.orders, stateOrder{})
	}
	o := &s.orders[i]
	same := len(o.names) == len(vs)
	for j := 0; same && j < len(vs); j++ {
		same = o.names[j] == vs[j].Name && o.ok[j] == allFinite(vs[j].V)
	}
	if !same {
		o.names, o.ok, o.order = o.names[:0], o.ok[:0], o.order[:0]
	names:
		for j, v := range vs {
			o.names = append(o.names, v.Name)
			o.ok = append(o.ok, allFinite(v.V))
			if !o.ok[j] {
				continue
			}
			for k, m := range o.order {
				if vs[m].Name == v.Name { // the later of two of a name, as a map keeps
					o.order[k] = j
					continue names
				}
			}
			o.order = append(o.order, j)
			for k := len(o.order) - 1; k > 0 && vs[o.order[k]].Name < vs[o.order[k-1]].Name; k-- {
				o.order[k], o.order[k-1] = o.order[k-1], o.order[k]
			}
		}
	}
	if len(o.order) == 0 {
		return nil
	}
	out := a.vecs(len(o.order))
	for k, j := range o.order {
		out[k] = NamedVec{vs[j].Name, a.copy(vs[j].V)}
	}
	return out
}

// project maps θ to the plot's plane: for a 2-D objective θ itself, for a
// projected one the least-squares coordinates (a, b) on the scene's plane.
func (s *Scene) project(theta []float64) []float64 {
	if s.View != nil {
		a, b := s.View.Coords(theta)
		return []float64{a, b}
	}
	return append([]float64(nil), theta...)
}

// gtHg is gᵀHg (H in s.hess) computed on g scaled by its largest component,
// so that it overflows only when the result itself is beyond the largest
// float64; ok is false then (or for a non-finite H or g), and the point
// carries none.
func (s *Scene) gtHg(g []float64) (float64, bool) {
	m := 0.0
	for _, x := range g {
		m = math.Max(m, math.Abs(x))
	}
	if !isFinite(m) {
		return 0, false
	}
	if m == 0 {
		m = 1
	}
	u := s.u[:len(g)]
	for i, x := range g {
		u[i] = x / m
	}
	v := innerSym(s.hess, u) * m * m
	return v, isFinite(v)
}

// innerSym is mat.Inner(u, h, u) as gonum computes it, the same dot
// products in the same order (so the same bits on the wire), without the
// vectors Inner takes (an allocation each).
func innerSym(h *mat.SymDense, u []float64) float64 {
	raw := h.RawSymmetric()
	n := raw.N
	if n == 2 {
		return innerSym2(raw.Data[0], raw.Data[1], raw.Data[raw.Stride+1], u[0], u[1])
	}
	var sum float64
	for i := range n {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		if ui := u[i]; ui != 0 {
			sum += ui * floats.Dot(row[i:], u[i:])
			if i != n-1 {
				sum += ui * floats.Dot(row[i+1:], u[i+1:])
			}
		}
	}
	return sum
}

// innerSym2 is innerSym of [[a, b], [b, c]] in closed form: Inner's three
// products, each added as gonum's DotUnitary adds fewer than 4 terms (from
// +0, then +0 twice more, so a −0 comes out +0). The float64 conversions
// keep a compiler from fusing a product into an addition (the spec allows
// it otherwise), which would change the bits.
func innerSym2(a, b, c, u0, u1 float64) float64 {
	small := func(s float64) float64 { return 0 + (s + 0) }
	var sum float64
	if u0 != 0 {
		sum += float64(u0 * small(float64(0+float64(a*u0))+float64(b*u1)))
		sum += float64(u0 * small(0+float64(b*u1)))
	}
	if u1 != 0 {
		sum += float64(u1 * small(0+float64(c*u1)))
	}
	return sum
}

// pointArena is where points' vectors live: carved from chunks, so that a
// point costs an allocation a chunk, not one a vector (and a map). A chunk
// lives while any point in it does: the live arena's chunks are small (a
// room that keeps one point in many pins little), a batch's grow large.
type pointArena struct {
	f     []float64
	v     []NamedVec
	batch bool
}

const (
	liveFloats, liveVecs   = 64, 8
	batchFloats, batchVecs = 1 << 15, 1 << 12
)

// grow is the size of the next chunk after one of capacity c.
func (a *pointArena) grow(c, live, most int) int {
	if !a.batch {
		return live
	}
	return min(max(2*c, 4*live), most)
}

// floats are n fresh floats.
func (a *pointArena) floats(n int) []float64 {
	if n > cap(a.f)-len(a.f) {
		size := a.grow(cap(a.f), liveFloats, batchFloats)
		if n > size {
			return make([]float64, n)
		}
		a.f = make([]float64, 0, size)
	}
	m := len(a.f)
	a.f = a.f[:m+n]
	return a.f[m : m+n : m+n]
}

// copy is a copy of x, nil for an empty x.
func (a *pointArena) copy(x []float64) []float64 {
	if len(x) == 0 {
		return nil
	}
	d := a.floats(len(x))
	copy(d, x)
	return d
}

// float is a pointer to a copy of x.
func (a *pointArena) float(x float64) *float64 {
	d := a.floats(1)
	d[0] = x
	return &d[0]
}

// vecs are n fresh named vectors.
func (a *pointArena) vecs(n int) []NamedVec {
	if n > cap(a.v)-len(a.v) {
		size := a.grow(cap(a.v), liveVecs, batchVecs)
		if n > size {
			return make([]NamedVec, n)
		}
		a.v = make([]NamedVec, 0, size)
	}
	m := len(a.v)
	a.v = a.v[:m+n]
	return a.v[m : m+n : m+n]
}
