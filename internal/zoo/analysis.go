package zoo

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

// Settings of the spectrum: k Lanczos eigenpairs, and the density by
// stochastic Lanczos quadrature with SLQProbes probes of SLQSteps steps
// (fewer than Ghorbani et al.'s 90 × 100, so a lesson's spectrum takes
// about a second; the outliers come from Lanczos, not from the density).
const (
	DefaultEigenpairs = 5
	SLQSteps          = 60
	SLQProbes         = 4
	DensityPoints     = 128
)

// Density is a smoothed eigenvalue density on a grid of eigenvalues.
type Density struct {
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
}

// Spectrum is the Hessian's spectrum at one point: its top eigenvalues by
// Lanczos, descending, and the density of all of them by stochastic Lanczos
// quadrature, with estimates of the smallest and largest eigenvalue.
type Spectrum struct {
	Eigenvalues []float64 `json:"eigenvalues"`
	Density     Density   `json:"density"`
	Min         float64   `json:"min"`
	Max         float64   `json:"max"`
	// Converged is false when Lanczos stopped at its iteration cap before
	// every eigenvalue met its tolerance (closely clustered eigenvalues).
	Converged bool `json:"converged"`
}

// SpectrumWork is the most Hessian-vector products Spectrum takes for k
// eigenpairs in n dimensions, for progress reports.
func SpectrumWork(n, k int) int {
	return min(n, max(3*k+30, 60)) + SLQProbes*min(n, SLQSteps)
}

// hessOperator is the Hessian of obj at theta as an operator, or an error
// when obj gives no curvature. Each product calls count (when not nil); once
// ctx ends, products are zero, which ends any Lanczos iteration at once.
func hessOperator(ctx context.Context, obj landscape.Objective, theta []float64, count func()) (hd.Operator, error) {
	var prod func(dst, v []float64)
	switch h := obj.(type) {
	case landscape.HessVecer:
		prod = func(dst, v []float64) { h.HessVec(dst, theta, v) }
	case landscape.Hessianer:
		n := obj.Dim()
		hm := mat.NewSymDense(n, nil)
		h.Hess(hm, theta)
		prod = func(dst, v []float64) {
			mat.NewVecDense(n, dst).MulVec(hm, mat.NewVecDense(n, v))
		}
	default:
		return nil, fielderr.New("objective", "gives no Hessian, so its spectrum cannot be computed")
	}
	return func(dst, v []float64) {
		if ctx.Err() != nil {
			clear(dst)
			return
		}
		prod(dst, v)
		if count != nil {
			count()
		}
	}, nil
}

// spectra caches recent spectra by objective, point and k.
var spectra = struct {
	sync.Mutex
	order []string
	byKey map[string]*Spectrum
}{byKey: map[string]*Spectrum{}}

const spectrumCacheSize = 32

// ThetaKey names a parameter vector for caches (a 64-bit hash of its bits).
func ThetaKey(theta []float64) string {
	h := fnv.New64a()
	var b [8]byte
	for _, x := range theta {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	return fmt.Sprintf("%d:%016x", len(theta), h.Sum64())
}

// ComputeSpectrum is the spectrum of obj's Hessian at theta with the top k
// eigenvalues. key names obj for the cache (Model.Key; "" does not cache).
// theta must not change while it runs. It returns ctx's error when ctx
// ends first; a *fielderr.Error on "k" for a k out of range.
func ComputeSpectrum(ctx context.Context, obj landscape.Objective, key string, theta []float64, k int, count func()) (*Spectrum, error) {
	n := obj.Dim()
	if k < 1 || k > hd.MaxEigenpairs || k > n {
		return nil, fielderr.New("k", "must be from 1 to %d (and at most the dimension %d), got %d", hd.MaxEigenpairs, n, k)
	}
	ckey := ""
	if key != "" {
		ckey = fmt.Sprintf("%s|theta=%s|k=%d", key, ThetaKey(theta), k)
		spectra.Lock()
		s, ok := spectra.byKey[ckey]
		spectra.Unlock()
		if ok {
			return s, nil
		}
	}
	op, err := hessOperator(ctx, obj, theta, count)
	if err != nil {
		return nil, err
	}
	eig, err := hd.TopEigen(op, n, hd.LanczosSettings{K: k, Seed: 1})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, curvatureErr(err)
	}
	q, err := hd.SpectralDensity(op, n, hd.SLQSettings{Steps: min(n, SLQSteps), Probes: SLQProbes, Seed: 2})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, curvatureErr(err)
	}
	s := &Spectrum{Eigenvalues: eig.Values, Converged: eig.Converged}
	s.Min, s.Max = q.Range()
	s.Min = min(s.Min, eig.Values[len(eig.Values)-1])
	s.Max = max(s.Max, eig.Values[0])
	if !finite(s.Min) || !finite(s.Max) || !allFinite(s.Eigenvalues) {
		return nil, curvatureErr(hd.ErrNotFinite)
	}
	span := s.Max - s.Min
	sigma := max(span/60, 1e-3*max(math.Abs(s.Min), math.Abs(s.Max)), 1e-9)
	s.Density.X = make([]float64, DensityPoints)
	s.Density.Y = make([]float64, DensityPoints)
	lo, hi := s.Min-3*sigma, s.Max+3*sigma
	for i := range s.Density.X {
		s.Density.X[i] = lo + (hi-lo)*float64(i)/float64(DensityPoints-1)
	}
	q.Density(s.Density.Y, s.Density.X, sigma)
	if ckey != "" {
		spectra.Lock()
		if _, ok := spectra.byKey[ckey]; !ok {
			if len(spectra.order) >= spectrumCacheSize {
				delete(spectra.byKey, spectra.order[0])
				spectra.order = spectra.order[1:]
			}
			spectra.order = append(spectra.order, ckey)
			spectra.byKey[ckey] = s
		}
		spectra.Unlock()
	}
	return s, nil
}

// curvatureErr explains a failed eigen-analysis to the user.
func curvatureErr(err error) error {
	if errors.Is(err, hd.ErrNotFinite) {
		return fielderr.New("", "the curvature is not finite at this point (a diverged run?)")
	}
	return err
}

// Interpolation is the loss along the segment θ(t) = (1−t)·from + t·to
// (Goodfellow et al. 2015), and along the top Hessian eigenvectors at to:
// θ(t) = to + t·‖to − from‖·vᵢ, Eigs in descending order of λ. Eig is
// Eigs[0], kept for pages that read only the top one.
type Interpolation struct {
	T    []float64   `json:"t"`
	Loss []float64   `json:"loss"`
	Eig  *EigenLine  `json:"eig,omitempty"`
	Eigs []EigenLine `json:"eigs,omitempty"`
}

// EigenLine is the loss along one eigenvector, with its eigenvalue. Its t
// spans [-EigenSpan, EigenSpan] in units of the segment's length, or less
// along a stiff direction: the span over which ½|λ|(t·L)² rises by the
// segment's range of loss (at least EigenSpan/100).
type EigenLine struct {
	T      []float64 `json:"t"`
	Loss   []float64 `json:"loss"`
	Lambda float64   `json:"lambda"`
}

// Limits of an interpolation.
const (
	MinLinePoints     = 2
	MaxLinePoints     = 201
	DefaultLinePoints = 51
	// The segment's t runs over [LineFrom, LineTo]; the eigenvector's over
	// [-EigenSpan, EigenSpan] in units of the segment's length.
	LineFrom, LineTo = -0.25, 1.25
	EigenSpan        = 0.5
	// eigenIters caps Lanczos for one eigen-line (and two more per further
	// line): they are extras, kept cheap.
	eigenIters = 30
	// MaxEigenLines bounds the eigenvectors an interpolation follows;
	// DefaultEigenLines is their number when left out.
	MaxEigenLines     = 5
	DefaultEigenLines = 3
)

// LineTs returns n values of t evenly spaced over [lo, hi], with the ones
// nearest each of snap moved onto it exactly (so the curve passes through
// θ_init and θ_k themselves).
func LineTs(n int, lo, hi float64, snap ...float64) []float64 {
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = lo + (hi-lo)*float64(i)/float64(max(1, n-1))
	}
	for _, s := range snap {
		best := 0
		for i, t := range ts {
			if math.Abs(t-s) < math.Abs(ts[best]-s) {
				best = i
			}
		}
		ts[best] = s
	}
	return ts
}

// Interpolate is InterpolateAlong with DefaultEigenLines eigenvectors.
func Interpolate(ctx context.Context, obj landscape.Objective, from, to []float64, n int) (*Interpolation, error) {
	return InterpolateAlong(ctx, obj, from, to, n, DefaultEigenLines)
}

// InterpolateAlong evaluates obj along the segment from → to at n points of
// t in [LineFrom, LineTo] (t = 0 and t = 1 among them), and along each of
// the top eigs eigenvectors at to (0..MaxEigenLines, at most the dimension)
// when obj gives Hessian-vector products.
func InterpolateAlong(ctx context.Context, obj landscape.Objective, from, to []float64, n, eigs int) (*Interpolation, error) {
	if n < MinLinePoints || n > MaxLinePoints {
		return nil, fielderr.New("n", "must be from %d to %d, got %d", MinLinePoints, MaxLinePoints, n)
	}
	if eigs < 0 || eigs > MaxEigenLines {
		return nil, fielderr.New("eigs", "must be from 0 to %d eigenvectors, got %d", MaxEigenLines, eigs)
	}
	in := &Interpolation{T: LineTs(n, LineFrom, LineTo, 0, 1)}
	in.Loss = make([]float64, n)
	if _, err := hd.EvalLine(ctx, in.Loss, obj.Value, hd.Segment(from, to), in.T); err != nil {
		return nil, err
	}
	// θ(1) = from + (to − from) is to only up to rounding: use to itself.
	for i, t := range in.T {
		if t == 1 {
			in.Loss[i] = sanitized(obj.Value(to), in.Loss)
		}
	}
	eigs = min(eigs, obj.Dim())
	if _, ok := obj.(landscape.HessVecer); !ok || eigs == 0 {
		return in, nil
	}
	op, err := hessOperator(ctx, obj, to, nil)
	if err != nil {
		return in, nil
	}
	eig, err := hd.TopEigen(op, obj.Dim(), hd.LanczosSettings{K: eigs, MaxIter: eigenIters + 2*(eigs-1), Tol: 1e-3, Seed: 1})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return in, nil // the eigen-lines are extras: leave them out
	}
	length := floats.Distance(from, to, 2)
	if !(length > 0) || !finite(length) {
		length = max(1, floats.Norm(to, 2))
	}
	rise := lossRange(in.T, in.Loss)
	for i, lambda := range eig.Values {
		if !finite(lambda) {
			break
		}
		v := eig.Vectors[i]
		floats.Scale(length, v)
		span := EigenSpan
		// A stiff direction gets the span over which its quadratic model
		// rises by the segment's range, ½|λ|(sL)² = rise, so its curve is
		// seen beside the segment's instead of leaving the plot at once.
		if c := math.Abs(lambda) * length * length; c > 0 && rise > 0 {
			span = min(EigenSpan, max(EigenSpan/100, math.Sqrt(2*rise/c)))
		}
		el := EigenLine{T: LineTs(n, -span, span, 0), Loss: make([]float64, n), Lambda: lambda}
		if _, err := hd.EvalLine(ctx, el.Loss, obj.Value, &hd.Line{Origin: to, Dir: v}, el.T); err != nil {
			return nil, err
		}
		in.Eigs = append(in.Eigs, el)
	}
	if len(in.Eigs) > 0 {
		in.Eig = &in.Eigs[0]
	}
	return in, nil
}

// lossRange is the spread of loss over t in [0, 1].
func lossRange(ts, loss []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, t := range ts {
		if t >= 0 && t <= 1 && finite(loss[i]) {
			lo, hi = min(lo, loss[i]), max(hi, loss[i])
		}
	}
	if !(hi >= lo) {
		return 0
	}
	return hi - lo
}

// sanitized is v, or the largest of vals when v is not finite (as EvalLine
// replaces non-finite values).
func sanitized(v float64, vals []float64) float64 {
	if finite(v) {
		return v
	}
	hi := 0.0
	for i, x := range vals {
		if i == 0 || x > hi {
			hi = x
		}
	}
	return hi
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if !finite(x) {
			return false
		}
	}
	return true
}

// Classifier is a model trained on a labelled 2-D data set, whose decision
// regions can be drawn (the networks of package nn).
type Classifier interface {
	Data() *nn.Dataset
	Predict(dst []int, theta []float64, points *mat.Dense)
	Accuracy(theta []float64) float64
}

var _ Classifier = (*nn.MLP)(nil)

// Classifier is the model as a classifier of 2-D points, or nil.
func (m *Model) Classifier() Classifier {
	c, _ := m.Obj.(Classifier)
	if c == nil {
		return nil
	}
	if _, cols := c.Data().X.Dims(); cols != 2 {
		return nil
	}
	return c
}

// DataBox is the square around a 2-D data set, padded by a tenth of its
// size on every side, where its decision regions are drawn.
func DataBox(d *nn.Dataset) (x, y [2]float64) {
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for i := range d.N() {
		for c := range 2 {
			v := d.X.At(i, c)
			lo[c], hi[c] = min(lo[c], v), max(hi[c], v)
		}
	}
	span := max(hi[0]-lo[0], hi[1]-lo[1])
	if !(span > 0) || !finite(span) {
		span = 1
	}
	half := span * 1.2 / 2
	var r [2][2]float64
	for c := range 2 {
		mid := (lo[c] + hi[c]) / 2
		if !finite(mid) {
			mid = 0
		}
		r[c] = [2]float64{mid - half, mid + half}
	}
	return r[0], r[1]
}

// RegionsBudget bounds grid points × parameters of one decision-region
// picture (its cost in multiply-adds, about): a big network draws coarser.
const RegionsBudget = 1 << 26

// RegionsSide is the side of the decision-region grid for a model of dim
// parameters when nx is asked for: nx, or less within RegionsBudget (at
// least 8).
func RegionsSide(nx, dim int) int {
	for nx > 8 && nx*nx*max(1, dim) > RegionsBudget {
		nx--
	}
	return nx
}

// Regions writes the class c predicts at θ on the nx×ny lattice over
// x × y into dst (row-major, y outermost).
func Regions(dst []int, c Classifier, theta []float64, x, y [2]float64, nx, ny int) {
	pts := mat.NewDense(nx*ny, 2, nil)
	for j := range ny {
		b := y[0] + (y[1]-y[0])*float64(j)/float64(max(1, ny-1))
		for i := range nx {
			a := x[0] + (x[1]-x[0])*float64(i)/float64(max(1, nx-1))
			pts.Set(j*nx+i, 0, a)
			pts.Set(j*nx+i, 1, b)
		}
	}
	c.Predict(dst, theta, pts)
}
