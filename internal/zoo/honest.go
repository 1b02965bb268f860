package zoo

import (
	"context"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

// The honest saddle (issue 11 §5): a point θ of a projected objective seen
// on two planes through it at the same scale, a random one and the one of
// the Hessian's extreme eigenvectors q_max and q_min. A random unit
// direction d sees the curvature dᵀHd, whose mean over the sphere is
// tr(H)/n (Böttcher & Wheeler 2022); when the positive eigenvalues
// outweigh the negative ones that mean is positive, and a random plane
// draws a saddle as a bowl. The Hessian plane shows λmin < 0 for what it is.

// Limits and settings of an honest-saddle picture.
const (
	DefaultHonestSide = 41
	MinHonestSide     = 5
	// MaxHonestSide caps the grid side: two grids of side² full passes.
	MaxHonestSide = 81
	// HonestExactDim is the largest model whose trace is exact (n
	// Hessian-vector products, one per coordinate); larger ones use
	// Hutchinson's estimator with HonestProbes Rademacher probes.
	HonestExactDim = 400
	HonestProbes   = 64
	// honestIter caps each Lanczos run (one for λmax, one for λmin).
	honestIter = 150
	// honestRise is the loss change, as a fraction of |J(θ)|, that the
	// automatic radius gives the stiffer extreme eigen-direction:
	// ½·max(|λmin|, λmax)·r² = honestRise·|J(θ)|.
	honestRise = 0.5
	// honestStretch bounds how much wider one Hessian axis is drawn than
	// the other.
	honestStretch = 5
	// MaxHonestRadius bounds a radius asked for.
	MaxHonestRadius = 1e6
)

// Trace methods.
const (
	TraceExact      = "exact"
	TraceHutchinson = "hutchinson"
)

// HonestParams are the settings of an honest-saddle picture; nil fields
// take their defaults.
type HonestParams struct {
	// N is the side of both grids (MinHonestSide..MaxHonestSide).
	N *int `json:"n,omitempty"`
	// Radius is the half-width of both planes in parameter-space distance
	// along unit directions; left out, the server picks it from the
	// extreme curvatures and the loss (honestRise).
	Radius *float64 `json:"radius,omitempty"`
	// Seed draws the random plane's directions (default 1).
	Seed *uint64 `json:"random_seed,omitempty"`
}

// Canonical is p with every default filled in except an automatic radius.
func (p HonestParams) Canonical() HonestParams {
	n, seed := DefaultHonestSide, uint64(1)
	if p.N != nil {
		n = *p.N
	}
	if p.Seed != nil {
		seed = *p.Seed
	}
	return HonestParams{N: &n, Radius: p.Radius, Seed: &seed}
}

// Check refuses settings out of range, with a *fielderr.Error naming the
// field.
func (p HonestParams) Check() error {
	if p.N != nil && (*p.N < MinHonestSide || *p.N > MaxHonestSide) {
		return fielderr.New("n", "the honest-saddle grids are from %d×%d to %d×%d points (two grids, each point a full pass of the model over its data), got %d",
			MinHonestSide, MinHonestSide, MaxHonestSide, MaxHonestSide, *p.N)
	}
	if r := p.Radius; r != nil && !(*r > 0 && *r <= MaxHonestRadius) {
		return fielderr.New("radius", "must be a distance above 0 and at most %g, or left out (chosen from the curvature), got %g", float64(MaxHonestRadius), *r)
	}
	return nil
}

// HonestPlane is the loss on one plane through θ: θ(a, b) = θ + a·u₁ + b·u₂
// for orthonormal u₁, u₂, on the NX×NY lattice over a ∈ X, b ∈ Y (Values
// row-major, b outermost). θ itself is (0, 0). Curvature[i] is uᵢᵀHuᵢ,
// the second derivative of the loss along axis i at θ.
type HonestPlane struct {
	Kind      string     `json:"kind"` // "random" | "hessian"
	Axes      [2]string  `json:"axes"` // names of u₁ and u₂
	X         [2]float64 `json:"x"`
	Y         [2]float64 `json:"y"`
	NX        int        `json:"nx"`
	NY        int        `json:"ny"`
	Values    []float64  `json:"values"`
	Min       float64    `json:"min"`
	Max       float64    `json:"max"`
	Curvature [2]float64 `json:"curvature"`
	// Clamped: some points had no finite loss and hold Max instead.
	Clamped bool `json:"clamped,omitempty"`
}

// Honest is the honest-saddle picture at one point θ of dimension Dim
// with loss Loss: the trace of the Hessian (exact, or Hutchinson's
// estimate with its standard error TraceErr), the curvature a random
// direction is expected to show, tr(H)/n, the extreme eigenvalues by
// Lanczos, and the two planes at the same Radius.
type Honest struct {
	Dim         int     `json:"dim"`
	Loss        float64 `json:"loss"`
	Trace       float64 `json:"trace"`
	TraceMethod string  `json:"trace_method"`
	Probes      int     `json:"probes,omitempty"`
	TraceErr    float64 `json:"trace_err"`
	Expected    float64 `json:"expected_curvature"`
	LambdaMin   float64 `json:"lambda_min"`
	LambdaMax   float64 `json:"lambda_max"`
	// Converged is false when a Lanczos run stopped at its cap before its
	// eigenvalue met the tolerance.
	Converged bool `json:"converged"`
	// Radius is the random plane's half-width (and the Hessian plane's
	// along its stiffer axis; see grids).
	Radius  float64     `json:"radius"`
	Seed    uint64      `json:"seed"`
	Random  HonestPlane `json:"random"`
	Hessian HonestPlane `json:"hessian"`
	// Products counts the Hessian-vector products it took.
	Products int `json:"products"`
}

// HonestWork is the most units of work (Hessian-vector products and grid
// points) an honest picture of side n takes in dim dimensions, for
// progress reports.
func HonestWork(dim, n int) int {
	return traceProducts(dim) + 2*min(dim, honestIter) + 2*n*n
}

func traceProducts(dim int) int {
	if dim <= HonestExactDim {
		return dim
	}
	return HonestProbes
}

// honests caches recent pictures by objective, point and settings.
var honests = struct {
	sync.Mutex
	order []string
	byKey map[string]*Honest
}{byKey: map[string]*Honest{}}

const honestCacheSize = 16

// HonestKey names the picture of model m at theta with p for caches.
func HonestKey(m *Model, theta []float64, p HonestParams) string {
	p = p.Canonical()
	r := "auto"
	if p.Radius != nil {
		r = fmt.Sprintf("%g", *p.Radius)
	}
	return fmt.Sprintf("%s|theta=%s|honest;n=%d;r=%s;seed=%d", m.Key(), ThetaKey(theta), *p.N, r, *p.Seed)
}

// ComputeHonest is the honest-saddle picture of m at theta. count (when
// not nil) is called once per unit of HonestWork, from many goroutines.
// theta must not change while it runs. Errors: *fielderr.Error for bad
// settings or an objective without curvature; ctx's error when it ends.
func ComputeHonest(ctx context.Context, m *Model, theta []float64, p HonestParams, count func()) (*Honest, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if err := fielderr.Finite("theta", theta); err != nil {
		return nil, curvatureErr(hd.ErrNotFinite)
	}
	p = p.Canonical()
	key := HonestKey(m, theta, p)
	honests.Lock()
	h, ok := honests.byKey[key]
	honests.Unlock()
	if ok {
		return h, nil
	}
	obj := m.Obj
	n := obj.Dim()
	products := 0
	op, err := hessOperator(ctx, obj, theta, func() {
		products++
		if count != nil {
			count()
		}
	})
	if err != nil {
		return nil, fielderr.New("objective", "gives no Hessian, so the honest saddle cannot be drawn")
	}
	h = &Honest{Dim: n, Loss: obj.Value(theta), Seed: *p.Seed}
	h.Trace, h.TraceErr, h.Probes = trace(op, n, *p.Seed)
	h.TraceMethod = TraceExact
	if h.Probes > 0 {
		h.TraceMethod = TraceHutchinson
	}
	h.Expected = h.Trace / float64(n)
	set := hd.LanczosSettings{K: 1, MaxIter: min(n, honestIter), Tol: 1e-6, Seed: *p.Seed + 1}
	top, err := hd.TopEigen(op, n, set)
	if err == nil {
		set.Which, set.Seed = hd.SmallestAlgebraic, *p.Seed+2
		var bot hd.Eigen
		bot, err = hd.TopEigen(op, n, set)
		if err == nil {
			h.LambdaMax, h.LambdaMin = top.Values[0], bot.Values[0]
			h.Converged = top.Converged && bot.Converged
			h.Hessian.Kind, h.Hessian.Axes = PlaneHessian, [2]string{"q_max", "q_min"}
			h.Hessian.Curvature = [2]float64{h.LambdaMax, h.LambdaMin}
			err = h.grids(ctx, m, theta, p, top.Vectors[0], bot.Vectors[0], op, count)
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, curvatureErr(err)
	}
	h.Products = products
	if !finite(h.Trace) || !finite(h.LambdaMin) || !finite(h.LambdaMax) || !finite(h.Loss) ||
		!finite(h.Random.Curvature[0]) || !finite(h.Random.Curvature[1]) {
		return nil, curvatureErr(hd.ErrNotFinite)
	}
	honests.Lock()
	defer honests.Unlock()
	if old, ok := honests.byKey[key]; ok {
		return old, nil
	}
	if len(honests.order) >= honestCacheSize {
		delete(honests.byKey, honests.order[0])
		honests.order = honests.order[1:]
	}
	honests.order = append(honests.order, key)
	honests.byKey[key] = h
	return h, nil
}

// trace is tr(H): exact up to HonestExactDim (Σᵢ eᵢᵀHeᵢ), else Hutchinson's
// mean of zᵀHz over Rademacher probes z with its standard error.
func trace(op hd.Operator, n int, seed uint64) (tr, stderr float64, probes int) {
	v, hv := make([]float64, n), make([]float64, n)
	if n <= HonestExactDim {
		for i := range n {
			v[i] = 1
			op(hv, v)
			tr += hv[i]
			v[i] = 0
		}
		return tr, 0, 0
	}
	rng := nn.NewRNG(seed ^ 0x7a11)
	var sum, sum2 float64
	for range HonestProbes {
		for i := range v {
			v[i] = 1
			if rng.Uint64()&1 == 0 {
				v[i] = -1
			}
		}
		op(hv, v)
		q := floats.Dot(v, hv)
		sum += q
		sum2 += q * q
	}
	m := float64(HonestProbes)
	mean := sum / m
	variance := max(0, (sum2-m*mean*mean)/(m-1))
	return mean, math.Sqrt(variance / m), HonestProbes
}

// grids draws both planes: the Hessian plane of qmax and qmin (made
// orthogonal, in case Lanczos left them not quite so) and a random plane of
// two orthonormal Gaussian directions drawn from p's seed.
func (h *Honest) grids(ctx context.Context, m *Model, theta []float64, p HonestParams, qmax, qmin []float64, op hd.Operator, count func()) error {
	n := len(theta)
	u1 := append([]float64(nil), qmax...)
	u2 := append([]float64(nil), qmin...)
	unitOrtho(u1, nil)
	if !unitOrtho(u2, u1) {
		return fielderr.New("", "the Hessian's extreme eigenvectors coincide (is the curvature the same in every direction?)")
	}
	rng := nn.NewRNG(*p.Seed)
	d1, d2 := make([]float64, n), make([]float64, n)
	for i := range d1 {
		d1[i] = rng.NormFloat64()
	}
	for i := range d2 {
		d2[i] = rng.NormFloat64()
	}
	unitOrtho(d1, nil)
	unitOrtho(d2, d1)
	hv := make([]float64, n)
	h.Random.Kind, h.Random.Axes = PlaneRandom, [2]string{"d₁", "d₂"}
	op(hv, d1)
	h.Random.Curvature[0] = floats.Dot(d1, hv)
	op(hv, d2)
	h.Random.Curvature[1] = floats.Dot(d2, hv)

	// One radius for every axis when asked for. Otherwise each Hessian axis
	// gets the half-width over which its quadratic model moves the loss by
	// honestRise·|J| (so the gentle q_min is seen beside the stiff q_max,
	// at most honestStretch times wider), and the random plane the narrower
	// of the two in both directions (Radius): where the quadratic model
	// holds, so its picture is the curvature a random direction sees.
	var rx, ry float64
	if p.Radius != nil {
		rx, ry = *p.Radius, *p.Radius
	} else {
		rise := honestRise * max(math.Abs(h.Loss), 1e-6)
		half := func(c float64) float64 {
			if c = math.Abs(c); !(c > 0) || !finite(c) {
				return 1
			}
			return min(math.Sqrt(2*rise/c), MaxHonestRadius)
		}
		rx = half(h.LambdaMax)
		ry = min(half(h.LambdaMin), honestStretch*rx)
		if math.Abs(h.LambdaMin) > math.Abs(h.LambdaMax) {
			ry = half(h.LambdaMin)
			rx = min(half(h.LambdaMax), honestStretch*ry)
		}
	}
	h.Radius = min(rx, ry)
	ranges := [2][2]float64{{rx, ry}, {h.Radius, h.Radius}}
	value := m.Obj.Value
	if pv, ok := m.Obj.(planeValuer); ok {
		value = pv.PlaneValue
	}
	f := hd.Func(value)
	if count != nil {
		f = func(theta []float64) float64 {
			j := value(theta)
			count()
			return j
		}
	}
	side := *p.N
	for _, pl := range []struct {
		dst    *HonestPlane
		u1, u2 []float64
		r      [2]float64
	}{{&h.Random, d1, d2, ranges[1]}, {&h.Hessian, u1, u2, ranges[0]}} {
		g := pl.dst
		g.X, g.Y, g.NX, g.NY = [2]float64{-pl.r[0], pl.r[0]}, [2]float64{-pl.r[1], pl.r[1]}, side, side
		g.Values = make([]float64, side*side)
		plane := &hd.Plane{Origin: theta, D1: pl.u1, D2: pl.u2}
		st, err := hd.EvalGrid(ctx, g.Values, f, plane, g.X, g.Y, side, side, hd.GridOptions{})
		if err != nil {
			return err
		}
		g.Min, g.Max, g.Clamped = st.Min, st.Max, st.NonFinite > 0
	}
	return nil
}

// unitOrtho makes v orthogonal to the unit vector u (when not nil) and of
// unit length; false when nothing is left of it.
func unitOrtho(v, u []float64) bool {
	n0 := floats.Norm(v, 2)
	if u != nil {
		for range 2 {
			floats.AddScaled(v, -floats.Dot(u, v), u)
		}
	}
	nv := floats.Norm(v, 2)
	if !(nv > 1e-10*n0) {
		return false
	}
	floats.Scale(1/nv, v)
	return true
}

// CheckHonest refuses an objective the honest saddle cannot be drawn on,
// with a *fielderr.Error: one that is not projected (m is nil; id names
// it) or gives no Hessian.
func CheckHonest(m *Model, id string) error {
	if m == nil {
		return fielderr.New("objective", "the honest saddle compares planes through a projected objective's parameters (mlp, deep_linear, rnn, hd_quadratic); %s is drawn on its own two axes, exactly", id)
	}
	_, hv := m.Obj.(landscape.HessVecer)
	_, hm := m.Obj.(landscape.Hessianer)
	if !hv && !hm {
		return fielderr.New("objective", "gives no Hessian, so the honest saddle cannot be drawn")
	}
	return nil
}
