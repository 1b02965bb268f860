package optim

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
)

func init() {
	register(Info{
		ID: "coordinate", Name: "Coordinate descent", Section: "§8.7.2 (draft 8.7.1)",
		Description: "Cyclic: each step minimises J exactly along one coordinate axis, the others held fixed. " +
			"Convention: where J has several minima along the axis it takes the nearest one downhill from θ " +
			"(Newton steps along the axis, or a bracket grown from θ), not the lowest. " +
			"Fast when coordinates are independent, stalls when they are strongly coupled.",
	}, func(n int) Method { return newCoordinate(n) })
}

// coordHessMaxDim is the largest dimension for which coordinate descent asks
// for the full Hessian to take Newton steps along an axis; beyond it, a
// derivative-free 1-D search is cheaper.
const coordHessMaxDim = 64

// coordinate is cyclic coordinate descent (8.7.1): step k minimises
// φ(t) = J(θ + t·e_i), i = k mod Dim, exactly. When the Hessian is at hand and
// positive along the axis it takes Newton steps along it (one suffices on a
// quadratic); otherwise, or if Newton stops decreasing J, it brackets the
// minimum by golden-ratio expansion and finishes with Brent's method on
// values alone (so clipping, which only changes gradients, cannot mislead it).
type coordinate struct {
	n     int
	next  int // the coordinate step k updates
	g     []float64
	h     *mat.SymDense // nil beyond coordHessMaxDim
	delta []float64     // the last step, along one axis

	// the 1-D problem of the current step
	o      *Oracle
	theta  []float64
	i      int
	origin float64 // θ_i before the step

	state []Vec
}

var _ Method = (*coordinate)(nil)

func newCoordinate(n int) *coordinate {
	m := &coordinate{n: n, g: make([]float64, n), delta: make([]float64, n)}
	if n <= coordHessMaxDim {
		m.h = mat.NewSymDense(n, nil)
	}
	m.state = []Vec{{Name: "direction", V: m.delta}}
	return m
}

func (m *coordinate) Configure(Values) {}

// State: "direction" is the step just taken, zero but along one axis.
func (m *coordinate) State() []Vec { return m.state }

func (m *coordinate) Step(o *Oracle, theta []float64, _ float64) error {
	i := m.next
	m.next = (m.next + 1) % m.n
	m.o, m.theta, m.i, m.origin = o, theta, i, theta[i]
	defer func() { m.o, m.theta = nil, nil }()

	_, hessian := o.obj.(landscape.Hessianer)
	if m.h == nil || !hessian || !m.newtonAlongAxis() {
		m.searchAlongAxis()
	}
	for j := range m.delta {
		m.delta[j] = 0
	}
	m.delta[i] = theta[i] - m.origin
	return nil
}

// phi evaluates J with θ_i = origin + t.
func (m *coordinate) phi(t float64) float64 {
	m.theta[m.i] = m.origin + t
	f := m.o.Value(m.theta)
	m.theta[m.i] = m.origin
	if !finite(f) {
		return math.Inf(1)
	}
	return f
}

// newtonAlongAxis iterates t ← t − φ'(t)/φ”(t) while φ” > 0 and J falls,
// leaving θ at the best point. It reports whether it converged.
func (m *coordinate) newtonAlongAxis() bool {
	i, theta := m.i, m.theta
	f := m.o.Grad(m.g, theta)
	g0 := math.Abs(m.g[i])
	for iter := 0; iter < 30; iter++ {
		gi := m.g[i]
		if math.Abs(gi) <= 1e-13*g0 || gi == 0 {
			return true
		}
		if err := m.o.Hess(m.h, theta); err != nil {
			return false
		}
		hii := m.h.At(i, i)
		if !(hii > 0) || !finite(hii) {
			return false
		}
		t := -gi / hii
		old := theta[i]
		theta[i] += t
		fNew := m.o.Grad(m.g, theta)
		if !finite(fNew) || fNew > f+1e-14*math.Abs(f) {
			theta[i] = old // Newton overshot: not locally quadratic enough
			return false
		}
		f = fNew
		if math.Abs(t) <= 1e-14*(1+math.Abs(theta[i])) {
			return true
		}
	}
	return true
}

// searchAlongAxis brackets a minimum of φ from t = θ_i − origin and refines
// it with Brent's method, leaving θ at the best point found.
func (m *coordinate) searchAlongAxis() {
	start := m.theta[m.i] - m.origin // Newton may have moved already
	h := 0.1 * math.Max(1, math.Abs(m.theta[m.i]))
	a, fa := start, m.phi(start)
	b, fb := start+h, m.phi(start+h)
	if fb >= fa {
		c, fc := start-h, m.phi(start-h)
		if fc >= fa {
			m.settle(brentMin(m.phi, start-h, start+h, a, fa, h))
			return
		}
		b, fb = c, fc
	}
	// Expand downhill until J rises again: then (a, c) brackets b.
	for k := 0; k < 60; k++ {
		c := b + goldenRatio*(b-a)
		fc := m.phi(c)
		if fc >= fb {
			m.settle(brentMin(m.phi, math.Min(a, c), math.Max(a, c), b, fb, h))
			return
		}
		a, fa = b, fb
		b, fb = c, fc
	}
	m.settle(b, fb) // J keeps falling along the axis; the run will diverge
}

func (m *coordinate) settle(t, _ float64) { m.theta[m.i] = m.origin + t }

const goldenRatio = 1.618033988749895

// brentMin minimises φ on [a, b] from a point x inside with φ(x) = fx below
// φ at both ends, by Brent's (1973) mix of golden-section and parabolic
// steps. scale sets the absolute tolerance floor.
func brentMin(phi func(float64) float64, a, b, x, fx, scale float64) (float64, float64) {
	const (
		cgold   = 0.3819660112501051 // (3 − √5)/2
		sqrtEps = 1.4901161193847656e-08
	)
	w, v, fw, fv := x, x, fx, fx
	var d, e float64
	for iter := 0; iter < 100; iter++ {
		mid := 0.5 * (a + b)
		tol := sqrtEps*math.Abs(x) + 1e-12*scale
		tol2 := 2 * tol
		if math.Abs(x-mid) <= tol2-0.5*(b-a) {
			break
		}
		golden := true
		if math.Abs(e) > tol {
			// A parabola through (x, fx), (w, fw), (v, fv).
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			} else {
				q = -q
			}
			eOld := e
			e = d
			if math.Abs(p) < math.Abs(0.5*q*eOld) && p > q*(a-x) && p < q*(b-x) {
				d = p / q
				if u := x + d; u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol, mid-x)
				}
				golden = false
			}
		}
		if golden {
			if x < mid {
				e = b - x
			} else {
				e = a - x
			}
			d = cgold * e
		}
		u := x + d
		if math.Abs(d) < tol {
			u = x + math.Copysign(tol, d)
		}
		fu := phi(u)
		if fu <= fx {
			if u < x {
				b = x
			} else {
				a = x
			}
			v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
			continue
		}
		if u < x {
			a = u
		} else {
			b = u
		}
		switch {
		case fu <= fw || w == x:
			v, fv, w, fw = w, fw, u, fu
		case fu <= fv || v == x || v == w:
			v, fv = u, fu
		}
	}
	return x, fx
}
