// Package scene turns a request (objective, start, runs, seed) into runs
// ready to step, and steps into the points the API and the WebSocket send.
// Both /api/run and /ws build scenes here, so their trajectories agree
// point for point.
package scene

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Limits on what one scene may ask for.
const (
	MaxRuns  = 16
	MaxSteps = 100_000
)

// Request is a scene as the API and the "start" message carry it.
//
// For a projected (high-dimensional) objective, Start is [a, b] on the
// plane, θ = θ₀ + a·d1 + b·d2, or nil for θ₀ itself, the model's
// initialisation drawn from Seed; Plane chooses the plane (nil: random,
// with Seed). Runs step in full dimension and their points carry (a, b).
type Request struct {
	Objective landscape.Spec `json:"objective"`
	Start     []float64      `json:"start,omitempty"` // nil: the objective's suggested start
	Runs      []RunSpec      `json:"runs"`
	Seed      uint64         `json:"seed,omitempty"`
	Plane     *zoo.PlaneSpec `json:"plane,omitempty"`
}

// RunSpec is one run of a scene.
type RunSpec struct {
	Optimizer string         `json:"optimizer"`
	Hyper     Hyper          `json:"hyper,omitzero"`
	Clip      optim.Clip     `json:"clip,omitzero"`
	Schedule  optim.Schedule `json:"schedule,omitzero"`
	Label     string         `json:"label,omitempty"` // shown in the legend
}

// Hyper holds hyperparameters as JSON gives them: numbers, or strings for
// choices such as cg's "variant".
type Hyper struct {
	Num    map[string]float64
	Choice map[string]string
}

// UnmarshalJSON splits numbers from strings and refuses anything else.
// Its errors are *fielderr.Error with fields relative to the hyper object
// ("lr"), so a caller that knows where the object sits can prefix them.
func (h *Hyper) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fielderr.New("", "must be an object of numbers, such as {\"lr\": 0.01}")
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names) // the same error for the same body
	for _, name := range names {
		v := raw[name]
		var x float64
		if err := json.Unmarshal(v, &x); err == nil {
			if h.Num == nil {
				h.Num = map[string]float64{}
			}
			h.Num[name] = x
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			if h.Choice == nil {
				h.Choice = map[string]string{}
			}
			h.Choice[name] = s
			continue
		}
		return fielderr.New(name, "must be a number (or a string for a choice), got %s", v)
	}
	return nil
}

// MarshalJSON writes numbers and choices as one object.
func (h Hyper) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(h.Num)+len(h.Choice))
	for k, v := range h.Num {
		m[k] = v
	}
	for k, v := range h.Choice {
		m[k] = v
	}
	return json.Marshal(m)
}

// IsZero lets omitzero drop an empty Hyper.
func (h Hyper) IsZero() bool { return len(h.Num) == 0 && len(h.Choice) == 0 }

// Config returns the optim.Config of a run spec.
func (r RunSpec) Config() optim.Config {
	return optim.Config{Optimizer: r.Optimizer, Hyper: r.Hyper.Num, Choice: r.Hyper.Choice,
		Clip: r.Clip, Schedule: r.Schedule}
}

// Scene is a built request: an objective and its runs at step 0.
type Scene struct {
	Request Request
	Obj     landscape.Objective
	// Info describes the objective; for a projected one, Domain and Start
	// are on the scene's plane.
	Info  landscape.Info
	Start []float64 // in full dimension
	Runs  []*optim.Run
	// View is the plane of a projected objective; nil for a 2-D one.
	View *zoo.View

	hess   *mat.SymDense // scratch for gᵀHg; nil when the objective has no cheap Hessian
	hv     []float64     // scratch for gᵀHg by a Hessian-vector product (projected objectives)
	u      []float64     // scratch for gᵀHg: g scaled
	live   pointArena    // storage of the points PointOf makes
	orders []stateOrder  // each run's state vectors by name
}

// Build validates req and builds its runs. Errors are *fielderr.Error with
// the JSON path of the offending field ("objective.expr", "runs[1].hyper.lr").
func Build(req Request) (*Scene, error) {
	obj, info, model, err := zoo.New(req.Objective)
	if err != nil {
		return nil, fielderr.Prefix("objective", err)
	}
	var view *zoo.View
	start := req.Start
	if model == nil && req.Plane != nil {
		return nil, fielderr.New("plane", "%s is drawn on its own axes; a plane is chosen only for a projected, high-dimensional objective", info.ID)
	}
	if model != nil {
		var ps zoo.PlaneSpec
		if req.Plane != nil {
			ps = *req.Plane
		}
		cur, err := replayOf(ps, req)
		if err != nil {
			return nil, err
		}
		if view, err = model.ViewAt(ps, req.Seed, cur); err != nil {
			return nil, err
		}
		pi := view.Info(false)
		info.Domain = pi.Domain
		info.Start = pi.Init[:]
		if start == nil {
			start = view.Theta0
		} else {
			if len(start) != 2 {
				return nil, fielderr.New("start", "has %d coordinates; a projected objective starts at [a, b] on its plane (or leave start out for its initialisation)", len(start))
			}
			if err := fielderr.Finite("start", start); err != nil {
				return nil, err
			}
			start = view.Point(start[0], start[1])
		}
		for i, rs := range req.Runs {
			if err := model.CheckOptimizer(rs.Optimizer); err != nil {
				return nil, fielderr.Prefix(fmt.Sprintf("runs[%d]", i), err)
			}
		}
	} else if start == nil {
		start = info.Start
	}
	if len(start) != obj.Dim() {
		return nil, fielderr.New("start", "has %d coordinates, the objective has %d", len(start), obj.Dim())
	}
	if err := fielderr.Finite("start", start); err != nil {
		return nil, err
	}
	if f := obj.Value(start); math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fielderr.New("start", "the objective is not finite there (J = %v)", f)
	}
	if len(req.Runs) == 0 {
		return nil, fielderr.New("runs", "add at least one run")
	}
	if len(req.Runs) > MaxRuns {
		return nil, fielderr.New("runs", "at most %d runs race in one scene, got %d", MaxRuns, len(req.Runs))
	}
	s := &Scene{Request: req, Obj: obj, Info: info, Start: append([]float64(nil), start...), View: view}
	for i, rs := range req.Runs {
		run, err := optim.NewRun(obj, start, rs.Config(), optim.SeedFor(req.Seed, i))
		if err != nil {
			return nil, fielderr.Prefix(fmt.Sprintf("runs[%d]", i), err)
		}
		s.Runs = append(s.Runs, run)
	}
	// Every run starts from the same exact gradient: one that overflows
	// (or its norm, beyond the largest float64) could not be sent or
	// stepped from, so the start is refused, as /api/hessian refuses it.
	if st := s.Runs[0].Current(); !allFinite(st.Grad) {
		return nil, fielderr.New("start", "the gradient is not finite there (∇J = %v)", st.Grad)
	} else if !isFinite(st.GradNorm) {
		return nil, fielderr.New("start", "the gradient's norm overflows there (‖∇J‖ > %g)", math.MaxFloat64)
	}
	if _, ok := obj.(landscape.Hessianer); ok && obj.Dim() <= 64 {
		s.hess = mat.NewSymDense(obj.Dim(), nil)
		s.u = make([]float64, obj.Dim())
	}
	if _, ok := obj.(landscape.HessVecer); ok && view != nil {
		s.hv = make([]float64, obj.Dim())
	}
	return s, nil
}

// replayOf is the current point of a three-point plane: the scene's run
// ps.Run after ps.K steps from θ₀, checked as the run itself is; nil for
// other planes or without a run.
func replayOf(ps zoo.PlaneSpec, req Request) (*zoo.Replay, error) {
	if ps.KindOrDefault() != zoo.PlaneThreePoints || ps.Run == nil {
		return nil, nil
	}
	i := *ps.Run
	if i >= len(req.Runs) {
		return nil, fielderr.New("plane.run", "no run %d: the scene has %d runs, and the plane's current point is one of theirs", i, len(req.Runs))
	}
	if ps.K > MaxSteps {
		return nil, fielderr.New("plane.k", "must be at most %d, got %d", MaxSteps, ps.K)
	}
	return &zoo.Replay{Run: i, Config: req.Runs[i].Config(), Seed: optim.SeedFor(req.Seed, i), K: ps.K}, nil
}

// Projected reports whether the scene's objective is high-dimensional,
// drawn on a plane.
func (s *Scene) Projected() bool { return s.View != nil }

// StartXY is the start on the plot's plane.
func (s *Scene) StartXY() []float64 { return s.project(s.Start) }

// GridKey names the landscape of the scene over x × y for caches: the
// objective, and for a projected one its plane and seeds.
func (s *Scene) GridKey(x, y [2]float64, nx, ny int) landscape.GridKey {
	name := landscape.SpecKey(s.Request.Objective)
	if s.View != nil {
		name = s.View.Key()
	}
	return landscape.GridKey{Objective: name, X: x, Y: y, NX: nx, NY: ny}
}

// Grid is the landscape of the scene over x × y through cache: the 2-D
// objective itself, or a projected one on the scene's plane (at most
// zoo.MaxGridSide points a side).
func (s *Scene) Grid(ctx context.Context, cache *landscape.GridCache, x, y [2]float64, nx, ny int) (*landscape.Grid, error) {
	if s.View != nil {
		return s.View.Grid(ctx, cache, x, y, nx, ny)
	}
	return cache.Grid(ctx, s.GridKey(x, y, nx, ny), s.Obj)
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// RunResult is one run of a batch answer.
type RunResult struct {
	Optimizer string       `json:"optimizer"`
	Label     string       `json:"label,omitempty"`
	Status    optim.Status `json:"status"`
	Reason    string       `json:"reason,omitempty"`
	// Stationary, for a converged run, is the kind of stationary point it
	// stopped at (minimum, saddle, maximum, degenerate, unknown).
	Stationary *Stationary `json:"stationary,omitempty"`
	Clips      int         `json:"clips"`
	// InPlane, for a projected objective, is the fraction of the path's
	// displacement that lies in the plane, Σ‖PΔₖ‖²/Σ‖Δₖ‖² over its steps:
	// near 1 the drawn path is faithful, near 0 it is mostly a shadow.
	InPlane *float64 `json:"in_plane,omitempty"`
	Points  []Point  `json:"points"`
}

// RunAll steps every run up to steps times (a run that converges or diverges
// stops early) and returns the trajectories with full detail.
func (s *Scene) RunAll(steps int) []RunResult {
	out, _ := s.RunAllContext(context.Background(), steps)
	return out
}

// RunAllContext is RunAll that gives up when ctx ends (a client that hung up,
// a request over its time budget), returning ctx's error.
func (s *Scene) RunAllContext(ctx context.Context, steps int) ([]RunResult, error) {
	return s.RunFieldsContext(ctx, steps, AllFields)
}

// RunFieldsContext is RunAllContext for an answer that sends only fields:
// the vectors and gᵀHg it leaves out are neither computed nor copied (the
// scalars are always there).
func (s *Scene) RunFieldsContext(ctx context.Context, steps int, fields Fields) ([]RunResult, error) {
	out := make([]RunResult, len(s.Runs))
	a := pointArena{batch: true}
	for i, r := range s.Runs {
		pts := make([]Point, 0, steps+1)
		pts = append(pts, s.pointOf(i, r.Current(), Full, fields, &a))
		var in, all float64 // squared step lengths in the plane and in full
		for k := 0; k < steps && !r.Done(); k++ {
			if k%256 == 255 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			st := r.Step()
			if st.K == pts[len(pts)-1].K {
				break // a step the method could not take: the run ended where it stood (optim.Run.Step)
			}
			pts = append(pts, s.pointOf(i, st, Full, fields, &a))
			if s.View != nil {
				p, q := pts[len(pts)-2].XY, pts[len(pts)-1].XY
				in += s.View.Norm2(q[0]-p[0], q[1]-p[1])
				all += dot(st.Update, st.Update)
			}
		}
		st := r.Current().Status
		if st == optim.Running {
			st = optim.MaxSteps
		}
		reason, stat := s.Outcome(i)
		out[i] = RunResult{Optimizer: r.Info().ID, Label: s.Request.Runs[i].Label, Status: st,
			Reason: reason, Stationary: stat, Clips: r.Clips(), Points: pts}
		if s.View != nil {
			f := 1.0 // a path that never moves lies in any plane
			if all > 0 && !math.IsInf(all, 0) && !math.IsNaN(in) {
				f = min(1, in/all)
			}
			out[i].InPlane = &f
		}
	}
	return out, nil
}

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
