package scene

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
)

// Kinds of stationary point a run can stop at (8.2.4): the status of such a
// run stays "converged" (‖g‖ fell below optim.GradTol, or a curvature
// method's step became negligible), and Stationary says what it converged to.
const (
	KindMinimum    = "minimum"    // every eigenvalue of the Hessian > τ
	KindSaddle     = "saddle"     // some eigenvalue < −τ and some > τ
	KindMaximum    = "maximum"    // every eigenvalue < −τ
	KindDegenerate = "degenerate" // an eigenvalue within ±τ of 0 decides nothing (flat)
	KindUnknown    = "unknown"    // the objective gives no curvature
)

// Zero tolerance τ of the classification. Near a degenerate critical point θ*
// (a zero eigenvalue along a direction in which J is cubic, with third
// derivative T), a point at distance r from θ* shows curvature |λ| ≈ T·r and
// gradient ‖g‖ ≈ T·r²/2, so an eigenvalue with |λ| ≲ √(2T‖g‖) cannot be told
// from zero at the point where the run stopped. T is estimated from the
// Hessian's scale S (its largest |λ|) over a length w: T ≈ S/w. So
//
//	τ = max(ZeroSafety·√(2·‖g‖·S/w), ZeroFloor·S)
//
// and |λ| ≤ τ counts as zero. For a 2-D objective S is the largest |λ| at the
// start, the stopping point, and the centre and corners of the objective's
// domain, and w the domain's larger side; for a projected (high-dimensional)
// objective S is the larger of |λmin| and |λmax| at the stopping point and w is
// max(‖θ‖, ‖θ − θ_start‖, 1) there. ZeroFloor is rounding: a run that starts exactly
// on a stationary point (‖g‖ = 0) calls only a zero curvature zero.
const (
	ZeroSafety = 4
	ZeroFloor  = 1e-9
)

// Stationary says which kind of stationary point a converged run stopped at,
// from the Hessian there: its extreme eigenvalues (for a projected objective,
// Lanczos estimates from Hessian-vector products) and the tolerance τ under
// which an eigenvalue counts as zero. λmin, λmax and τ are left out when the
// kind is unknown.
type Stationary struct {
	Kind      string   `json:"kind"`
	LambdaMin *float64 `json:"lambda_min,omitempty"`
	LambdaMax *float64 `json:"lambda_max,omitempty"`
	ZeroTol   *float64 `json:"zero_tol,omitempty"`
}

// Outcome is how run i stands now: its reason, and for a converged run what
// it converged to, with the reason saying so ("stopped at a saddle point:
// ‖g‖ = 3e-09 < 1e-08, λmin = -2, λmax = 2"). A run still running, out of
// steps or diverged gets its own reason and a nil Stationary.
func (s *Scene) Outcome(i int) (reason string, st *Stationary) {
	cur := s.Runs[i].Current()
	if cur.Status != optim.Converged {
		return cur.Reason, nil
	}
	st = s.classify(cur.Theta, cur.GradNorm)
	return stationaryReason(st, cur.Reason), st
}

func stationaryReason(st *Stationary, why string) string {
	switch st.Kind {
	case KindMinimum:
		return fmt.Sprintf("reached a minimum: %s, λmin = %.3g > 0", why, *st.LambdaMin)
	case KindSaddle:
		return fmt.Sprintf("stopped at a saddle point: %s, λmin = %.3g < 0 < λmax = %.3g", why, *st.LambdaMin, *st.LambdaMax)
	case KindMaximum:
		return fmt.Sprintf("stopped at a maximum: %s, λmax = %.3g < 0", why, *st.LambdaMax)
	case KindDegenerate:
		return fmt.Sprintf("stopped at a degenerate (flat) stationary point: %s, λmin = %.3g, λmax = %.3g, and |λ| ≤ %.2g counts as 0, so curvature cannot tell its kind",
			why, *st.LambdaMin, *st.LambdaMax, *st.ZeroTol)
	}
	return fmt.Sprintf("stopped at a stationary point of unknown kind (the objective gives no curvature): %s", why)
}

// classify looks at the Hessian at theta, where the gradient's norm is gn.
func (s *Scene) classify(theta []float64, gn float64) *Stationary {
	lo, hi, scale, width, ok := s.curvature(theta)
	if !ok {
		return &Stationary{Kind: KindUnknown}
	}
	tau := ZeroFloor * scale
	if scale > 0 && width > 0 && gn > 0 {
		tau = max(tau, ZeroSafety*math.Sqrt(2*gn*scale/width))
	}
	st := &Stationary{LambdaMin: &lo, LambdaMax: &hi, ZeroTol: &tau}
	switch {
	case lo > tau:
		st.Kind = KindMinimum
	case hi < -tau:
		st.Kind = KindMaximum
	case lo < -tau && hi > tau:
		st.Kind = KindSaddle
	default:
		st.Kind = KindDegenerate
	}
	return st
}

// curvature gives the extreme eigenvalues of the Hessian at theta, the
// Hessian's scale S and the length w of the classification (see ZeroSafety).
func (s *Scene) curvature(theta []float64) (lo, hi, scale, width float64, ok bool) {
	lo, hi, ok = s.extremes(theta)
	if !ok {
		return 0, 0, 0, 0, false
	}
	scale = max(math.Abs(lo), math.Abs(hi))
	if s.View != nil || s.Obj.Dim() != 2 {
		// Scaled norms: a run far out (‖θ‖ near 1e160) does not overflow to +Inf.
		return lo, hi, scale, max(1, optim.Norm(theta), floats.Distance(theta, s.Start, 2)), true
	}
	// The Hessian's scale over the domain: a point where it vanishes says
	// nothing of the landscape's curvature elsewhere.
	d := s.Info.Domain
	probes := [][]float64{s.Start, {(d.X[0] + d.X[1]) / 2, (d.Y[0] + d.Y[1]) / 2}}
	for _, x := range d.X {
		for _, y := range d.Y {
			probes = append(probes, []float64{x, y})
		}
	}
	for _, p := range probes {
		if l, h, ok := s.extremes(p); ok {
			scale = max(scale, math.Abs(l), math.Abs(h))
		}
	}
	return lo, hi, scale, max(d.X[1]-d.X[0], d.Y[1]-d.Y[0]), true
}

// extremes are the smallest and largest eigenvalues of the Hessian at x:
// exact for a small objective with a Hessian (or one formed from
// Hessian-vector products), Lanczos estimates for a projected one; ok is
// false without curvature or when it is not finite.
func (s *Scene) extremes(x []float64) (lo, hi float64, ok bool) {
	n := s.Obj.Dim()
	if s.View == nil && n <= 64 {
		h := mat.NewSymDense(n, nil)
		switch o := s.Obj.(type) {
		case landscape.Hessianer:
			o.Hess(h, x)
		case landscape.HessVecer:
			landscape.FormHessian(h, o, x)
		default:
			return 0, 0, false
		}
		var e mat.EigenSym
		if !e.Factorize(h, false) {
			return 0, 0, false
		}
		v := e.Values(nil)
		return v[0], v[n-1], allFinite(v)
	}
	hv, ok := s.Obj.(landscape.HessVecer)
	if !ok {
		return 0, 0, false
	}
	op := func(dst, v []float64) { hv.HessVec(dst, x, v) }
	small, err := hd.TopEigen(op, n, hd.LanczosSettings{K: 1, Which: hd.SmallestAlgebraic, Seed: 1})
	if err != nil || !finite(small.Values[0]) {
		return 0, 0, false
	}
	large, err := hd.TopEigen(op, n, hd.LanczosSettings{K: 1, Which: hd.LargestAlgebraic, Seed: 1})
	if err != nil || !finite(large.Values[0]) {
		return 0, 0, false
	}
	return small.Values[0], large.Values[0], true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
