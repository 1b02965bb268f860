package landscape

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The analytic 2-D objectives of the catalogue. Each is a small value type
// with no mutable state, so one value may be shared by many goroutines.

// Himmelblau is (x²+y−11)² + (x+y²−7)², four minima of equal height (8.2.2).
type Himmelblau struct{}

func (Himmelblau) Dim() int { return 2 }

func (Himmelblau) Value(x []float64) float64 {
	a, b := x[0]*x[0]+x[1]-11, x[0]+x[1]*x[1]-7
	return a*a + b*b
}

func (Himmelblau) Grad(g, x []float64) float64 {
	a, b := x[0]*x[0]+x[1]-11, x[0]+x[1]*x[1]-7
	g[0] = 4*x[0]*a + 2*b
	g[1] = 2*a + 4*x[1]*b
	return a*a + b*b
}

func (Himmelblau) Hess(dst *mat.SymDense, x []float64) {
	a, b := x[0]*x[0]+x[1]-11, x[0]+x[1]*x[1]-7
	dst.SetSym(0, 0, 4*a+8*x[0]*x[0]+2)
	dst.SetSym(0, 1, 4*(x[0]+x[1]))
	dst.SetSym(1, 1, 2+4*b+8*x[1]*x[1])
}

// Beale is Σᵢ (cᵢ − x + x·yⁱ)², c = (1.5, 2.25, 2.625): a flat basin with
// steep walls, minimum at (3, 0.5).
type Beale struct{}

var bealeC = [3]float64{1.5, 2.25, 2.625}

func (Beale) Dim() int { return 2 }

func (Beale) Value(x []float64) float64 {
	var f float64
	yp := x[1] // y^i
	for _, c := range bealeC {
		t := c - x[0] + x[0]*yp
		f += t * t
		yp *= x[1]
	}
	return f
}

func (Beale) Grad(g, x []float64) float64 {
	var f, gx, gy float64
	yq := 1.0 // y^(i−1)
	for i, c := range bealeC {
		k := float64(i + 1)
		yp := yq * x[1]
		t := c - x[0] + x[0]*yp
		f += t * t
		gx += 2 * t * (yp - 1)
		gy += 2 * t * k * x[0] * yq
		yq = yp
	}
	g[0], g[1] = gx, gy
	return f
}

func (Beale) Hess(dst *mat.SymDense, x []float64) {
	var hxx, hxy, hyy float64
	yr, yq := 0.0, 1.0 // y^(i−2) (0 for i = 1), y^(i−1)
	for i, c := range bealeC {
		k := float64(i + 1)
		yp := yq * x[1]
		t := c - x[0] + x[0]*yp
		tx, ty := yp-1, k*x[0]*yq
		hxx += 2 * tx * tx
		hxy += 2 * (tx*ty + t*k*yq)
		hyy += 2 * (ty*ty + t*k*(k-1)*x[0]*yr)
		yr, yq = yq, yp
	}
	dst.SetSym(0, 0, hxx)
	dst.SetSym(0, 1, hxy)
	dst.SetSym(1, 1, hyy)
}

// Saddle is x² − y², the plain saddle of 8.2.4.
type Saddle struct{}

func (Saddle) Dim() int                  { return 2 }
func (Saddle) Value(x []float64) float64 { return x[0]*x[0] - x[1]*x[1] }

func (Saddle) Grad(g, x []float64) float64 {
	g[0], g[1] = 2*x[0], -2*x[1]
	return x[0]*x[0] - x[1]*x[1]
}

func (Saddle) Hess(dst *mat.SymDense, _ []float64) {
	dst.SetSym(0, 0, 2)
	dst.SetSym(0, 1, 0)
	dst.SetSym(1, 1, -2)
}

// MonkeySaddle is x³ − 3xy²: a degenerate saddle whose Hessian vanishes at
// the origin, so second-order methods see nothing there.
type MonkeySaddle struct{}

func (MonkeySaddle) Dim() int { return 2 }

func (MonkeySaddle) Value(x []float64) float64 {
	return x[0] * (x[0]*x[0] - 3*x[1]*x[1])
}

func (MonkeySaddle) Grad(g, x []float64) float64 {
	g[0] = 3 * (x[0]*x[0] - x[1]*x[1])
	g[1] = -6 * x[0] * x[1]
	return x[0] * (x[0]*x[0] - 3*x[1]*x[1])
}

func (MonkeySaddle) Hess(dst *mat.SymDense, x []float64) {
	dst.SetSym(0, 0, 6*x[0])
	dst.SetSym(0, 1, -6*x[1])
	dst.SetSym(1, 1, -6*x[0])
}

// SixHumpCamel is (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²: two global and
// four local minima (8.2.2).
type SixHumpCamel struct{}

func (SixHumpCamel) Dim() int { return 2 }

func (SixHumpCamel) Value(x []float64) float64 {
	a, b := x[0]*x[0], x[1]*x[1]
	return (4-2.1*a+a*a/3)*a + x[0]*x[1] + (-4+4*b)*b
}

func (SixHumpCamel) Grad(g, x []float64) float64 {
	a, b := x[0]*x[0], x[1]*x[1]
	g[0] = x[0]*(8-8.4*a+2*a*a) + x[1]
	g[1] = x[0] + x[1]*(-8+16*b)
	return (4-2.1*a+a*a/3)*a + x[0]*x[1] + (-4+4*b)*b
}

func (SixHumpCamel) Hess(dst *mat.SymDense, x []float64) {
	a, b := x[0]*x[0], x[1]*x[1]
	dst.SetSym(0, 0, 8-25.2*a+10*a*a)
	dst.SetSym(0, 1, 1)
	dst.SetSym(1, 1, -8+48*b)
}

// Rastrigin is 2A + Σ (xᵢ² − A·cos 2πxᵢ): a bowl covered in local minima,
// the classic case for continuation (8.7.5).
type Rastrigin struct{ A float64 }

func (Rastrigin) Dim() int { return 2 }

func (r Rastrigin) Value(x []float64) float64 {
	f := 2 * r.A
	for _, v := range x[:2] {
		f += v*v - r.A*math.Cos(2*math.Pi*v)
	}
	return f
}

func (r Rastrigin) Grad(g, x []float64) float64 {
	f := 2 * r.A
	for i, v := range x[:2] {
		s, c := math.Sincos(2 * math.Pi * v)
		f += v*v - r.A*c
		g[i] = 2*v + 2*math.Pi*r.A*s
	}
	return f
}

func (r Rastrigin) Hess(dst *mat.SymDense, x []float64) {
	dst.SetSym(0, 0, 2+4*math.Pi*math.Pi*r.A*math.Cos(2*math.Pi*x[0]))
	dst.SetSym(0, 1, 0)
	dst.SetSym(1, 1, 2+4*math.Pi*math.Pi*r.A*math.Cos(2*math.Pi*x[1]))
}

// rastriginMinima returns the local minima of the 1-D Rastrigin term
// v² − A·cos 2πv near the integers −k..k: the roots of its derivative found
// by Newton's method from each integer, kept where the curvature is positive.
func rastriginMinima1D(a float64, k int) []float64 {
	var out []float64
	for n := -k; n <= k; n++ {
		v := float64(n)
		for range 50 {
			s, c := math.Sincos(2 * math.Pi * v)
			d2 := 2 + 4*math.Pi*math.Pi*a*c
			if d2 <= 0 {
				break
			}
			v -= (2*v + 2*math.Pi*a*s) / d2
		}
		s, c := math.Sincos(2 * math.Pi * v)
		if math.Abs(2*v+2*math.Pi*a*s) > 1e-12 || 2+4*math.Pi*math.Pi*a*c <= 0 {
			continue
		}
		if len(out) > 0 && math.Abs(out[len(out)-1]-v) < 1e-6 {
			continue // a weak A merges neighbouring basins
		}
		out = append(out, v)
	}
	return out
}

func rastriginMinima(a float64) [][]float64 {
	m := rastriginMinima1D(a, 1)
	out := make([][]float64, 0, len(m)*len(m))
	for _, x := range m {
		for _, y := range m {
			out = append(out, []float64{x, y})
		}
	}
	return out
}

// Plateau is tanh(q) + ½·tilt·(x² + y²) with q = (x² + 2y²)/width²: a bowl
// squashed by tanh into a flat shelf where the gradient all but vanishes
// (sech²q ≈ 4e^{−2q}), with a slight tilt so gradient descent does
// eventually crawl off it (8.2.4).
type Plateau struct{ Width, Tilt float64 }

func (Plateau) Dim() int { return 2 }

func (p Plateau) q(x []float64) float64 {
	return (x[0]*x[0] + 2*x[1]*x[1]) / (p.Width * p.Width)
}

func (p Plateau) Value(x []float64) float64 {
	return math.Tanh(p.q(x)) + 0.5*p.Tilt*(x[0]*x[0]+x[1]*x[1])
}

// sech2 is sech²(q) without the cancellation of 1 − tanh² on the shelf.
func sech2(q float64) float64 {
	c := math.Cosh(q)
	return 1 / (c * c)
}

func (p Plateau) Grad(g, x []float64) float64 {
	q := p.q(x)
	s := sech2(q) / (p.Width * p.Width)
	g[0] = 2*s*x[0] + p.Tilt*x[0]
	g[1] = 4*s*x[1] + p.Tilt*x[1]
	return math.Tanh(q) + 0.5*p.Tilt*(x[0]*x[0]+x[1]*x[1])
}

func (p Plateau) Hess(dst *mat.SymDense, x []float64) {
	w2 := p.Width * p.Width
	q := p.q(x)
	s, t := sech2(q), math.Tanh(q)
	qx, qy := 2*x[0]/w2, 4*x[1]/w2 // ∇q
	d2 := -2 * t * s               // d²tanh/dq²
	dst.SetSym(0, 0, s*2/w2+d2*qx*qx+p.Tilt)
	dst.SetSym(0, 1, d2*qx*qy)
	dst.SetSym(1, 1, s*4/w2+d2*qy*qy+p.Tilt)
}

// Cliff is a gentle slope −s·x (plus a shallow ½·y² valley) that ends at a
// near-vertical wall: (W/k)·softplus(k·u), u = x − c − γy², rises with slope
// W = 10⁴ within 1/k = 0.0002 of the curved line u = 0. Its minimum sits at
// the wall's foot, where the curvature k·s makes an unclipped step of any
// reasonable learning rate unstable, and the foot is narrower than such a
// step, so descent lands on the face, where the step is W/s = 10⁴ times
// longer than the steps on the slope (8.2.5, Figs 8.2-8.3).
type Cliff struct{}

const (
	cliffSlope  = 1.0  // s: the gentle slope's gradient
	cliffValley = 1.0  // curvature of the shallow valley across the slope
	cliffWall   = 1e4  // W: the gradient on the face of the wall
	cliffSharp  = 5000 // k: 1/k is the width of the wall's foot
	cliffAt     = 1.0  // c: where the wall stands on y = 0
	cliffBend   = 0.25 // γ: how the wall curves away from the slope
)

// cliffMinimum is where W·σ(k·u) = s on y = 0: u = logit(s/W)/k.
var cliffMinimum = []float64{cliffAt + math.Log(cliffSlope/(cliffWall-cliffSlope))/cliffSharp, 0}

func (Cliff) Dim() int { return 2 }

func (Cliff) Value(x []float64) float64 {
	u := x[0] - cliffAt - cliffBend*x[1]*x[1]
	return -cliffSlope*x[0] + 0.5*cliffValley*x[1]*x[1] + cliffWall/cliffSharp*softplus(cliffSharp*u)
}

func (Cliff) Grad(g, x []float64) float64 {
	u := x[0] - cliffAt - cliffBend*x[1]*x[1]
	a := cliffWall * sigmoid(cliffSharp*u) // the wall's slope at u
	g[0] = -cliffSlope + a
	g[1] = cliffValley*x[1] - 2*cliffBend*x[1]*a
	return -cliffSlope*x[0] + 0.5*cliffValley*x[1]*x[1] + cliffWall/cliffSharp*softplus(cliffSharp*u)
}

func (Cliff) Hess(dst *mat.SymDense, x []float64) {
	u := x[0] - cliffAt - cliffBend*x[1]*x[1]
	sg := sigmoid(cliffSharp * u)
	a := cliffWall * sg
	da := cliffWall * cliffSharp * sg * (1 - sg) // the wall's curvature
	uy := -2 * cliffBend * x[1]                  // ∂u/∂y; ∂u/∂x = 1
	dst.SetSym(0, 0, da)
	dst.SetSym(0, 1, da*uy)
	dst.SetSym(1, 1, cliffValley+da*uy*uy-2*cliffBend*a)
}

// softplus is log(1 + eᶻ) without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

// sigmoid is 1/(1 + e⁻ᶻ) without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// Coordinate is (x − y)² + α(x² + y²), the example of 8.7.1 on which
// coordinate descent stalls as α → 0: each coordinate alone barely moves.
type Coordinate struct{ Alpha float64 }

func (Coordinate) Dim() int { return 2 }

func (c Coordinate) Value(x []float64) float64 {
	d := x[0] - x[1]
	return d*d + c.Alpha*(x[0]*x[0]+x[1]*x[1])
}

func (c Coordinate) Grad(g, x []float64) float64 {
	d := x[0] - x[1]
	g[0] = 2*d + 2*c.Alpha*x[0]
	g[1] = -2*d + 2*c.Alpha*x[1]
	return d*d + c.Alpha*(x[0]*x[0]+x[1]*x[1])
}

func (c Coordinate) Hess(dst *mat.SymDense, _ []float64) {
	dst.SetSym(0, 0, 2+2*c.Alpha)
	dst.SetSym(0, 1, -2)
	dst.SetSym(1, 1, 2+2*c.Alpha)
}

// polish refines approximate minima with Newton's method on the exact
// derivatives, so Info.Minima are exact to rounding rather than to the
// digits a paper printed. It panics if a point does not converge: the
// catalogue is wrong.
func polish(obj interface {
	Objective
	Hessianer
}, approx ...[]float64) [][]float64 {
	n := obj.Dim()
	h := mat.NewSymDense(n, nil)
	g := make([]float64, n)
	out := make([][]float64, len(approx))
	for i, a := range approx {
		x := append([]float64(nil), a...)
		for range 100 {
			obj.Grad(g, x)
			obj.Hess(h, x)
			var step mat.VecDense
			if err := step.SolveVec(h, mat.NewVecDense(n, g)); err != nil {
				panic("landscape: polish: singular Hessian at " + fmtPoint(x))
			}
			small := true
			for j := range x {
				x[j] -= step.AtVec(j)
				if math.Abs(step.AtVec(j)) > 1e-15*(1+math.Abs(x[j])) {
					small = false
				}
			}
			if small {
				break
			}
		}
		out[i] = x
	}
	return out
}

var (
	_ Hessianer = Himmelblau{}
	_ Hessianer = Beale{}
	_ Hessianer = Saddle{}
	_ Hessianer = MonkeySaddle{}
	_ Hessianer = SixHumpCamel{}
	_ Hessianer = Rastrigin{}
	_ Hessianer = Plateau{}
	_ Hessianer = Cliff{}
	_ Hessianer = Coordinate{}
)

func fmtPoint(x []float64) string { return fmt.Sprint(x) }
