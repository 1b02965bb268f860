package hd

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Plane is the affine plane θ(a, b) = Origin + a·D1 + b·D2 through
// parameter space. D1 and D2 need not be orthogonal or of unit length
// (filter-normalised random directions are neither); projections solve the
// 2×2 normal equations.
type Plane struct {
	Origin, D1, D2 []float64
}

// Line is θ(t) = Origin + t·Dir, for 1-D views: t = 0 is Origin, t = 1 is
// Origin + Dir (the segment from θ_init to θ_final of Goodfellow et al.).
type Line struct {
	Origin, Dir []float64
}

// Point writes θ(a, b) into dst.
func (p *Plane) Point(dst []float64, a, b float64) {
	for i, o := range p.Origin {
		dst[i] = o + a*p.D1[i] + b*p.D2[i]
	}
}

// Point writes θ(t) into dst.
func (l *Line) Point(dst []float64, t float64) {
	for i, o := range l.Origin {
		dst[i] = o + t*l.Dir[i]
	}
}

// Segment is the line with θ(0) = from and θ(1) = to.
func Segment(from, to []float64) *Line {
	d := make([]float64, len(to))
	floats.SubTo(d, to, from)
	return &Line{Origin: append([]float64(nil), from...), Dir: d}
}

// FilterNormalized writes a random Gaussian direction into dst, scaled as
// Li et al. (2018) do so that planes of differently scaled networks compare:
// each row of each weight block (the incoming weights of one unit) gets the
// norm of the same row of theta, and bias blocks are zero. Entries outside
// every block are zero. With no blocks, the whole vector is one filter.
func FilterNormalized(dst, theta []float64, blocks []Block, seed uint64) {
	rng := newRNG(seed)
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
	if len(blocks) == 0 {
		scaleTo(dst, floats.Norm(theta, 2))
		return
	}
	covered := make([]bool, len(dst))
	for _, b := range blocks {
		for i := b.Offset; i < b.Offset+b.Len(); i++ {
			covered[i] = true
		}
		if b.Bias {
			clear(dst[b.Offset : b.Offset+b.Len()])
			continue
		}
		for r := range b.Rows {
			lo := b.Offset + r*b.Cols
			scaleTo(dst[lo:lo+b.Cols], floats.Norm(theta[lo:lo+b.Cols], 2))
		}
	}
	for i, c := range covered {
		if !c {
			dst[i] = 0
		}
	}
}

// scaleTo scales x to norm n (x = 0 stays 0).
func scaleTo(x []float64, n float64) {
	if xn := floats.Norm(x, 2); xn > 0 {
		floats.Scale(n/xn, x)
	}
}

// RandomPlane is the plane through theta spanned by two independent
// filter-normalised random directions (seeds seed and seed+1).
func RandomPlane(theta []float64, blocks []Block, seed uint64) (*Plane, error) {
	if err := fielderr.Finite("theta", theta); err != nil {
		return nil, err
	}
	p := &Plane{Origin: append([]float64(nil), theta...), D1: make([]float64, len(theta)), D2: make([]float64, len(theta))}
	FilterNormalized(p.D1, theta, blocks, seed)
	FilterNormalized(p.D2, theta, blocks, seed+1)
	if floats.Norm(p.D1, 2) == 0 {
		return nil, fielderr.New("plane", "filter normalisation needs non-zero weights; the point has none")
	}
	return p, nil
}

// MaxPCAPoints bounds the trajectory points PCAPlane uses; longer
// trajectories are subsampled evenly (keeping the first and last).
const MaxPCAPoints = 400

// PCAPlane is the plane of the top two principal components of a
// trajectory (points centred on their mean, by SVD), through its last point
// as Li et al. (2018) draw it. Explained are the fractions of the
// trajectory's variance along D1 and D2; D1, D2 are orthonormal. A
// trajectory on a straight line has D2 orthogonal to it, chosen from seed 0.
func PCAPlane(traj [][]float64) (p *Plane, explained [2]float64, err error) {
	if len(traj) < 2 {
		return nil, explained, fielderr.New("trajectory", "needs at least 2 points, got %d", len(traj))
	}
	n := len(traj[0])
	pts := traj
	if len(traj) > MaxPCAPoints {
		pts = make([][]float64, MaxPCAPoints)
		for i := range pts {
			pts[i] = traj[i*(len(traj)-1)/(MaxPCAPoints-1)]
		}
	}
	t := len(pts)
	mean := make([]float64, n)
	for _, x := range pts {
		if len(x) != n {
			return nil, explained, fielderr.New("trajectory", "points have different dimensions")
		}
		floats.AddScaled(mean, 1/float64(t), x)
	}
	m := mat.NewDense(t, n, nil)
	for i, x := range pts {
		row := m.RawRowView(i)
		floats.SubTo(row, x, mean)
	}
	if fielderr.Finite("trajectory", m.RawMatrix().Data) != nil {
		return nil, explained, fielderr.New("trajectory", "contains a non-finite value")
	}
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDThinV) {
		return nil, explained, errors.New("hd: SVD of the trajectory failed")
	}
	sv := svd.Values(nil)
	var total float64
	for _, s := range sv {
		total += s * s
	}
	if total == 0 || sv[0] == 0 {
		return nil, explained, fielderr.New("trajectory", "has not moved: all points are equal")
	}
	var v mat.Dense
	svd.VTo(&v)
	p = &Plane{Origin: append([]float64(nil), traj[len(traj)-1]...)}
	p.D1 = mat.Col(nil, 0, &v)
	explained[0] = sv[0] * sv[0] / total
	if len(sv) > 1 && sv[1] > 1e-12*sv[0] {
		p.D2 = mat.Col(nil, 1, &v)
		explained[1] = sv[1] * sv[1] / total
	} else {
		p.D2 = make([]float64, n)
		rng := newRNG(0)
		for i := range p.D2 {
			p.D2[i] = rng.NormFloat64()
		}
		if !orthonormalize(p.D2, p.D1) {
			return nil, explained, fielderr.New("trajectory", "the dimension is too small for a plane")
		}
	}
	return p, explained, nil
}

// orthonormalize makes v orthogonal to the unit vector u and of unit norm
// (Gram–Schmidt, twice), and reports whether anything was left of v.
func orthonormalize(v, u []float64) bool {
	n0 := floats.Norm(v, 2)
	for range 2 {
		floats.AddScaled(v, -floats.Dot(u, v), u)
	}
	n := floats.Norm(v, 2)
	if n <= 1e-10*n0 || n == 0 {
		return false
	}
	floats.Scale(1/n, v)
	return true
}

// HessianPlane is the plane through theta of the unit eigenvectors of the
// two largest Hessian eigenvalues (Lanczos on op, the Hessian at theta),
// which it also returns.
func HessianPlane(op Operator, theta []float64, seed uint64) (*Plane, [2]float64, error) {
	var ev [2]float64
	if err := fielderr.Finite("theta", theta); err != nil {
		return nil, ev, err
	}
	e, err := TopEigen(op, len(theta), LanczosSettings{K: 2, Seed: seed})
	if err != nil {
		return nil, ev, err
	}
	ev = [2]float64{e.Values[0], e.Values[1]}
	return &Plane{Origin: append([]float64(nil), theta...), D1: e.Vectors[0], D2: e.Vectors[1]}, ev, nil
}

// ThreePointPlane is the plane through init (the origin), current and
// solution, with orthonormal directions by Gram–Schmidt: D1 along
// current − init, D2 the part of solution − init orthogonal to it.
func ThreePointPlane(init, current, solution []float64) (*Plane, error) {
	n := len(init)
	if len(current) != n || len(solution) != n {
		return nil, fielderr.New("plane", "the three points have different dimensions")
	}
	for _, c := range []struct {
		name string
		x    []float64
	}{{"init", init}, {"current", current}, {"solution", solution}} {
		if err := fielderr.Finite(c.name, c.x); err != nil {
			return nil, err
		}
	}
	d1 := make([]float64, n)
	d2 := make([]float64, n)
	floats.SubTo(d1, current, init)
	floats.SubTo(d2, solution, init)
	n1 := floats.Norm(d1, 2)
	if n1 == 0 {
		return nil, fielderr.New("plane", "the current point equals the initial point")
	}
	floats.Scale(1/n1, d1)
	if !orthonormalize(d2, d1) {
		return nil, fielderr.New("plane", "the initial, current and solution points lie on one line")
	}
	return &Plane{Origin: append([]float64(nil), init...), D1: d1, D2: d2}, nil
}

// Projection is a trajectory seen on a plane.
type Projection struct {
	// Coords are the (a, b) of each point's orthogonal projection.
	Coords [][2]float64
	// Distance is each point's distance from the plane.
	Distance []float64
	// InPlane is the fraction of the path's displacement lying in the
	// plane: Σ‖PΔₖ‖² / Σ‖Δₖ‖² over the steps Δₖ = θₖ − θₖ₋₁, P the
	// orthogonal projector onto the plane's directions. 1 when the path
	// lies in a plane parallel to this one; 1 also for a path that never
	// moves.
	InPlane float64
}

// gram returns the inverse of the 2×2 Gram matrix of D1, D2.
func (p *Plane) gram() (g11, g12, g22 float64, ok bool) {
	a, b, c := floats.Dot(p.D1, p.D1), floats.Dot(p.D1, p.D2), floats.Dot(p.D2, p.D2)
	det := a*c - b*b
	if !(det > 1e-14*a*c) {
		return 0, 0, 0, false
	}
	return c / det, -b / det, a / det, true
}

// Coords returns the plane coordinates of theta's orthogonal projection
// and theta's distance from the plane.
func (p *Plane) Coords(theta []float64) (a, b, dist float64) {
	d := make([]float64, len(theta))
	floats.SubTo(d, theta, p.Origin)
	a, b = p.project(d)
	floats.AddScaled(d, -a, p.D1)
	floats.AddScaled(d, -b, p.D2)
	return a, b, floats.Norm(d, 2)
}

// project returns the coordinates (in D1, D2) of the projection of the
// displacement d.
func (p *Plane) project(d []float64) (a, b float64) {
	i11, i12, i22, ok := p.gram()
	if !ok {
		panic("hd: plane directions are parallel or zero")
	}
	r1, r2 := floats.Dot(p.D1, d), floats.Dot(p.D2, d)
	return i11*r1 + i12*r2, i12*r1 + i22*r2
}

// Project projects a trajectory onto the plane.
func (p *Plane) Project(traj [][]float64) Projection {
	pr := Projection{Coords: make([][2]float64, len(traj)), Distance: make([]float64, len(traj))}
	var in, all float64
	step := make([]float64, len(p.Origin))
	for k, x := range traj {
		a, b, dist := p.Coords(x)
		pr.Coords[k] = [2]float64{a, b}
		pr.Distance[k] = dist
		if k == 0 {
			continue
		}
		floats.SubTo(step, x, traj[k-1])
		sa, sb := p.project(step)
		all += floats.Dot(step, step)
		// ‖PΔ‖² = ‖sa·D1 + sb·D2‖².
		in += sa*sa*floats.Dot(p.D1, p.D1) + 2*sa*sb*floats.Dot(p.D1, p.D2) + sb*sb*floats.Dot(p.D2, p.D2)
	}
	pr.InPlane = 1
	if all > 0 {
		pr.InPlane = math.Min(1, in/all)
	}
	return pr
}
