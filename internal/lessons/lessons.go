// Package lessons holds Saddle's lessons: one ready scene per idea of
// chapter 8, written as data. A lesson is a scene request (objective, start,
// runs, seed) plus what the page needs to teach with it: the view, how far
// and how fast it plays, the overlays drawn, a caption in plain words and a
// scripted sequence of cues. Adding a lesson is adding a value to
// catalogue.go; the page and GET /api/lessons read them from here.
//
// Every lesson's claim (the thing the class must see) is checked against
// the engine by the package's tests.
package lessons

import (
	"regexp"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// The overlays a lesson may ask the page to draw. The set is fixed so the
// page can rely on it; a lesson naming anything else fails the tests.
const (
	OverlayEigen          = "eigen"           // the Hessian's eigen-directions at the current point
	OverlayQuadraticModel = "quadratic_model" // contours of the local second-order model
	OverlayClipArrows     = "clip_arrows"     // the raw and the clipped step
	OverlayVelocity       = "velocity"        // momentum's velocity arrow
	OverlayLookahead      = "lookahead"       // Nesterov's look-ahead point θ + αv
	OverlayEffLR          = "eff_lr"          // per-coordinate effective learning rates
	OverlayInvHessian     = "inv_hessian"     // BFGS's inverse-Hessian estimate as an ellipse against the true one
	OverlayPhiSpace       = "phi_space"       // the φ = H^½θ view where Newton is a gradient step
	OverlaySideBySide     = "side_by_side"    // two runs in two panels
	OverlaySurface3D      = "surface_3d"      // the landscape as a rotatable 3-D surface (one panel where the browser has no WebGL)
	OverlayGtgGtHg        = "gtg_gthg"        // gᵀg and gᵀHg plotted per step
	OverlayLossCurve      = "loss_curve"      // loss against step
	OverlayBasins         = "basins"          // which minimum each start descends to
	// OverlayInterpolation is the loss on the straight segment from θ₀ to
	// the end of the first run, (1−t)θ₀ + tθ_end (Goodfellow et al. 2015);
	// only for projected objectives, whose full θ the server keeps.
	OverlayInterpolation = "interpolation"
	// OverlaySpectrum is the Hessian's spectrum at the current point: its
	// top eigenvalues (Lanczos) over the density of the rest (stochastic
	// Lanczos quadrature); it needs Hessian-vector products.
	OverlaySpectrum = "spectrum"
)

// Overlays lists every overlay name a lesson may use.
var Overlays = []string{
	OverlayEigen, OverlayQuadraticModel, OverlayClipArrows, OverlayVelocity,
	OverlayLookahead, OverlayEffLR, OverlayInvHessian, OverlayPhiSpace,
	OverlaySideBySide, OverlayGtgGtHg, OverlayLossCurve, OverlayBasins,
	OverlayInterpolation, OverlaySpectrum, OverlaySurface3D, OverlaySharpness, OverlayHonest,
}

// View is the rectangle the lesson draws: X = [lo, hi], Y = [lo, hi].
type View struct {
	X [2]float64 `json:"x"`
	Y [2]float64 `json:"y"`
}

// Cue is one line of a lesson's script, shown when the runs reach step At.
type Cue struct {
	At   int    `json:"at"`
	Text string `json:"text"`
}

// Variant is another setting of the same lesson (another start, another
// objective parameter, other runs, another plane through a projected
// objective), offered as a choice on the page. Fields left empty keep the
// lesson's own.
type Variant struct {
	Label     string          `json:"label"`
	Objective *landscape.Spec `json:"objective,omitempty"`
	Start     []float64       `json:"start,omitempty"`
	Runs      []scene.RunSpec `json:"runs,omitempty"`
	Plane     *zoo.PlaneSpec  `json:"plane,omitempty"`
	// View replaces the lesson's view: another plane has other coordinates.
	View *View `json:"view,omitempty"`
}

// Lesson is one ready scene of the chapter.
type Lesson struct {
	ID    string `json:"id"`    // URL-safe: lower case, digits and '-'
	Title string `json:"title"` //
	// Section cites the published book's section first and the seed
	// draft's in brackets where it differs: "8.6.1 (draft 8.5.1)"; a topic
	// the book gives no section cites its paper ("Amari 1998 (draft 8.6)").
	Section string `json:"section"`
	// Figure names a figure of that section by its content ("the figure
	// of a cliff in the cost"), never by a number; "" when none.
	Figure  string `json:"figure"`
	Summary string `json:"summary"` // one sentence, for the index
	Caption string `json:"caption"` // two or three plain sentences

	// Scene is what the lesson plays. For a projected objective its
	// Plane chooses the plane drawn and View is in that plane's (a, b).
	Scene    scene.Request `json:"scene"`
	View     View          `json:"view"`
	Steps    int           `json:"steps"` // how far the lesson plays
	Speed    float64       `json:"speed"` // steps per second
	Overlays []string      `json:"overlays"`
	Script   []Cue         `json:"script,omitempty"`
	Variants []Variant     `json:"variants,omitempty"`

	// Sigmas, for a continuation lesson, are the blur scales σ of
	// J_σ(θ) = E[J(θ + σε)] (landscape.Blur), largest first and ending in
	// 0 (the objective itself): the first run is tracked through them,
	// each stage starting where the last one ended. landscape.Spec cannot
	// ask for a blurred objective yet, so the lesson carries them here.
	Sigmas []float64 `json:"sigmas,omitempty"`

	// Map, when set, opens the maps view under the landscape as the
	// lesson opens (the URL's map= and mmeas=).
	Map *MapView `json:"map,omitempty"`
}

// The maps view's kinds (internal/maps; the page's map=).
const (
	MapHypermap = "hypermap" // a rate map over two of a run's hyperparameters
	MapBasins   = "basins"   // the basins of attraction over the view
)

// MapView is the maps view a lesson opens: which kind, of which run (the
// page selects it; in side-by-side mode the basins of both runs of the pair
// are drawn), with the parameters the page sends in its hypermap or basins
// message, as POST /api/hypermap and /api/basins take them. A map's
// parameters apply while the run keeps the lesson's optimizer; a basins
// map left without x and y spans the view.
type MapView struct {
	Kind   string            `json:"kind"`
	Run    int               `json:"run"`
	Hyper  *maps.HyperParams `json:"hyper,omitempty"`
	Basins *maps.BasinParams `json:"basins,omitempty"`
}

// Entry is a lesson as GET /api/lessons lists it (API.md).
type Entry struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Section string `json:"section"`
	Figure  string `json:"figure"`
	Summary string `json:"summary"`
}

// Entry returns the lesson's index entry.
func (l Lesson) Entry() Entry {
	return Entry{ID: l.ID, Title: l.Title, Section: l.Section, Figure: l.Figure, Summary: l.Summary}
}

// Request returns the scene of variant i (−1 for the lesson's own scene)
// as a request ready for scene.Build. It panics if i is out of range.
func (l Lesson) Request(i int) scene.Request {
	req := l.Scene
	if i < 0 {
		return req
	}
	v := l.Variants[i]
	if v.Objective != nil {
		req.Objective = *v.Objective
	}
	if v.Start != nil {
		req.Start = v.Start
	}
	if v.Runs != nil {
		req.Runs = v.Runs
	}
	if v.Plane != nil {
		req.Plane = v.Plane
	}
	return req
}

// ViewOf returns the view of variant i (−1 for the lesson's own). It panics
// if i is out of range.
func (l Lesson) ViewOf(i int) View {
	if i >= 0 && l.Variants[i].View != nil {
		return *l.Variants[i].View
	}
	return l.View
}

// All returns every lesson in chapter order. Each call builds fresh
// values, so a caller may change what it gets without touching the others.
func All() []Lesson { return catalogue() }

// Index returns the entries of every lesson, in chapter order.
func Index() []Entry {
	all := All()
	out := make([]Entry, len(all))
	for i, l := range all {
		out[i] = l.Entry()
	}
	return out
}

// Get returns the lesson with the given id.
func Get(id string) (Lesson, bool) {
	for _, l := range All() {
		if l.ID == id {
			return l, true
		}
	}
	return Lesson{}, false
}

// Next returns the lesson after id in chapter order, for the "next lesson"
// link; false for the last lesson or an unknown id.
func Next(id string) (Lesson, bool) {
	all := All()
	for i, l := range all {
		if l.ID == id && i+1 < len(all) {
			return all[i+1], true
		}
	}
	return Lesson{}, false
}

// Group is the lessons of one section of the chapter (8.2, 8.3, ...).
type Group struct {
	Section string   `json:"section"` // "8.2"
	Title   string   `json:"title"`   // "Challenges in neural network optimization"
	Lessons []Lesson `json:"lessons"`
}

// sectionTitles names the chapter's sections as the published book numbers
// them (the book a student holds; /work/shared/BOOK-NUMBERS.md maps the
// seed draft's numbers to these).
var sectionTitles = map[string]string{
	"8.1": "How learning differs from pure optimization",
	"8.2": "Challenges in neural network optimization",
	"8.3": "Basic algorithms",
	"8.4": "Parameter initialization strategies",
	"8.5": "Algorithms with adaptive learning rates",
	"8.6": "Approximate second-order methods",
	"8.7": "Optimization strategies and meta-algorithms",
}

// Groups returns the lessons grouped by the section of the chapter they
// teach (the first two numbers of Lesson.Section), in chapter order.
func Groups() []Group {
	var out []Group
	for _, l := range All() {
		sec := topSection(l.Section)
		if len(out) == 0 || out[len(out)-1].Section != sec {
			out = append(out, Group{Section: sec, Title: sectionTitles[sec]})
		}
		g := &out[len(out)-1]
		g.Lessons = append(g.Lessons, l)
	}
	return out
}

// chapterNumber is the first "8.N" of a citation.
var chapterNumber = regexp.MustCompile(`8\.[0-9]+`)

// topSection is "8.2" for "8.2.1", "8.2.3 (draft 8.2.4)", "8.3.2–8.3.3"
// or "8.2": the first section number cited, the published one. A lesson
// the published book gives no section (natural gradient: "Amari 1998
// (draft 8.6)") is grouped by the draft's, the first number it cites.
func topSection(s string) string {
	if m := chapterNumber.FindString(s); m != "" {
		return m
	}
	return s
}

// ptr is the address of a fresh copy of v, for the maps' optional fields
// (fresh, so that All's values share nothing).
func ptr[T any](v T) *T { return &v }
