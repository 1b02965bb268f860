package zoo

import (
	"context"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
	"github.com/saddle-viz/saddle/internal/optim"
)

// The sharpness λmax(H(θₖ)) along a run, against its method's stability
// threshold (the edge of stability, Cohen et al. 2021): measured every few
// steps by Lanczos warm-started from the last top eigenvector, so each
// point costs a few Hessian-vector products.

// Limits of a sharpness trace.
const (
	DefaultSharpnessEvery = 5
	MaxSharpnessEvery     = 1000
	// MaxSharpnessPoints bounds the points of one trace (steps/every).
	MaxSharpnessPoints = 2000
	// Lanczos settings: a cold start takes up to sharpColdIter products, a
	// warm one at least sharpWarmMin and at most sharpWarmIter.
	sharpColdIter = 60
	sharpWarmIter = 30
	sharpWarmMin  = 6
	sharpTol      = 1e-4
	// sharpMix is the weight of a fresh random vector in a warm start, so
	// that an eigenvalue overtaking the old top one is found.
	sharpMix = 0.3
)

// SharpnessTrace is the sharpness of one run every Every steps: at step
// K[i] the top eigenvalue Lambda[i] of the Hessian (of P^½HP^½ for a
// preconditioned method, Preconditioned), the method's threshold there
// Threshold[i] (0: none known; Rule its formula) and the loss Loss[i].
type SharpnessTrace struct {
	Every          int       `json:"every"`
	Rule           string    `json:"rule"`
	Preconditioned bool      `json:"preconditioned"`
	K              []int     `json:"k"`
	Lambda         []float64 `json:"lambda"`
	Threshold      []float64 `json:"threshold"`
	Loss           []float64 `json:"loss"`
	// Products counts the Hessian-vector products the trace took.
	Products int `json:"products"`
}

// Sharpener measures the sharpness at successive points of one run,
// warm-starting each Lanczos iteration from the last top eigenvector. It is
// not safe for concurrent use.
type Sharpener struct {
	obj      landscape.Objective
	vec      []float64
	rng      *rand.Rand
	Products int // Hessian-vector products so far
}

// NewSharpener is a Sharpener for obj, or a *fielderr.Error when obj
// gives no curvature.
func NewSharpener(obj landscape.Objective) (*Sharpener, error) {
	_, hv := obj.(landscape.HessVecer)
	_, h := obj.(landscape.Hessianer)
	if !hv && !h {
		return nil, fielderr.New("objective", "gives no Hessian, so its sharpness cannot be measured")
	}
	return &Sharpener{obj: obj, rng: nn.NewRNG(7)}, nil
}

// Measure is the top eigenvalue of the Hessian at theta, or with precond
// (positive, per coordinate) of P^½HP^½, whose eigenvalues are those of PH.
func (s *Sharpener) Measure(ctx context.Context, theta, precond []float64) (float64, error) {
	n := s.obj.Dim()
	h, err := hessOperator(ctx, s.obj, theta, func() { s.Products++ })
	if err != nil {
		return 0, err
	}
	op := h
	if precond != nil {
		root := make([]float64, n)
		for i, p := range precond {
			root[i] = math.Sqrt(max(p, 0))
		}
		tmp := make([]float64, n)
		op = func(dst, v []float64) {
			for i := range v {
				tmp[i] = root[i] * v[i]
			}
			h(dst, tmp)
			for i := range dst {
				dst[i] *= root[i]
			}
		}
	}
	set := hd.LanczosSettings{K: 1, Which: hd.LargestAlgebraic, MaxIter: sharpColdIter, Tol: sharpTol, Seed: 1}
	if s.vec != nil {
		start := make([]float64, n)
		for i := range start {
			start[i] = s.rng.NormFloat64()
		}
		floats.Scale(sharpMix/floats.Norm(start, 2), start)
		floats.Add(start, s.vec)
		set.Start, set.MaxIter, set.MinIter = start, sharpWarmIter, sharpWarmMin
	}
	eig, err := hd.TopEigen(op, n, set)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return 0, curvatureErr(err)
	}
	if !finite(eig.Values[0]) {
		return 0, curvatureErr(hd.ErrNotFinite)
	}
	s.vec = eig.Vectors[0]
	return eig.Values[0], nil
}

// Record measures the sharpness at run's current step and appends it to
// tr. It does nothing for a preconditioned method before its first step
// (no preconditioner yet).
func (s *Sharpener) Record(ctx context.Context, tr *SharpnessTrace, run *optim.Run) error {
	st := run.Current()
	stab, precond, ok := run.Stability()
	if !ok {
		return nil
	}
	lambda, err := s.Measure(ctx, st.Theta, precond)
	if err != nil {
		return err
	}
	tr.Append(st.K, lambda, stab, st.Loss)
	tr.Products = s.Products
	return nil
}

// Append adds one measured point.
func (tr *SharpnessTrace) Append(k int, lambda float64, stab optim.Stability, loss float64) {
	tr.Rule, tr.Preconditioned = stab.Rule, stab.Preconditioned
	tr.K = append(tr.K, k)
	tr.Lambda = append(tr.Lambda, lambda)
	tr.Threshold = append(tr.Threshold, stab.Threshold)
	tr.Loss = append(tr.Loss, loss)
}

// CheckSharpness refuses a trace of steps steps measured every every steps
// that is out of range, with a *fielderr.Error on "every".
func CheckSharpness(steps, every int) error {
	if every < 1 || every > MaxSharpnessEvery {
		return fielderr.New("every", "must be a whole number of steps from 1 to %d, got %d", MaxSharpnessEvery, every)
	}
	if pts := steps/every + 1; pts > MaxSharpnessPoints {
		return fielderr.New("every", "%d steps measured every %d make %d points; a trace has at most %d: measure every %d steps or more",
			steps, every, pts, MaxSharpnessPoints, (steps+MaxSharpnessPoints-2)/(MaxSharpnessPoints-1))
	}
	return nil
}

// Sharpness steps run up to steps times (fewer when it ends), measuring the
// sharpness at the start, every every steps and at the last step. step, when
// not nil, is called after each measurement (progress). It returns ctx's
// error when ctx ends first.
func Sharpness(ctx context.Context, obj landscape.Objective, run *optim.Run, steps, every int, step func()) (*SharpnessTrace, error) {
	if err := CheckSharpness(steps, every); err != nil {
		return nil, err
	}
	s, err := NewSharpener(obj)
	if err != nil {
		return nil, err
	}
	tr := &SharpnessTrace{Every: every}
	measure := func() error {
		if err := s.Record(ctx, tr, run); err != nil {
			return err
		}
		if step != nil {
			step()
		}
		return nil
	}
	if err := measure(); err != nil {
		return nil, err
	}
	for k := 1; k <= steps && !run.Done(); k++ {
		if k%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		st := run.Step()
		if st.K%every == 0 || k == steps || run.Done() {
			if n := len(tr.K); n > 0 && tr.K[n-1] == st.K {
				continue // a diverged run's last step is the one already measured
			}
			if err := measure(); err != nil {
				if run.Done() && ctx.Err() == nil {
					break // a diverged run's last point may have no finite curvature
				}
				return nil, err
			}
		}
	}
	return tr, nil
}
