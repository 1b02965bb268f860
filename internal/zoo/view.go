package zoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
)

// Plane kinds.
const (
	// PlaneRandom: two filter-normalised random Gaussian directions through
	// θ₀ (Li et al. 2018): each unit's incoming weights get the norm of that
	// unit's weights in θ₀, biases are not moved.
	PlaneRandom = "random"
	// PlanePCA: the top two principal components of a pilot training run
	// from θ₀ (PilotSteps of Adam with PilotLR, full batch), through the
	// pilot's last point, as Li et al. draw trajectories. The pilot does not
	// depend on the scene's runs, so /api/landscape and /api/run agree on
	// the plane from the objective and the seed alone.
	PlanePCA = "pca"
	// PlaneHessian: the eigenvectors of the two largest Hessian eigenvalues
	// at θ₀ (Lanczos on Hessian-vector products), scaled to ‖θ₀‖ so that
	// plane coordinates compare with the random plane's.
	PlaneHessian = "hessian"
	// PlaneThreePoints: the plane through θ₀ (the origin), the current
	// point and the solution, by Gram–Schmidt (d1 along current − θ₀, unit
	// length; d2 the unit part of solution − θ₀ orthogonal to it). The
	// solution is the PCA pilot's last point; the current point is run
	// Run's θ after K steps from θ₀ (replayed, so the plane follows from the
	// scene alone), or the pilot's halfway point without a run.
	PlaneThreePoints = "three_points"
)

// PlaneKinds lists the planes in the order the page offers them.
var PlaneKinds = []string{PlaneRandom, PlanePCA, PlaneHessian, PlaneThreePoints}

// MaxReplaySteps bounds K of a three-point plane: the current point costs
// K steps of its run to replay (once; views are cached).
const MaxReplaySteps = 100_000

// The pilot run of the PCA plane.
const (
	PilotSteps = 200
	PilotLR    = 0.01
)

// pilotBudget bounds the numbers the PCA pilot keeps (32 MB).
const pilotBudget = 4 << 20

// Limits of a projected objective's landscape.
const (
	// MaxGridSide caps nx and ny: every point is a full pass of the model
	// over its data.
	MaxGridSide = 101
	// DefaultGridSide is nx and ny when left out.
	DefaultGridSide = 51
	// MaxSentDim is the largest dimension whose plane origin and axes are
	// sent in full (three vectors of this many numbers).
	MaxSentDim = 10_000
)

// PlaneSpec chooses a plane through a projected objective's parameter
// space. In JSON it is a kind alone, "random" | "pca" | "hessian" |
// "three_points", or an object {"kind": "hessian", "seed": 3}, or for the
// three-point plane {"kind": "three_points", "run": 0, "k": 120}. The zero
// value is the random plane with the scene's seed.
type PlaneSpec struct {
	Kind string `json:"kind,omitempty"`
	// Seed of the random directions (and of Lanczos' start vector, and of
	// the pilot run); nil: the scene's seed, the one θ₀ is drawn from.
	Seed *uint64 `json:"seed,omitempty"`
	// Run and K choose the current point of the three-point plane: the
	// scene's run Run after K steps from θ₀. Only with three_points; left
	// out (or K = 0), the current point is the pilot's halfway point.
	Run *int `json:"run,omitempty"`
	K   int  `json:"k,omitempty"`
}

// UnmarshalJSON reads either form. Its errors are *fielderr.Error with
// fields relative to the plane ("kind", "seed").
func (p *PlaneSpec) UnmarshalJSON(b []byte) error {
	var kind string
	if err := json.Unmarshal(b, &kind); err == nil {
		*p = PlaneSpec{Kind: kind}
		return p.Validate()
	}
	type plain PlaneSpec // without this method
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "seed":
			return fielderr.New("seed", "must be a whole number from 0 to 2^64−1, got %s", te.Value)
		case errors.As(err, &te) && (te.Field == "run" || te.Field == "k"):
			return fielderr.New(te.Field, "must be a whole number, got %s", te.Value)
		case errors.As(err, &te) && te.Field == "kind":
			return fielderr.New("kind", "must be one of %s, got %s", strings.Join(PlaneKinds, ", "), te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return fielderr.New(name, `unknown field; a plane is {"kind": %s, "seed": n} (and "run", "k" for three_points)`, strings.Join(PlaneKinds, " | "))
		}
		return fielderr.New("", `must be %s, or an object {"kind": ..., "seed": n}`, strings.Join(PlaneKinds, " | "))
	}
	*p = PlaneSpec(v)
	return p.Validate()
}

// Validate checks the kind, and the run and step of a three-point plane.
func (p PlaneSpec) Validate() error {
	known := p.Kind == ""
	for _, k := range PlaneKinds {
		known = known || p.Kind == k
	}
	if !known {
		return fielderr.New("kind", "unknown plane %q; choose one of %s", p.Kind, strings.Join(PlaneKinds, ", "))
	}
	if p.Kind != PlaneThreePoints {
		switch {
		case p.Run != nil:
			return fielderr.New("run", "only the three_points plane takes a run (its current point)")
		case p.K != 0:
			return fielderr.New("k", "only the three_points plane takes a step k (its current point)")
		}
		return nil
	}
	if p.Run != nil && *p.Run < 0 {
		return fielderr.New("run", "must be a run of the scene (0, 1, ...), got %d", *p.Run)
	}
	if p.K < 0 || p.K > MaxReplaySteps {
		return fielderr.New("k", "must be from 0 to %d, got %d", MaxReplaySteps, p.K)
	}
	if p.K > 0 && p.Run == nil {
		return fielderr.New("run", "missing: the step k = %d is a step of which run?", p.K)
	}
	return nil
}

// Replay is the current point of a three-point plane: a run with Config
// and Seed after K steps from θ₀ (scene.Build fills it in from the
// scene's runs).
type Replay struct {
	Run    int // the run's index in its scene, for the plane's info
	Config optim.Config
	Seed   uint64
	K      int
}

// key names the replayed point for caches.
func (r *Replay) key() string {
	cfg, err := json.Marshal(r.Config) // maps marshal in key order
	if err != nil {
		cfg = []byte(fmt.Sprintf("%+v", r.Config))
	}
	return fmt.Sprintf(";cur=%d:%s;rseed=%d;k=%d", r.Run, cfg, r.Seed, r.K)
}

// KindOrDefault is the plane's kind, "random" when left out.
func (p PlaneSpec) KindOrDefault() string {
	if p.Kind == "" {
		return PlaneRandom
	}
	return p.Kind
}

// PlaneInfo describes a plane on the wire.
type PlaneInfo struct {
	Kind string `json:"kind"`
	// Seed drew the random directions (or Lanczos' start); InitSeed drew θ₀.
	Seed     uint64 `json:"seed"`
	InitSeed uint64 `json:"init_seed"`
	Dim      int    `json:"dim"`
	// OriginNorm is ‖origin‖, AxisNorms ‖d1‖ and ‖d2‖, AxisCos the cosine
	// of the angle between the axes (random axes are nearly orthogonal).
	OriginNorm float64    `json:"origin_norm"`
	AxisNorms  [2]float64 `json:"axis_norms"`
	AxisCos    float64    `json:"axis_cos"`
	// Init is θ₀'s (a, b): the runs' default start. (0, 0) unless the
	// plane's origin is elsewhere (pca).
	Init [2]float64 `json:"init"`
	// Domain is the rectangle drawn by default.
	Domain landscape.Domain `json:"domain"`
	// Eigenvalues (hessian) are λ₁ ≥ λ₂ at θ₀; Explained (pca) the
	// fractions of the pilot's variance along each axis.
	Eigenvalues []float64 `json:"eigenvalues,omitempty"`
	// Current and Solution (three_points) are the (a, b) of the plane's
	// other two points (θ₀ is Init); Run and K name the current point
	// when it is a run's (else it is the pilot's step K).
	Current    *[2]float64 `json:"current,omitempty"`
	Solution   *[2]float64 `json:"solution,omitempty"`
	Run        *int        `json:"run,omitempty"`
	K          int         `json:"k,omitempty"`
	Explained  []float64   `json:"explained,omitempty"`
	PilotSteps int         `json:"pilot_steps,omitempty"`
	Note       string      `json:"note,omitempty"`
	// Origin and Axes are the plane itself, θ(a, b) = origin + a·axes[0] +
	// b·axes[1], sent only up to MaxSentDim and where asked for.
	Origin []float64   `json:"origin,omitempty"`
	Axes   [][]float64 `json:"axes,omitempty"`
}

// View is a projected objective seen on one plane: θ₀, the plane, and the
// projection of parameter vectors onto it. It is read-only and shared.
type View struct {
	Model  *Model
	Plane  *hd.Plane
	Theta0 []float64
	info   PlaneInfo
	key    string      // names the landscape: objective, plane and seeds
	pilot  [][]float64 // the PCA pilot's path while the view is made
	pilot3 [][]float64 // a three-point plane's current point and solution, likewise
	// The Gram matrix of the axes and its inverse, for least-squares
	// coordinates and in-plane lengths.
	g11, g12, g22 float64
	i11, i12, i22 float64
}

// Info describes the plane; with vectors, its origin and axes too (up to
// MaxSentDim). The vectors are shared: do not modify them.
func (v *View) Info(vectors bool) PlaneInfo {
	in := v.info
	if vectors && len(v.Theta0) <= MaxSentDim {
		in.Origin = v.Plane.Origin
		in.Axes = [][]float64{v.Plane.D1, v.Plane.D2}
	}
	return in
}

// Key names the view's landscape for caches.
func (v *View) Key() string { return v.key }

// Point returns θ(a, b) = origin + a·d1 + b·d2, a new slice.
func (v *View) Point(a, b float64) []float64 {
	theta := make([]float64, len(v.Theta0))
	v.Plane.Point(theta, a, b)
	return theta
}

// Coords returns the plane coordinates of θ's orthogonal projection (least
// squares on the axes, as hd.Plane.Coords), without allocating.
func (v *View) Coords(theta []float64) (a, b float64) {
	var r1, r2 float64
	d1, d2 := v.Plane.D1, v.Plane.D2
	for i, o := range v.Plane.Origin {
		d := theta[i] - o
		r1 += d1[i] * d
		r2 += d2[i] * d
	}
	return v.i11*r1 + v.i12*r2, v.i12*r1 + v.i22*r2
}

// Norm2 is ‖da·d1 + db·d2‖², the squared length in parameter space of a
// move (da, db) on the plane: with the length of a step, it gives the
// fraction of the step that lies in the plane.
func (v *View) Norm2(da, db float64) float64 {
	return da*da*v.g11 + 2*da*db*v.g12 + db*db*v.g22
}

// views caches recent planes: a Hessian plane costs dozens of
// Hessian-vector products and a PCA plane a pilot run, and every
// /api/run, /api/landscape and session start asks for one.
var views = struct {
	sync.Mutex
	order []string
	byKey map[string]*View
}{byKey: map[string]*View{}}

const viewCacheSize = 16

// View returns the plane ps through the model's parameter space, with θ₀
// drawn from seed (and the plane's own seed defaulting to it). Errors are
// *fielderr.Error on "plane" (a plane that cannot be made from this point).
// A three-point plane's current point is then the pilot's halfway point;
// ViewAt takes a run's.
func (m *Model) View(ps PlaneSpec, seed uint64) (*View, error) {
	return m.ViewAt(ps, seed, nil)
}

// ViewAt is View with the current point of a three-point plane replayed
// from cur (nil, or K = 0: the pilot's halfway point); other planes
// ignore cur.
func (m *Model) ViewAt(ps PlaneSpec, seed uint64, cur *Replay) (*View, error) {
	if err := ps.Validate(); err != nil {
		return nil, fielderr.Prefix("plane", err)
	}
	kind, pseed := ps.KindOrDefault(), seed
	if ps.Seed != nil {
		pseed = *ps.Seed
	}
	if kind != PlaneThreePoints || (cur != nil && cur.K == 0) {
		cur = nil
	}
	key := fmt.Sprintf("%s|plane=%s;seed=%d;init=%d", m.key, kind, pseed, seed)
	if cur != nil {
		key += cur.key()
	}
	views.Lock()
	v, ok := views.byKey[key]
	views.Unlock()
	if ok {
		return v, nil
	}
	v, err := m.newView(kind, pseed, seed, cur)
	if err != nil {
		return nil, err
	}
	v.key = key
	views.Lock()
	defer views.Unlock()
	if old, ok := views.byKey[key]; ok {
		return old, nil // another caller made it meanwhile: the same plane
	}
	if len(views.order) >= viewCacheSize {
		delete(views.byKey, views.order[0])
		views.order = views.order[1:]
	}
	views.order = append(views.order, key)
	views.byKey[key] = v
	return v, nil
}

func (m *Model) newView(kind string, pseed, seed uint64, cur *Replay) (*View, error) {
	theta0, err := m.Init(seed)
	if err != nil {
		return nil, fielderr.Prefix("objective", err)
	}
	v := &View{Model: m, Theta0: theta0}
	v.info = PlaneInfo{Kind: kind, Seed: pseed, InitSeed: seed, Dim: len(theta0), Domain: planeDomain}
	switch kind {
	case PlaneRandom:
		v.Plane, err = hd.RandomPlane(theta0, m.Blocks, pseed)
	case PlaneHessian:
		err = v.hessianPlane(pseed)
	case PlanePCA:
		err = v.pcaPlane(pseed)
	case PlaneThreePoints:
		err = v.threePointPlane(pseed, cur)
	}
	if err != nil {
		return nil, planeErr(err)
	}
	if err := v.setGram(); err != nil {
		return nil, err
	}
	v.info.OriginNorm = floats.Norm(v.Plane.Origin, 2)
	n1, n2 := floats.Norm(v.Plane.D1, 2), floats.Norm(v.Plane.D2, 2)
	v.info.AxisNorms = [2]float64{n1, n2}
	v.info.AxisCos = floats.Dot(v.Plane.D1, v.Plane.D2) / (n1 * n2)
	a, b := v.Coords(theta0)
	v.info.Init = [2]float64{a, b}
	if (kind == PlanePCA || kind == PlaneThreePoints) && v.info.Kind == kind {
		v.info.Domain = v.pilotDomain()
	}
	if v.info.Kind == PlaneThreePoints {
		a, b := v.Coords(v.pilot3[0])
		v.info.Current = &[2]float64{a, b}
		a, b = v.Coords(v.pilot3[1])
		v.info.Solution = &[2]float64{a, b}
		v.pilot3 = nil
	}
	return v, nil
}

// planeErr places a plane's failure under "plane".
func planeErr(err error) error {
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fielderr.New("plane", "%s", fe.Msg)
	}
	if errors.Is(err, hd.ErrNotFinite) {
		return fielderr.New("plane", "the curvature is not finite at the initialisation; try a smaller init scale")
	}
	return fmt.Errorf("zoo: plane: %w", err)
}

func (v *View) hessianPlane(seed uint64) error {
	hv, ok := v.Model.Obj.(landscape.HessVecer)
	if !ok {
		return fielderr.New("kind", "this objective gives no Hessian-vector products")
	}
	theta0 := v.Theta0
	op := func(dst, x []float64) { hv.HessVec(dst, theta0, x) }
	p, ev, err := hd.HessianPlane(op, theta0, seed)
	if err != nil {
		return err
	}
	// Unit eigenvectors would make a = 1 a tiny move in a big network;
	// scaled to ‖θ₀‖, the domain [-1, 1]² compares with the random plane's.
	if s := floats.Norm(theta0, 2); s > 0 {
		floats.Scale(s, p.D1)
		floats.Scale(s, p.D2)
	}
	v.Plane = p
	v.info.Eigenvalues = []float64{ev[0], ev[1]}
	return nil
}

// pcaPlane runs the pilot and takes its principal plane; a pilot that does
// not move (θ₀ at a stationary point) falls back to the random plane, and
// says so in the note.
func (v *View) pcaPlane(seed uint64) error {
	// A big model keeps every stride-th point only, so the path fits in
	// pilotBudget numbers; the last point is always kept (it is the origin).
	n := len(v.Theta0)
	stride := max(1, (PilotSteps*n+pilotBudget-1)/pilotBudget)
	traj := [][]float64{append([]float64(nil), v.Theta0...)}
	st, err := v.runPilot(seed, func(st *optim.Step) {
		if st.K%stride == 0 {
			traj = append(traj, append([]float64(nil), st.Theta...))
		}
	})
	if err != nil {
		return err
	}
	if st != nil && st.K%stride != 0 {
		traj = append(traj, append([]float64(nil), st.Theta...))
	}
	p, explained, err := hd.PCAPlane(traj)
	if err != nil {
		var fe *fielderr.Error
		if !errors.As(err, &fe) {
			return err
		}
		v.info.Kind = PlaneRandom
		v.info.Note = "the pilot run did not move from the initialisation (" + fe.Msg + "), so this is the random plane"
		v.Plane, err = hd.RandomPlane(v.Theta0, v.Model.Blocks, seed)
		return err
	}
	v.Plane = p
	v.info.Explained = []float64{explained[0], explained[1]}
	v.info.PilotSteps = st.K
	v.pilot = traj
	return nil
}

// runPilot runs the pilot (PilotSteps of Adam from θ₀, full batch or
// minibatches as the objective samples them, drawn from seed), calling
// each with every step; it returns the last step (nil: none was taken).
func (v *View) runPilot(seed uint64, each func(*optim.Step)) (*optim.Step, error) {
	run, err := optim.NewRun(v.Model.Obj, v.Theta0, optim.Config{Optimizer: "adam",
		Hyper: map[string]float64{"lr": PilotLR}}, seed)
	if err != nil {
		return nil, err
	}
	var st *optim.Step
	for k := 1; k <= PilotSteps && !run.Done(); k++ {
		st = run.Step()
		each(st)
	}
	return st, nil
}

// threePointPlane is the plane through θ₀, the current point (cur
// replayed, or the pilot's halfway point) and the solution (the pilot's
// last point). Points on one line (a pilot that does not move) fall back
// to the random plane, and say so in the note.
func (v *View) threePointPlane(seed uint64, cur *Replay) error {
	var mid []float64
	midK := PilotSteps / 2
	last, err := v.runPilot(seed, func(st *optim.Step) {
		if st.K == midK {
			mid = append([]float64(nil), st.Theta...)
		}
	})
	if err != nil {
		return err
	}
	solution := v.Theta0
	if last != nil {
		solution = append([]float64(nil), last.Theta...)
		if mid == nil { // the pilot ended early
			mid, midK = solution, last.K
		}
	}
	current, note := mid, fmt.Sprintf("the current point is the pilot's step %d (no run chosen)", midK)
	if mid == nil {
		current = v.Theta0
	}
	v.info.K = midK
	if cur != nil {
		theta, k, err := replay(v.Model.Obj, v.Theta0, cur)
		if err != nil {
			var fe *fielderr.Error
			if errors.As(err, &fe) {
				return fielderr.New("plane", "cannot replay the current point's run (%s: %s)", fe.Field, fe.Msg)
			}
			return err
		}
		if floats.Distance(theta, v.Theta0, 2) > 0 {
			current, note = theta, ""
			v.info.K, v.info.Run = k, &cur.Run
			if k < cur.K {
				note = fmt.Sprintf("the run ended at step %d, before k = %d", k, cur.K)
			}
		} else {
			note = fmt.Sprintf("the run has not moved from θ₀ by step %d, so the current point is the pilot's step %d", k, midK)
			v.info.K = midK
		}
	}
	p, err := hd.ThreePointPlane(v.Theta0, current, solution)
	if err != nil {
		var fe *fielderr.Error
		if !errors.As(err, &fe) {
			return err
		}
		v.info.Kind = PlaneRandom
		v.info.K = 0
		v.info.Note = "θ₀, the current point and the solution do not span a plane (" + fe.Msg + "), so this is the random plane"
		v.Plane, err = hd.RandomPlane(v.Theta0, v.Model.Blocks, seed)
		return err
	}
	v.Plane = p
	v.info.Note = note
	v.info.PilotSteps = PilotSteps
	if last != nil {
		v.info.PilotSteps = last.K
	}
	v.pilot = [][]float64{v.Theta0, current, solution}
	v.pilot3 = [][]float64{current, solution}
	return nil
}

// replay runs cur from theta0 for cur.K steps (fewer when it converges or
// diverges first) and returns its last θ and step.
func replay(obj landscape.Objective, theta0 []float64, cur *Replay) ([]float64, int, error) {
	run, err := optim.NewRun(obj, theta0, cur.Config, cur.Seed)
	if err != nil {
		return nil, 0, err
	}
	for k := 0; k < cur.K && !run.Done(); k++ {
		run.Step()
	}
	st := run.Current()
	return append([]float64(nil), st.Theta...), st.K, nil
}

// setGram precomputes the inverse Gram matrix of the axes.
func (v *View) setGram() error {
	a, b, c := floats.Dot(v.Plane.D1, v.Plane.D1), floats.Dot(v.Plane.D1, v.Plane.D2), floats.Dot(v.Plane.D2, v.Plane.D2)
	det := a*c - b*b
	if !(det > 1e-14*a*c) {
		return fielderr.New("plane", "the plane's directions are parallel or zero (a model with no weights?)")
	}
	v.g11, v.g12, v.g22 = a, b, c
	v.i11, v.i12, v.i22 = c/det, -b/det, a/det
	return nil
}

// pilotDomain is the box around the pilot's projection, padded by a fifth
// of its size on every side; then the pilot is dropped.
func (v *View) pilotDomain() landscape.Domain {
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, x := range v.pilot {
		a, b := v.Coords(x)
		lo[0], hi[0] = min(lo[0], a), max(hi[0], a)
		lo[1], hi[1] = min(lo[1], b), max(hi[1], b)
	}
	v.pilot = nil
	span := max(hi[0]-lo[0], hi[1]-lo[1])
	if !(span > 0) || math.IsInf(span, 0) {
		return planeDomain
	}
	var r [2][2]float64
	for k := range 2 {
		w := max(hi[k]-lo[k], span/5) * 1.4 // a fifth of padding on each side
		c := (lo[k] + hi[k]) / 2
		r[k] = [2]float64{c - w/2, c + w/2}
	}
	return landscape.Domain{X: r[0], Y: r[1]}
}

// CheckGrid validates a landscape request on a plane: the ranges as
// landscape.CheckGrid does, and sides up to MaxGridSide.
func CheckGrid(x, y [2]float64, nx, ny int) error {
	for _, s := range []struct {
		field string
		n     int
	}{{"nx", nx}, {"ny", ny}} {
		if s.n > MaxGridSide {
			return fielderr.New(s.field, "a projected objective's landscape is at most %d×%d points (each point is a full pass of the model over its data), got %d", MaxGridSide, MaxGridSide, s.n)
		}
	}
	return landscape.CheckGrid(x, y, nx, ny)
}

// Grid is the loss on the nx × ny lattice of the plane over a ∈ x, b ∈ y,
// evaluated in parallel and kept in cache (when not nil) under a key that
// names the objective, the plane and its seeds.
func (v *View) Grid(ctx context.Context, cache *landscape.GridCache, x, y [2]float64, nx, ny int) (*landscape.Grid, error) {
	return v.GridPasses(ctx, cache, x, y, nx, ny, nil, nil) // the same grid, bit for bit, without watching its passes
}
