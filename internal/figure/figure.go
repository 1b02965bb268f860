// Package figure exports a scene as one self-contained HTML file that
// replays it without a server: the landscape, every run's points to the
// chosen step, the lesson's caption and cues, play / pause / step / scrub,
// and a link to the live version. The server computes everything (the
// grid, the runs, through internal/scene); the file only draws, with the
// page's own drawing modules (web/static/panel.mjs and what it imports)
// inlined as data: URLs behind an import map. It makes no network request:
// its Content-Security-Policy allows none.
//
// The same request gives the same bytes (no clock, no randomness but the
// scene's seed, maps never iterated into the output).
package figure

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Limits of one figure.
const (
	// MaxSteps caps steps per run: the file holds every point.
	MaxSteps = 20_000
	// MaxPoints caps the points of all runs together (about 20 bytes
	// each in the file).
	MaxPoints = 60_000
	// DefaultSteps is for a scene without a lesson that does not say.
	DefaultSteps = 200
	// DefaultGrid is the landscape's side for a 2-D objective (a projected
	// one: zoo's 51); a view asking for fewer points a side gets fewer.
	DefaultGrid = 128
	// MaxViewSide bounds view.nx and view.ny as the live session's view
	// message may hold them.
	MaxViewSide = 1024
	// DefaultSpeed is the replay's steps per second when neither the
	// request nor the lesson says.
	DefaultSpeed = 30
)

// Request is what a figure shows: a lesson (its scene, view, steps and
// text), or a scene as the page's live session starts one (objective,
// start, runs, seed, view, steps_per_second, plane), or both (a lesson's
// text over the page's own scene). In JSON it is the body of the scene=
// parameter of GET /api/figure and the file of `saddle figure -scene`.
type Request struct {
	Lesson    string          `json:"lesson,omitempty"`
	Variant   *int            `json:"variant,omitempty"`
	Objective *landscape.Spec `json:"objective,omitempty"`
	Start     []float64       `json:"start,omitempty"`
	Runs      []scene.RunSpec `json:"runs,omitempty"`
	Seed      uint64          `json:"seed,omitempty"`
	Plane     *zoo.PlaneSpec  `json:"plane,omitempty"`
	// Steps is how far the runs go (each ends early if it converges or
	// diverges): the last step the figure can show.
	Steps *int `json:"steps,omitempty"`
	// K is the step the figure opens on (default: Steps, the end).
	K              *int     `json:"k,omitempty"`
	View           *View    `json:"view,omitempty"`
	StepsPerSecond *float64 `json:"steps_per_second,omitempty"`
	Title          string   `json:"title,omitempty"`
	// Caption is shown under the figure when there is no lesson (a ready
	// scene's caption, or the author's own).
	Caption string `json:"caption,omitempty"`
	// Mode is "single" (every run on one panel) or "side" (the two runs of
	// Pair on two panels, as the page's side-by-side mode); default: the
	// lesson's (side when it shows two runs side by side), else single.
	Mode string  `json:"mode,omitempty"`
	Pair *[2]int `json:"pair,omitempty"`
	// Link is the live version's address (the page's own URL); default:
	// Options.Origin's lesson page or explorer.
	Link string `json:"link,omitempty"`
}

// View is the rectangle drawn and the landscape's resolution, as the live
// session's view message has them.
type View struct {
	X  []float64 `json:"x,omitempty"`
	Y  []float64 `json:"y,omitempty"`
	NX *int      `json:"nx,omitempty"`
	NY *int      `json:"ny,omitempty"`
}

// Options configure Build.
type Options struct {
	// Grids computes the landscape (shared with the server); nil: a small
	// cache of its own.
	Grids *landscape.GridCache
	// Origin is the live server's address with its base path
	// ("https://course.example.org/saddle"), for the default Link.
	Origin string
}

// Prepared is a validated request, ready to compute: Work says how heavy.
type Prepared struct {
	req    Request
	lesson *lessons.Lesson
	sc     *scene.Scene
	steps  int
	k      int
	view   [4]float64
	nx, ny int
	speed  float64
	link   string
	title  string
	mode   string
	pair   [2]int
}

// Prepare validates req. Its errors are *fielderr.Error naming the field.
func Prepare(req Request, opts Options) (*Prepared, error) {
	p := &Prepared{req: req}
	var sreq scene.Request
	if req.Lesson != "" {
		l, ok := lessons.Get(req.Lesson)
		if !ok {
			return nil, fielderr.New("lesson", "no such lesson %q; GET /api/lessons lists them", req.Lesson)
		}
		p.lesson = &l
		vi := -1
		if req.Variant != nil {
			vi = *req.Variant
			if vi < -1 || vi >= len(l.Variants) {
				return nil, fielderr.New("variant", "lesson %s has variants 0 to %d (-1: its own scene), got %d", l.ID, len(l.Variants)-1, vi)
			}
		}
		sreq = l.Request(vi)
		v := l.ViewOf(vi)
		p.view = [4]float64{v.X[0], v.X[1], v.Y[0], v.Y[1]}
		p.steps = l.Steps
		p.speed = l.Speed
	} else if req.Variant != nil {
		return nil, fielderr.New("variant", "a variant is of a lesson: give lesson too")
	}
	if req.Objective != nil || req.Runs != nil {
		if req.Objective == nil {
			return nil, fielderr.New("objective", "missing: a scene needs its objective (or give a lesson alone)")
		}
		sreq = scene.Request{Objective: *req.Objective, Start: req.Start, Runs: req.Runs, Seed: req.Seed, Plane: req.Plane}
	} else if p.lesson == nil {
		return nil, fielderr.New("", "give a lesson, or a scene: objective and runs")
	} else if req.Start != nil || req.Plane != nil {
		return nil, fielderr.New("start", "start and plane go with objective and runs; a lesson alone brings its own")
	}
	sc, err := scene.Build(sreq)
	if err != nil {
		return nil, err
	}
	p.sc = sc
	if p.steps == 0 {
		p.steps = DefaultSteps
	}
	if req.Steps != nil {
		p.steps = *req.Steps
	}
	if p.steps < 0 || p.steps > MaxSteps {
		return nil, fielderr.New("steps", "must be between 0 and %d, got %d", MaxSteps, p.steps)
	}
	if n := (p.steps + 1) * len(sc.Runs); n > MaxPoints {
		return nil, fielderr.New("steps", "%d runs × %d steps is more than a figure holds (%d points); ask for at most %d steps",
			len(sc.Runs), p.steps, MaxPoints, MaxPoints/len(sc.Runs)-1)
	}
	p.k = p.steps
	if req.K != nil {
		if *req.K < 0 || *req.K > p.steps {
			return nil, fielderr.New("k", "must be between 0 and steps (%d), got %d", p.steps, *req.K)
		}
		p.k = *req.K
	}
	// The view: the request's, else the lesson's, else the objective's domain.
	if p.lesson == nil || req.Objective != nil {
		d := sc.Info.Domain
		p.view = [4]float64{d.X[0], d.X[1], d.Y[0], d.Y[1]}
		if p.lesson != nil && sameObjective(p.lesson.Scene.Objective, *req.Objective) {
			v := p.lesson.View
			p.view = [4]float64{v.X[0], v.X[1], v.Y[0], v.Y[1]}
		}
	}
	side, maxSide := DefaultGrid, MaxViewSide
	if sc.Projected() {
		side = zoo.DefaultGridSide
	}
	p.nx, p.ny = side, side
	if v := req.View; v != nil {
		for _, r := range []struct {
			name string
			v    []float64
			at   int
		}{{"view.x", v.X, 0}, {"view.y", v.Y, 2}} {
			if r.v == nil {
				continue
			}
			if len(r.v) != 2 || !(r.v[0] < r.v[1]) || math.IsInf(r.v[1]-r.v[0], 0) || math.IsNaN(r.v[0]) {
				return nil, fielderr.New(r.name, "must be a range [lo, hi] with lo < hi")
			}
			p.view[r.at], p.view[r.at+1] = r.v[0], r.v[1]
		}
		for _, s := range []struct {
			name string
			n    *int
			dst  *int
		}{{"view.nx", v.NX, &p.nx}, {"view.ny", v.NY, &p.ny}} {
			if s.n == nil {
				continue
			}
			if *s.n < 2 || *s.n > maxSide {
				return nil, fielderr.New(s.name, "must be between 2 and %d, got %d", maxSide, *s.n)
			}
			// The page asks its live landscape at 256² or more; a figure
			// keeps it at its own side unless asked for less.
			*s.dst = min(*s.n, side)
		}
	}
	if p.speed == 0 {
		p.speed = DefaultSpeed
	}
	if s := req.StepsPerSecond; s != nil {
		if !(*s >= 1 && *s <= 10000) {
			return nil, fielderr.New("steps_per_second", "must be between 1 and 10000, got %g", *s)
		}
		p.speed = *s
	}
	p.link = strings.TrimRight(opts.Origin, "/") + "/"
	if p.lesson != nil {
		p.link += "lessons/" + p.lesson.ID
	}
	if req.Link != "" {
		u, err := url.Parse(req.Link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fielderr.New("link", "must be an http(s) address, got %q", req.Link)
		}
		p.link = u.String()
	}
	p.mode = "single"
	if p.lesson != nil && slices.Contains(p.lesson.Overlays, lessons.OverlaySideBySide) && len(sc.Runs) > 1 {
		p.mode = "side"
	}
	switch req.Mode {
	case "":
	case "single", "side":
		p.mode = req.Mode
	default:
		return nil, fielderr.New("mode", "must be single or side, got %q", req.Mode)
	}
	p.pair = [2]int{0, min(1, len(sc.Runs)-1)}
	if req.Pair != nil {
		for i, r := range req.Pair {
			if r < 0 || r >= len(sc.Runs) {
				return nil, fielderr.New(fmt.Sprintf("pair[%d]", i), "no run %d: the scene has runs 0 to %d", r, len(sc.Runs)-1)
			}
		}
		p.pair = *req.Pair
	}
	if len(req.Title) > 200 {
		return nil, fielderr.New("title", "at most 200 characters")
	}
	if len(req.Caption) > 2000 {
		return nil, fielderr.New("caption", "at most 2000 characters")
	}
	switch {
	case req.Title != "":
		p.title = req.Title
	case p.lesson != nil:
		p.title = p.lesson.Title
	default:
		p.title = sc.Info.Name
	}
	return p, nil
}

func sameObjective(a, b landscape.Spec) bool { return landscape.SpecKey(a) == landscape.SpecKey(b) }

// Heavy reports whether the figure's work should go through a server's
// heavy-work pool: always (a grid and every run), but it is said here so
// that a caller need not know.
func (p *Prepared) Heavy() bool { return true }

// Build computes the figure and returns the HTML file.
func Build(ctx context.Context, p *Prepared, opts Options) ([]byte, error) {
	cache := opts.Grids
	if cache == nil {
		cache = landscape.NewGridCache(2)
	}
	g, err := p.sc.Grid(ctx, cache, [2]float64{p.view[0], p.view[1]}, [2]float64{p.view[2], p.view[3]}, p.nx, p.ny)
	if err != nil {
		return nil, err
	}
	runs, err := p.sc.RunAllContext(ctx, p.steps)
	if err != nil {
		return nil, err
	}
	d := data{
		Title: p.title, Link: p.link, View: p.view, Speed: p.speed, Steps: p.steps, K: p.k, Mode: p.mode, Pair: p.pair,
		Axes:   [2]string{"θ₁", "θ₂"},
		Start:  p.sc.StartXY(),
		Minima: p.sc.Info.Minima,
		Land: land{X: g.X, Y: g.Y, NX: g.NX, NY: g.NY, Min: finite32(g.Min), Max: finite32(g.Max),
			Values: f32(g.Values)},
		Objective: p.sc.Info.Name,
		Caption:   p.req.Caption,
	}
	if d.Minima == nil {
		d.Minima = [][]float64{}
	}
	if p.sc.Projected() {
		d.Axes = [2]string{"α", "β"}
	}
	if l := p.lesson; l != nil {
		d.Lesson = &lessonText{ID: l.ID, Section: l.Section, Figure: l.Figure, Summary: l.Summary, Caption: l.Caption, Cues: l.Script}
		if d.Lesson.Cues == nil {
			d.Lesson.Cues = []lessons.Cue{}
		}
	}
	for i, r := range runs {
		d.Runs = append(d.Runs, runOf(p.sc.Request.Runs[i], r))
	}
	return render(d)
}

// data is what the file's player reads (the JSON in #figure-data).
type data struct {
	Title     string      `json:"title"`
	Objective string      `json:"objective"`
	Link      string      `json:"link"`
	Lesson    *lessonText `json:"lesson,omitempty"`
	Caption   string      `json:"caption,omitempty"`
	View      [4]float64  `json:"view"`
	Axes      [2]string   `json:"axes"`
	Mode      string      `json:"mode"`
	Pair      [2]int      `json:"pair"`
	Speed     float64     `json:"speed"`
	Steps     int         `json:"steps"`
	K         int         `json:"k"`
	Start     []float64   `json:"start"`
	Minima    [][]float64 `json:"minima"`
	Land      land        `json:"land"`
	Runs      []run       `json:"runs"`
}

type lessonText struct {
	ID      string        `json:"id"`
	Section string        `json:"section"`
	Figure  string        `json:"figure,omitempty"`
	Summary string        `json:"summary"`
	Caption string        `json:"caption"`
	Cues    []lessons.Cue `json:"cues"`
}

// land is the grid, its values as little-endian float32 in base64.
type land struct {
	X      [2]float64 `json:"x"`
	Y      [2]float64 `json:"y"`
	NX     int        `json:"nx"`
	NY     int        `json:"ny"`
	Min    float64    `json:"min"`
	Max    float64    `json:"max"`
	Values string     `json:"values"`
}

// run is one run's points, k = 0..n-1, each series float32 in base64.
type run struct {
	Label     string       `json:"label"`
	Optimizer string       `json:"optimizer"`
	Status    optim.Status `json:"status"`
	Reason    string       `json:"reason,omitempty"`
	N         int          `json:"n"`
	X         string       `json:"x"`
	Y         string       `json:"y"`
	Loss      string       `json:"loss"`
	GradNorm  string       `json:"gn"`
	// Clips are the clipped steps (ClipK, int32) with what their arrows
	// draw (ClipArrows, float32: update x, y, raw gradient x, y, rate).
	ClipK      string `json:"clip_k"`
	ClipArrows string `json:"clip_arrows"`
}

func runOf(spec scene.RunSpec, r scene.RunResult) run {
	n := len(r.Points)
	xs, ys, loss, gn := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	out := run{Label: spec.Label, Optimizer: r.Optimizer, Status: r.Status, Reason: r.Reason, N: n}
	var clipK []byte
	var arrows []float64
	if out.Label == "" {
		out.Label = r.Optimizer
		if info, ok := optimInfo(r.Optimizer); ok {
			out.Label = info.Name
		}
	}
	for i, p := range r.Points {
		xs[i], ys[i], loss[i], gn[i] = p.XY[0], p.XY[1], p.Loss, p.GradNorm
		if p.Clipped && len(p.Update) == 2 && len(p.RawGrad) == 2 {
			clipK = binary.LittleEndian.AppendUint32(clipK, uint32(p.K))
			arrows = append(arrows, p.Update[0], p.Update[1], p.RawGrad[0], p.RawGrad[1], p.LR)
		}
	}
	out.ClipK, out.ClipArrows = base64.StdEncoding.EncodeToString(clipK), f32(arrows)
	out.X, out.Y, out.Loss, out.GradNorm = f32(xs), f32(ys), f32(loss), f32(gn)
	return out
}

func optimInfo(id string) (optim.Info, bool) {
	for _, o := range optim.Catalogue() {
		if o.ID == id {
			return o, true
		}
	}
	return optim.Info{}, false
}

// f32 encodes xs as little-endian float32 in base64, values beyond
// float32's range clamped to it (a figure draws; 7 digits are plenty).
func f32(xs []float64) string {
	b := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(finite32(x))))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func finite32(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x > math.MaxFloat32:
		return math.MaxFloat32
	case x < -math.MaxFloat32:
		return -math.MaxFloat32
	}
	return x
}

// encodeData is the JSON of the player's data, safe inside a <script>
// element (<, > and & escaped).
func encodeData(d data) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}
