package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// ---------------------------------------------------------------------------
// The lessons as data: every one is well formed and builds.

// sec is a section number of chapter 8, such as 8.2 or 8.2.1.
const sec = `8\.[1-7](\.[0-9]+)?`

var (
	urlSafeID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// The published section (or a range of them, or a paper for a topic the
	// book has no section on), then the draft's in brackets where it differs.
	sectionFormat = regexp.MustCompile(`^(` + sec + `(–` + sec + `)?|[A-Z][a-z]+ [0-9]{4})( \(draft ` + sec + `(–` + sec + `)?\))?$`)
	// A figure is cited by its content: the numbers moved between draft and book.
	figureFormat = regexp.MustCompile(`^the figure of [^0-9]+$`)
	firstNumber  = regexp.MustCompile(`8(\.[0-9]+)+`)
)

// sentences counts the sentences of plain text: full stops followed by a
// space or the end ("e.g." does not occur in the captions).
func sentences(s string) int {
	return strings.Count(s+" ", ". ") + strings.Count(s+" ", "! ") + strings.Count(s+" ", "? ")
}

func TestEveryLessonIsWellFormedAndBuilds(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("no lessons")
	}
	seen := map[string]bool{}
	for _, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			if !urlSafeID.MatchString(l.ID) {
				t.Errorf("id %q is not URL-safe (lower case, digits, single '-')", l.ID)
			}
			if seen[l.ID] {
				t.Errorf("id %q is used twice", l.ID)
			}
			seen[l.ID] = true
			if l.Title == "" {
				t.Error("no title")
			}
			if !sectionFormat.MatchString(l.Section) {
				t.Errorf("section %q is not a section of chapter 8 such as 8.2.1 or \"8.6.1 (draft 8.5.1)\"", l.Section)
			}
			if l.Figure != "" && !figureFormat.MatchString(l.Figure) {
				t.Errorf("figure %q: want \"the figure of …\", by its content, without a number", l.Figure)
			}
			if n := sentences(l.Summary); n != 1 {
				t.Errorf("summary has %d sentences, want one: %q", n, l.Summary)
			}
			if n := sentences(l.Caption); n < 2 || n > 3 {
				t.Errorf("caption has %d sentences, want 2 or 3: %q", n, l.Caption)
			}
			if l.Steps <= 0 || l.Steps > scene.MaxSteps {
				t.Errorf("steps %d out of (0, %d]", l.Steps, scene.MaxSteps)
			}
			if !(l.Speed > 0) || l.Speed > 1000 {
				t.Errorf("speed %v steps per second: want (0, 1000]", l.Speed)
			}
			for i, o := range l.Overlays {
				if !slices.Contains(Overlays, o) {
					t.Errorf("overlay %q is not one of %v", o, Overlays)
				}
				if slices.Contains(l.Overlays[:i], o) {
					t.Errorf("overlay %q listed twice", o)
				}
			}
			for i, c := range l.Script {
				if c.Text == "" {
					t.Errorf("cue %d has no text", i)
				}
				if c.At < 0 || c.At > l.Steps {
					t.Errorf("cue %d at step %d, outside the lesson's 0..%d", i, c.At, l.Steps)
				}
				if i > 0 && c.At < l.Script[i-1].At {
					t.Errorf("cue %d at step %d comes before cue %d at %d", i, c.At, i-1, l.Script[i-1].At)
				}
			}
			if len(l.Sigmas) > 0 {
				if l.Sigmas[len(l.Sigmas)-1] != 0 {
					t.Errorf("sigmas %v must end at 0, the objective itself", l.Sigmas)
				}
				for i := 1; i < len(l.Sigmas); i++ {
					if !(l.Sigmas[i] < l.Sigmas[i-1]) {
						t.Errorf("sigmas %v must fall strictly", l.Sigmas)
					}
				}
			}

			for vi := -1; vi < len(l.Variants); vi++ {
				name := "scene"
				if vi >= 0 {
					name = "variant " + l.Variants[vi].Label
					if l.Variants[vi].Label == "" {
						t.Errorf("variant %d has no label", vi)
					}
				}
				req := l.Request(vi)
				sc, err := scene.Build(req)
				if err != nil {
					t.Errorf("%s: scene.Build: %v", name, err)
					continue
				}
				checkView(t, name, l.ViewOf(vi), sc)
				// The request survives the wire: what /api/lessons or the page
				// sends back to /ws builds the same scene.
				b, err := json.Marshal(req)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var back scene.Request
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatalf("%s: decoding %s: %v", name, b, err)
				}
				if _, err := scene.Build(back); err != nil {
					t.Errorf("%s: the JSON form %s does not build: %v", name, b, err)
				}
			}
		})
	}
}

// The overlays a lesson asks for have something to draw: the optimizer
// state they show is in some run's state, the curvature overlays have a
// Hessian, two panels have two runs.
func TestOverlaysHaveTheirData(t *testing.T) {
	stateOf := map[string]string{
		OverlayVelocity: "velocity", OverlayLookahead: "lookahead",
		OverlayEffLR: "eff_lr", OverlayInvHessian: "inv_hessian",
	}
	for _, l := range All() {
		t.Run(l.ID, func(t *testing.T) {
			sc, rs := play(t, l, -1, 3)
			for _, o := range l.Overlays {
				switch o {
				case OverlayVelocity, OverlayLookahead, OverlayEffLR, OverlayInvHessian:
					found := false
					for _, r := range rs {
						_, ok := last(r).State.Get(stateOf[o])
						found = found || ok
					}
					if !found {
						t.Errorf("overlay %s: no run reports %q", o, stateOf[o])
					}
				case OverlayEigen, OverlayQuadraticModel, OverlayGtgGtHg, OverlayPhiSpace:
					if rs[0].Points[0].GtHg == nil {
						t.Errorf("overlay %s needs the Hessian, which %s does not give", o, sc.Info.ID)
					}
				case OverlayInterpolation:
					// The segment runs from θ₀ to a run's end in full
					// dimension, which only a projected scene keeps.
					if !sc.Projected() {
						t.Errorf("overlay %s on %s, which is drawn in its own 2-D coordinates", o, sc.Info.ID)
					}
				case OverlaySpectrum:
					if _, ok := sc.Obj.(landscape.HessVecer); !ok {
						t.Errorf("overlay %s needs Hessian-vector products, which %s does not give", o, sc.Info.ID)
					}
				case OverlaySideBySide:
					if len(rs) < 2 {
						t.Errorf("overlay %s with %d run", o, len(rs))
					}
				case OverlayClipArrows:
					clips := false
					for _, r := range l.Scene.Runs {
						clips = clips || r.Clip != (optim.Clip{})
					}
					if !clips {
						t.Errorf("overlay %s but no run clips", o)
					}
				}
			}
		})
	}
}

// checkView checks the lesson's view is a proper rectangle containing the
// start as drawn (for a projected objective, its (a, b) on the plane).
func checkView(t *testing.T, name string, v View, sc *scene.Scene) {
	t.Helper()
	if !(v.X[0] < v.X[1]) || !(v.Y[0] < v.Y[1]) {
		t.Errorf("%s: view %v is not a rectangle", name, v)
		return
	}
	if xy := sc.StartXY(); !inView(v, xy) {
		t.Errorf("%s: start %v lies outside the view %v", name, xy, v)
	}
}

func inView(v View, p []float64) bool {
	return p[0] >= v.X[0] && p[0] <= v.X[1] && p[1] >= v.Y[0] && p[1] <= v.Y[1]
}

// sectionKey turns "8.2.10" into comparable numbers: the first section a
// citation names ("8.6.1 (draft 8.5.1)" is 8.6.1, "Amari 1998 (draft 8.6)"
// is grouped by the draft's 8.6).
func sectionKey(s string) []int {
	var out []int
	for _, p := range strings.Split(firstNumber.FindString(s), ".") {
		n, _ := strconv.Atoi(p)
		out = append(out, n)
	}
	return out
}

func TestLessonsAreInChapterOrder(t *testing.T) {
	// A lesson the published book has no section on (natural gradient,
	// "Amari 1998 (draft 8.6)") sits where the draft put it, and is skipped.
	var all []Lesson
	for _, l := range All() {
		if strings.HasPrefix(l.Section, "8.") {
			all = append(all, l)
		}
	}
	for i := 1; i < len(all); i++ {
		if slices.Compare(sectionKey(all[i].Section), sectionKey(all[i-1].Section)) < 0 {
			t.Errorf("%s (%s) comes after %s (%s)", all[i].ID, all[i].Section, all[i-1].ID, all[i-1].Section)
		}
	}
}

// The lessons of issue 6, one per row of DESIGN.md's table, and saddle
// points in high dimension (8.2.4).
func TestEveryLessonOfTheDesignExists(t *testing.T) {
	want := []string{
		"real-network", "ill-conditioning", "local-minima", "saddle-points", "plateaus",
		"saddle-points-high-dim", "cliffs", "long-term-dependencies", "sgd", "momentum",
		"adaptive-rates", "newton-vs-gd", "conjugate-gradients", "bfgs", "natural-gradient",
		"coordinate-descent", "initialization", "continuation",
	}
	for _, id := range want {
		if _, ok := Get(id); !ok {
			t.Errorf("lesson %q is missing", id)
		}
	}
}

func TestGetNextAndGroups(t *testing.T) {
	all := All()
	var chain []string
	for l, ok := all[0], true; ok; l, ok = Next(l.ID) {
		chain = append(chain, l.ID)
		if len(chain) > len(all) {
			t.Fatalf("the next-lesson links loop: %v", chain)
		}
	}
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
		got, ok := Get(l.ID)
		if !ok || got.ID != l.ID || got.Title != l.Title {
			t.Errorf("Get(%q) = %q, %v", l.ID, got.ID, ok)
		}
	}
	if !slices.Equal(chain, ids) {
		t.Errorf("following Next from the first lesson visits %v, want all %v", chain, ids)
	}
	if _, ok := Next(ids[len(ids)-1]); ok {
		t.Error("the last lesson has a next lesson")
	}
	for _, bad := range []string{"", "no-such-lesson", "Ill-Conditioning"} {
		if _, ok := Get(bad); ok {
			t.Errorf("Get(%q) found a lesson", bad)
		}
		if _, ok := Next(bad); ok {
			t.Errorf("Next(%q) found a lesson", bad)
		}
	}

	var grouped []string
	secs := map[string]bool{}
	for _, g := range Groups() {
		if g.Title == "" {
			t.Errorf("section %s has no title", g.Section)
		}
		if secs[g.Section] {
			t.Errorf("section %s appears as two groups", g.Section)
		}
		secs[g.Section] = true
		for _, l := range g.Lessons {
			if !strings.HasPrefix(firstNumber.FindString(l.Section)+".", g.Section+".") {
				t.Errorf("lesson %s (%s) grouped under %s", l.ID, l.Section, g.Section)
			}
			grouped = append(grouped, l.ID)
		}
	}
	if !slices.Equal(grouped, ids) {
		t.Errorf("groups hold %v, want %v", grouped, ids)
	}
}

// GET /api/lessons answers [{"id", "title", "section", "figure", "summary"}]
// (API.md): exactly those keys, figure present even when empty.
func TestIndexJSONShape(t *testing.T) {
	b, err := json.Marshal(Index())
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(All()) {
		t.Fatalf("%d entries, want %d", len(got), len(All()))
	}
	want := []string{"figure", "id", "section", "summary", "title"}
	for _, e := range got {
		var keys []string
		for k, v := range e {
			keys = append(keys, k)
			if _, ok := v.(string); !ok {
				t.Errorf("%v: %s is %T, want a string", e["id"], k, v)
			}
		}
		sort.Strings(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("entry %v has keys %v, want %v", e["id"], keys, want)
		}
	}
}

func TestAllReturnsFreshValues(t *testing.T) {
	a := All()
	a[0].Scene.Runs[0].Hyper.Num["lr"] = 99
	a[0].Title = "changed"
	b, _ := Get(a[0].ID)
	if b.Title == "changed" || b.Scene.Runs[0].Hyper.Num["lr"] == 99 {
		t.Error("changing a lesson returned by All changed the package's lessons")
	}
}

func TestBlurredAndTrackErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  landscape.Spec
		sigma float64
		field string
	}{
		{"negative sigma", landscape.Spec{ID: "rastrigin"}, -1, "objective.blur"},
		{"NaN sigma", landscape.Spec{ID: "rastrigin"}, math.NaN(), "objective.blur"},
		{"infinite sigma", landscape.Spec{ID: "rastrigin"}, math.Inf(1), "objective.blur"},
		{"unknown objective", landscape.Spec{ID: "nope"}, 1, "objective.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Blurred(tc.spec, tc.sigma)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("error %v, want a field error on %q", err, tc.field)
			}
		})
	}
	l, _ := Get("ill-conditioning")
	if _, err := l.Track(10); err == nil {
		t.Error("Track on a lesson without sigmas: no error")
	}
}

// ---------------------------------------------------------------------------
// The claims: what each lesson tells the class, checked on the engine.

// play builds variant vi (−1: the lesson's own scene) and runs it for steps.
func play(t *testing.T, l Lesson, vi, steps int) (*scene.Scene, []scene.RunResult) {
	t.Helper()
	sc, err := scene.Build(l.Request(vi))
	if err != nil {
		t.Fatalf("%s: %v", l.ID, err)
	}
	return sc, sc.RunAll(steps)
}

func mustGet(t *testing.T, id string) Lesson {
	t.Helper()
	l, ok := Get(id)
	if !ok {
		t.Fatalf("no lesson %q", id)
	}
	return l
}

// runOf returns run i, checking it is the optimizer the claim is about (so
// reordering a lesson's runs fails here, not silently).
func runOf(t *testing.T, rs []scene.RunResult, i int, optimizer string) scene.RunResult {
	t.Helper()
	if i >= len(rs) || rs[i].Optimizer != optimizer {
		t.Fatalf("run %d is not %s", i, optimizer)
	}
	return rs[i]
}

func last(r scene.RunResult) scene.Point { return r.Points[len(r.Points)-1] }

// stepsTo is the first step whose loss is at most tol, or −1.
func stepsTo(r scene.RunResult, tol float64) int {
	for _, p := range r.Points {
		if p.Loss <= tol {
			return p.K
		}
	}
	return -1
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

func geometry(t *testing.T, sc *scene.Scene, at []float64) landscape.Geometry {
	t.Helper()
	g, err := landscape.Curvature(sc.Obj, at)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Ill-conditioning (8.2.1): the condition number is b/a; the update's
// component along the steep eigenvector changes sign at every step (the
// zig-zag); gᵀHg/gᵀg climbs from mid-spectrum to near λmax, so the curvature
// term ½ε²gᵀHg cancels most of the first-order gain εgᵀg, while each step
// still lowers J.
func TestClaimIllConditioning(t *testing.T) {
	l := mustGet(t, "ill-conditioning")
	sc, rs := play(t, l, -1, l.Steps)
	gd := runOf(t, rs, 0, "gd")
	p := l.Scene.Objective.Params
	geo := geometry(t, sc, sc.Start)
	if want := p["b"] / p["a"]; math.Abs(geo.Condition-want) > 1e-9*want {
		t.Errorf("condition number %v, want b/a = %v", geo.Condition, want)
	}
	steep, lmax := geo.Eigenvectors[1], geo.Eigenvalues[1]

	alternations, prev := 0, 0.0
	for _, pt := range gd.Points[1:] {
		c := dot(pt.Update, steep)
		if prev != 0 && c*prev >= 0 {
			t.Fatalf("step %d: the update along the steep direction kept its sign (%g after %g): no zig-zag", pt.K, c, prev)
		}
		if prev != 0 {
			alternations++
		}
		prev = c
	}
	if alternations < l.Steps-2 {
		t.Errorf("only %d sign changes in %d steps", alternations, l.Steps)
	}

	ratio := func(pt scene.Point) float64 { return *pt.GtHg / dot(pt.Grad, pt.Grad) }
	first, end := ratio(gd.Points[0]), ratio(last(gd))
	t.Logf("gᵀHg/gᵀg: %.3g at the start, %.3g after %d steps (λmax = %g); %d sign changes", first, end, l.Steps, lmax, alternations)
	if !(first < 0.6*lmax) || !(end > 0.95*lmax) {
		t.Errorf("gᵀHg/gᵀg went from %.3g to %.3g; want it to climb from below 0.6·λmax to above 0.95·λmax (λmax = %g)", first, end, lmax)
	}
	lr := l.Scene.Runs[0].Hyper.Num["lr"]
	if eaten := 0.5 * lr * end; eaten < 0.9 {
		t.Errorf("at the end ½ε²gᵀHg is %.2f of εgᵀg; want most of it (> 0.9)", eaten)
	}
	for i := 1; i < len(gd.Points); i++ {
		if gd.Points[i].Loss >= gd.Points[i-1].Loss {
			t.Fatalf("step %d raised the loss: ε must stay below 2/λmax", i)
		}
	}
}

// Local minima (8.2.2): the starts of the lesson end, converged, in at least
// three different minima, and at least one of those is worse than the best.
func TestClaimLocalMinima(t *testing.T) {
	l := mustGet(t, "local-minima")
	info, _ := landscape.Lookup(l.Scene.Objective.ID)
	obj, _, _ := landscape.New(l.Scene.Objective)
	best := math.Inf(1)
	for _, m := range info.Minima {
		best = math.Min(best, obj.Value(m))
	}
	reached := map[int]bool{}
	worse := 0
	for vi := -1; vi < len(l.Variants); vi++ {
		_, rs := play(t, l, vi, l.Steps)
		end := last(rs[0])
		if rs[0].Status != optim.Converged {
			t.Errorf("variant %d: %s after %d steps, want converged", vi, rs[0].Status, l.Steps)
		}
		found := -1
		for i, m := range info.Minima {
			if dist(end.XY, m) < 1e-4 {
				found = i
			}
		}
		if found < 0 {
			t.Errorf("variant %d ended at %v, at none of the minima %v", vi, end.XY, info.Minima)
			continue
		}
		reached[found] = true
		if end.Loss > best+0.1 {
			worse++
		}
	}
	t.Logf("%d starts reach %d different minima, %d of them a worse one", len(l.Variants)+1, len(reached), worse)
	if len(reached) < 3 {
		t.Errorf("the starts reach %d different minima, want at least 3", len(reached))
	}
	if worse == 0 {
		t.Error("every start reaches a global minimum: the lesson shows no bad local minimum")
	}
}

// Saddle points (8.2.4): gradient descent leaves the saddle (|y| grows, the
// loss falls below the saddle's 0); Newton converges to the saddle in one
// step; saddle-free Newton lowers the loss at every step and leaves.
func TestClaimSaddlePoints(t *testing.T) {
	l := mustGet(t, "saddle-points")
	_, rs := play(t, l, -1, l.Steps)
	gd, nt, sfn := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "newton"), runOf(t, rs, 2, "saddle_free_newton")

	if end := last(gd); !(math.Abs(end.XY[1]) > 1) || !(end.Loss < 0) || !inViewOrBeyondY(end.XY) {
		t.Errorf("gradient descent ended at %v (loss %v): want |y| > 1 and a loss below the saddle's", end.XY, end.Loss)
	}
	if nt.Status != optim.Converged || last(nt).K != 1 || math.Hypot(last(nt).XY[0], last(nt).XY[1]) > 1e-12 {
		t.Errorf("Newton: %s at step %d at %v; want converged onto the saddle (0, 0) in one step", nt.Status, last(nt).K, last(nt).XY)
	}
	for i := 1; i < len(sfn.Points); i++ {
		if sfn.Points[i].Loss >= sfn.Points[i-1].Loss {
			t.Fatalf("saddle-free Newton raised the loss at step %d", i)
		}
	}
	if end := last(sfn); inView(l.View, end.XY) {
		t.Errorf("saddle-free Newton ended at %v, still inside the view", end.XY)
	}
}

// inViewOrBeyondY is true for a point that went off along y, the saddle's
// downhill direction, and not along x, its uphill one.
func inViewOrBeyondY(p []float64) bool { return math.Abs(p[0]) < 0.01 }

// Plateaus (8.2.4): gradient descent's gradient norm stays below 0.05 for
// hundreds of steps while the loss stays on the shelf (above 1, far above
// the minimum's 0); Adam reaches the well within half that time.
func TestClaimPlateaus(t *testing.T) {
	l := mustGet(t, "plateaus")
	_, rs := play(t, l, -1, l.Steps)
	gd, adam := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "adam")
	const flat, stuck = 0.05, 300
	for _, p := range gd.Points[:stuck+1] {
		if p.GradNorm >= flat || p.Loss <= 1 {
			t.Fatalf("step %d: ‖g‖ = %.3g, loss %.3g; want ‖g‖ < %g and the loss still on the shelf for %d steps",
				p.K, p.GradNorm, p.Loss, flat, stuck)
		}
	}
	t.Logf("Adam reaches loss 0.1 at step %d, gradient descent at step %d", stepsTo(adam, 0.1), stepsTo(gd, 0.1))
	if k := stepsTo(adam, 0.1); k < 0 || k > stuck/2 {
		t.Errorf("Adam reached loss 0.1 at step %d, want within %d", k, stuck/2)
	}
}

// Cliffs (8.2.5): the unclipped run leaves the view (or diverges); the
// clipped run is clipped and never leaves it, ending near the minimum.
func TestClaimCliffs(t *testing.T) {
	l := mustGet(t, "cliffs")
	sc, rs := play(t, l, -1, l.Steps)
	raw, clipped := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "gd")
	left := raw.Status == optim.Diverged
	for _, p := range raw.Points {
		left = left || !inView(l.View, p.XY)
	}
	if !left {
		t.Errorf("the unclipped run stayed in the view %v (ended at %v)", l.View, last(raw).XY)
	}
	for _, p := range clipped.Points {
		if !inView(l.View, p.XY) {
			t.Fatalf("the clipped run left the view at step %d: %v", p.K, p.XY)
		}
	}
	if clipped.Clips == 0 {
		t.Error("the clipped run was never clipped")
	}
	if d := dist(last(clipped).XY, sc.Info.Minima[0]); d > 2*l.Scene.Runs[1].Hyper.Num["lr"] {
		t.Errorf("the clipped run ended %v from the minimum, want within two steps", d)
	}
}

// Long-term dependencies (8.2.6): |∂J/∂w| grows exponentially with the
// sequence length T for w > 1 (at least like w^T), and does not for w < 1;
// in the lesson the unclipped descent is thrown off the cliff at w ≈ 1
// while the clipped one stays in view and lowers the loss.
func TestClaimLongTermDependencies(t *testing.T) {
	gradW := func(T, w float64) float64 {
		obj, _, err := landscape.New(landscape.Spec{ID: "recurrent", Params: map[string]float64{"steps": T}})
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, 2)
		obj.Grad(g, []float64{w, 0.5})
		return math.Abs(g[0])
	}
	const t0, t1 = 20, 80
	for _, w := range []float64{1.1, 1.2, 1.3} {
		rate := math.Log(gradW(t1, w)/gradW(t0, w)) / (t1 - t0)
		if rate < math.Log(w) {
			t.Errorf("w = %v: |∂J/∂w| grows by %.3g per time step, want at least log w = %.3g", w, math.Exp(rate), w)
		}
	}
	for _, w := range []float64{0.2, 0.5, 0.8} {
		rate := math.Log(gradW(t1, w)/gradW(t0, w)) / (t1 - t0)
		if rate > 0.05 {
			t.Errorf("w = %v: |∂J/∂w| grows by a factor %.3g per time step; want no exponential growth", w, math.Exp(rate))
		}
	}

	l := mustGet(t, "long-term-dependencies")
	_, rs := play(t, l, -1, l.Steps)
	raw, clipped := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "gd")
	thrown := raw.Status == optim.Diverged
	for _, p := range raw.Points {
		thrown = thrown || !inView(l.View, p.XY)
	}
	if !thrown {
		t.Errorf("the unclipped run was not thrown off the cliff (ended at %v)", last(raw).XY)
	}
	for _, p := range clipped.Points {
		if !inView(l.View, p.XY) {
			t.Fatalf("the clipped run left the view at step %d: %v", p.K, p.XY)
		}
	}
	if clipped.Clips == 0 || !(last(clipped).Loss < clipped.Points[0].Loss) {
		t.Errorf("the clipped run: %d clips, loss %v → %v; want clipping and a lower loss", clipped.Clips, clipped.Points[0].Loss, last(clipped).Loss)
	}
}

// The plots of the side column (loss, ‖g‖, gᵀg and gᵀHg, sharpness, the
// interpolation) sit right of the landscape on a wide screen and below it
// on a narrow one or a phone: a caption or cue that names one says which
// plot, not where it is. ("The curve below shows why" pointed at nothing
// under the landscape of ill-conditioning at 1280 px.) Views drawn under
// the landscape on every screen (the maps) may say "below".
func TestTextDoesNotPlaceTheSidePlots(t *testing.T) {
	plot := regexp.MustCompile(`(?i)\b(curve|plot|gradient norm)\b|loss from θ₀`)
	// A place, not a value ("far below log 2", "above 2/25"): the word ends the clause or names what is there.
	place := regexp.MustCompile(`(?i)\b(below|beside|above|underneath|on the (right|left))(\s*($|[,;.])|\s+(the|shows|it)\b)`)
	for _, l := range All() {
		texts := []string{l.Caption}
		for _, c := range l.Script {
			texts = append(texts, c.Text)
		}
		for _, text := range texts {
			for _, sentence := range strings.Split(text, ". ") {
				for _, clause := range strings.Split(sentence, ":") {
					if plot.MatchString(clause) && place.MatchString(clause) {
						t.Errorf("%s places a side plot, which moves with the screen: %q", l.ID, clause)
					}
				}
			}
		}
	}
}

// The first cue of the long-term dependencies lesson names what the heat
// map shows between w = −1 and w = 1 (little change of colour: the loss
// within a narrow band) against the cliff at the view's right edge. It once
// said the contours there ran parallel to the w axis, where on average
// |∂J/∂w| is larger than |∂J/∂u| and hardly a contour crosses the region.
func TestLongTermDependenciesFlatBand(t *testing.T) {
	l := mustGet(t, "long-term-dependencies")
	obj, _, err := landscape.New(l.Scene.Objective)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, cliff := math.Inf(1), 0.0, 0.0
	for u := l.View.Y[0]; u <= l.View.Y[1]; u += 0.02 {
		for w := -0.8; w <= 0.8; w += 0.02 {
			j := obj.Value([]float64{w, u})
			lo, hi = math.Min(lo, j), math.Max(hi, j)
		}
		cliff = math.Max(cliff, obj.Value([]float64{l.View.X[1], u}))
	}
	want := []string{
		fmt.Sprintf("between %.0f and %.0f", lo, hi),
		fmt.Sprintf("at w = %g it reaches %.0f × 10⁵", l.View.X[1], cliff/1e5),
	}
	for _, w := range want {
		if !strings.Contains(l.Script[0].Text, w) {
			t.Errorf("the first cue says %q; from the objective it should say %q", l.Script[0].Text, w)
		}
	}
	if !(hi < 3*lo && cliff > 1e4*hi) {
		t.Errorf("the loss ranges over [%.3g, %.3g] for |w| ≤ 0.8 and reaches %.3g at the edge: not a flat band before a cliff", lo, hi, cliff)
	}
}

// SGD (8.3.2): with a constant rate the loss keeps fluctuating above the
// minimum; with the decaying rate it ends much closer; a larger batch
// shrinks the constant rate's fluctuation.
func TestClaimSGD(t *testing.T) {
	l := mustGet(t, "sgd")
	sc, rs := play(t, l, -1, l.Steps)
	minLoss := sc.Obj.Value(sc.Info.Minima[0])
	excess := func(r scene.RunResult) float64 {
		tail := r.Points[len(r.Points)-100:]
		var s float64
		for _, p := range tail {
			s += p.Loss - minLoss
		}
		return s / float64(len(tail))
	}
	constant, decayed := runOf(t, rs, 0, "sgd"), runOf(t, rs, 1, "sgd")
	ec, ed := excess(constant), excess(decayed)
	t.Logf("mean excess loss over the last 100 steps: constant %.3g, decaying %.3g", ec, ed)
	if !(ec > 5*ed) {
		t.Errorf("mean excess loss over the last 100 steps: constant rate %.3g, decaying %.3g; want the decay 5× closer", ec, ed)
	}
	_, big := play(t, l, 0, l.Steps)
	if eb := excess(runOf(t, big, 0, "sgd")); !(eb < ec/2) {
		t.Errorf("constant rate: excess %.3g at batch 32, %.3g at batch 4; want the larger batch to halve it", eb, ec)
	}
}

// Momentum (8.3.3-8.3.4): at the same rate, momentum and Nesterov reach the
// minimum in fewer steps than gradient descent; momentum overshoots across
// the valley; the velocity and look-ahead the page draws are in the state.
func TestClaimMomentum(t *testing.T) {
	l := mustGet(t, "momentum")
	sc, rs := play(t, l, -1, l.Steps)
	gd, mom, nes := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "momentum"), runOf(t, rs, 2, "nesterov")
	tol := 1e-6 * gd.Points[0].Loss
	kg, km, kn := stepsTo(gd, tol), stepsTo(mom, tol), stepsTo(nes, tol)
	if kg < 0 {
		kg = math.MaxInt // not even within the lesson
	}
	t.Logf("steps to loss %.2g: gd %d, momentum %d, nesterov %d", tol, kg, km, kn)
	if km < 0 || kn < 0 || !(km < kg) || !(kn < kg) {
		t.Errorf("steps to loss %.2g: gd %d, momentum %d, nesterov %d; want both momenta faster", tol, kg, km, kn)
	}
	steep := geometry(t, sc, sc.Start).Eigenvectors[1]
	crossed := false
	for _, p := range mom.Points[1:] {
		crossed = crossed || dot(p.XY, steep)*dot(sc.Start, steep) < 0
	}
	if !crossed {
		t.Error("momentum never overshot the valley's floor")
	}
	if _, ok := mom.Points[1].State.Get("velocity"); !ok {
		t.Error("momentum's state has no velocity to draw")
	}
	look, ok := nes.Points[2].State.Get("lookahead")
	if !ok {
		t.Fatal("Nesterov's state has no look-ahead point to draw")
	}
	// The look-ahead of step 2 is θ₁ + α·v₁.
	alpha := l.Scene.Runs[2].Hyper.Num["momentum"]
	v1, _ := nes.Points[1].State.Get("velocity")
	for i := range look {
		if want := nes.Points[1].XY[i] + alpha*v1[i]; math.Abs(look[i]-want) > 1e-12 {
			t.Errorf("look-ahead %v, want θ₁ + αv₁ = %v", look, want)
		}
	}
}

// Adaptive rates (8.4): each method's effective rate differs between the
// coordinates, and each makes progress.
func TestClaimAdaptiveRates(t *testing.T) {
	l := mustGet(t, "adaptive-rates")
	_, rs := play(t, l, -1, l.Steps)
	for i, id := range []string{"adagrad", "rmsprop", "adam", "adadelta"} {
		r := runOf(t, rs, i, id)
		eff, ok := r.Points[50].State.Get("eff_lr")
		if !ok || len(eff) != 2 {
			t.Errorf("%s: no per-coordinate eff_lr at step 50", id)
			continue
		}
		if q := math.Max(eff[0], eff[1]) / math.Min(eff[0], eff[1]); !(q > 1.5) {
			t.Errorf("%s: effective rates %v differ by a factor %.3g, want > 1.5", id, eff, q)
		}
		if !(last(r).Loss < 0.1*r.Points[0].Loss) {
			t.Errorf("%s: loss %v → %v, want a tenth of the start", id, r.Points[0].Loss, last(r).Loss)
		}
	}
}

// AdaDelta's loss, the loss plot's most visible event, is what its cue
// says: it falls to its lowest near step 121 as AdaDelta raises its own
// rates (it has no ε to hold them), then, its rate past 2/λmax across the
// valley, it bounces from side to side (its step along the stiff
// eigenvector changes sign every step) and the loss climbs.
func TestAdaDeltaBouncesBack(t *testing.T) {
	l := mustGet(t, "adaptive-rates")
	sc, rs := play(t, l, -1, l.Steps)
	r := runOf(t, rs, 3, "adadelta")
	best := 0
	for i, p := range r.Points {
		if p.Loss < r.Points[best].Loss {
			best = i
		}
	}
	maxEff := func(p scene.Point) float64 { e, _ := p.State.Get("eff_lr"); return math.Max(e[0], e[1]) }
	b, end := r.Points[best], last(r)
	h := mat.NewSymDense(2, nil)
	var es mat.EigenSym
	sc.Obj.(landscape.Hessianer).Hess(h, b.XY)
	if !es.Factorize(h, true) {
		t.Fatal("no eigen-decomposition")
	}
	lmax := es.Values(nil)[1]
	flips, n := 0, 0
	var ev mat.Dense
	for _, p := range r.Points[best+30:] {
		sc.Obj.(landscape.Hessianer).Hess(h, p.XY)
		es.Factorize(h, true)
		es.VectorsTo(&ev)
		q := r.Points[p.K-1]
		d0 := p.Update[0]*ev.At(0, 1) + p.Update[1]*ev.At(1, 1)
		d1 := q.Update[0]*ev.At(0, 1) + q.Update[1]*ev.At(1, 1)
		if d0*d1 < 0 {
			flips++
		}
		n++
	}
	var cue Cue
	for _, c := range l.Script {
		if strings.HasPrefix(c.Text, "AdaDelta") {
			cue = c
		}
	}
	want := []string{
		fmt.Sprintf("%.0f times by step %d", maxEff(b)/maxEff(r.Points[50]), b.K),
		fmt.Sprintf("climbs back up from %.1g", b.Loss),
	}
	for _, w := range want {
		if !strings.Contains(cue.Text, w) {
			t.Errorf("AdaDelta's cue says %q; from the run it should say %q", cue.Text, w)
		}
	}
	if at := r.Points[cue.At]; !(cue.At > b.K && at.Loss > 100*b.Loss) {
		t.Errorf("AdaDelta's cue at step %d, its loss there %.3g, its lowest %.3g at step %d: the climb is not on screen yet", cue.At, at.Loss, b.Loss, b.K)
	}
	if !(maxEff(b) > 2/lmax && flips > 9*n/10 && end.Loss > 100*b.Loss) {
		t.Errorf("AdaDelta at its lowest (step %d): rate %.3g against 2/λmax = %.3g; %d of %d later steps flip across the valley; loss %.3g → %.3g",
			b.K, maxEff(b), 2/lmax, flips, n, b.Loss, end.Loss)
	}
}

// Newton vs GD (8.5.1, Fig 8.7): Newton solves the quadratic in one step,
// GD takes many; Newton's step is the gradient step of rate 1 in φ = H^½θ;
// on Rosenbrock Newton converges in a few steps while GD crawls.
func TestClaimNewtonVsGD(t *testing.T) {
	l := mustGet(t, "newton-vs-gd")
	sc, rs := play(t, l, -1, l.Steps)
	gd, nt := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "newton")
	if nt.Status != optim.Converged || last(nt).K != 1 {
		t.Errorf("Newton: %s after %d steps, want converged in one", nt.Status, last(nt).K)
	}
	if k := stepsTo(gd, 1e-6); k >= 0 && k < 20 {
		t.Errorf("gradient descent reached loss 1e-6 in %d steps; the lesson wants it slow", k)
	}

	// φ = H^½θ: J(θ) = ½θᵀHθ = ½φᵀφ, ∇_φ = H^{-½}g. A gradient step of rate 1
	// in φ mapped back to θ is −H^{-½}H^{-½}g = −H⁻¹g, Newton's step.
	geo := geometry(t, sc, sc.Start)
	var q mat.Dense
	q.CloneFrom(mat.NewDense(2, 2, []float64{
		geo.Eigenvectors[0][0], geo.Eigenvectors[1][0],
		geo.Eigenvectors[0][1], geo.Eigenvectors[1][1]}))
	invSqrt := func(v []float64) []float64 { // H^{-½}v = Q Λ^{-½} Qᵀ v
		var c, out mat.VecDense
		c.MulVec(q.T(), mat.NewVecDense(2, v))
		for k := 0; k < 2; k++ {
			c.SetVec(k, c.AtVec(k)/math.Sqrt(geo.Eigenvalues[k]))
		}
		out.MulVec(&q, &c)
		return []float64{out.AtVec(0), out.AtVec(1)}
	}
	gradPhi := invSqrt(geo.Grad)
	stepTheta := invSqrt([]float64{-gradPhi[0], -gradPhi[1]})
	if d := dist(stepTheta, nt.Points[1].Update); d > 1e-9 {
		t.Errorf("the φ-space gradient step maps to %v, Newton stepped %v", stepTheta, nt.Points[1].Update)
	}

	_, rr := play(t, l, 0, l.Steps)
	gdR, ntR := runOf(t, rr, 0, "gd"), runOf(t, rr, 1, "newton")
	if ntR.Status != optim.Converged || last(ntR).K > 10 || dist(last(ntR).XY, []float64{1, 1}) > 1e-6 {
		t.Errorf("Rosenbrock: Newton %s at step %d at %v, want converged to (1, 1) within 10", ntR.Status, last(ntR).K, last(ntR).XY)
	}
	if !(last(gdR).Loss > 1) {
		t.Errorf("Rosenbrock: gradient descent reached loss %v in %d steps; the lesson wants it crawling", last(gdR).Loss, l.Steps)
	}
}

// Conjugate gradients (8.5.2, Figs 8.8-8.9): CG reaches the quadratic's
// minimum in two line searches; steepest descent with line searches (cg
// restarted every search) turns 90° at every step and needs many more.
func TestClaimConjugateGradients(t *testing.T) {
	l := mustGet(t, "conjugate-gradients")
	_, rs := play(t, l, -1, 1000)
	sd, cg := runOf(t, rs, 0, "cg"), runOf(t, rs, 1, "cg")
	if l.Scene.Runs[0].Hyper.Num["restart"] != 1 {
		t.Fatal("run 0 must restart at every line search to be steepest descent")
	}
	g0 := cg.Points[0].GradNorm
	if cg.Status != optim.Converged || last(cg).K != 2 || last(cg).GradNorm > 1e-8*g0 {
		t.Errorf("CG: %s at step %d with ‖g‖ = %.3g; want the minimum in 2 line searches", cg.Status, last(cg).K, last(cg).GradNorm)
	}
	tol := 1e-10 * cg.Points[0].Loss
	kcg, ksd := stepsTo(cg, tol), stepsTo(sd, tol)
	t.Logf("line searches to a loss 1e-10 of the start: CG %d, steepest descent %d", kcg, ksd)
	if kcg != 2 || ksd < 20 {
		t.Errorf("line searches to a loss 1e-10 of the start: CG %d, steepest descent %d; want 2 and at least 20", kcg, ksd)
	}
	for i := 2; i < min(len(sd.Points), 20); i++ {
		a, b := sd.Points[i-1].Update, sd.Points[i].Update
		if c := dot(a, b) / math.Sqrt(dot(a, a)*dot(b, b)); math.Abs(c) > 1e-3 {
			t.Errorf("steepest descent steps %d and %d meet at cos %.2g, want right angles", i-1, i, c)
		}
	}
}

// BFGS (8.5.3): the inverse-Hessian estimate approaches the true inverse
// Hessian as the run converges.
func TestClaimBFGS(t *testing.T) {
	l := mustGet(t, "bfgs")
	sc, rs := play(t, l, -1, l.Steps)
	b := runOf(t, rs, 0, "bfgs")
	if b.Status != optim.Converged {
		t.Fatalf("BFGS: %s, want converged", b.Status)
	}
	relErr := func(p scene.Point) float64 {
		m, ok := p.State.Get("inv_hessian")
		if !ok {
			t.Fatalf("step %d: no inv_hessian in the state", p.K)
		}
		geo := geometry(t, sc, p.XY)
		var inv mat.Dense
		if err := inv.Inverse(mat.NewDense(2, 2, []float64{geo.Hessian[0][0], geo.Hessian[0][1], geo.Hessian[1][0], geo.Hessian[1][1]})); err != nil {
			t.Fatal(err)
		}
		var d mat.Dense
		d.Sub(mat.NewDense(2, 2, m), &inv)
		return mat.Norm(&d, 2) / mat.Norm(&inv, 2)
	}
	// The last step's estimate is taken where the gradient is below rounding;
	// compare a few steps before it.
	endPt := b.Points[len(b.Points)-3]
	start, end := relErr(b.Points[1]), relErr(endPt)
	t.Logf("‖M − H⁻¹‖/‖H⁻¹‖: %.3g at step 1, %.3g at step %d", start, end, endPt.K)
	if !(end < 0.1) || !(end < start/5) {
		t.Errorf("‖M − H⁻¹‖/‖H⁻¹‖ went from %.3g (step 1) to %.3g (step %d); want below 0.1 and 5× smaller", start, end, endPt.K)
	}
	lb := runOf(t, rs, 1, "lbfgs")
	if lb.Status != optim.Converged || dist(last(lb).XY, []float64{1, 1}) > 1e-6 {
		t.Errorf("L-BFGS: %s at %v, want converged to (1, 1)", lb.Status, last(lb).XY)
	}
}

// Natural gradient (8.6): at the same rate, the natural gradient is lower
// than gradient descent after any number of steps, for every rate the
// lesson's slider offers that keeps it stable.
func TestClaimNaturalGradient(t *testing.T) {
	l := mustGet(t, "natural-gradient")
	sc, rs := play(t, l, -1, l.Steps)
	minLoss := sc.Obj.Value(sc.Info.Minima[0])
	near := 1e-4 * math.Abs(minLoss)
	kg, kn := stepsTo(runOf(t, rs, 0, "gd"), minLoss+near), stepsTo(runOf(t, rs, 1, "natural_gradient"), minLoss+near)
	t.Logf("steps to within %.2g of the minimum's loss: natural gradient %d, gradient descent %d (of %d)", near, kn, kg, l.Steps)
	if kn < 0 || kn > 15 || (kg >= 0 && kg < 4*kn) {
		t.Errorf("steps to within %.2g of the minimum's loss: natural gradient %d, gradient descent %d; want about ten and many more", near, kn, kg)
	}
	for _, lr := range []float64{0.1, 0.3, l.Scene.Runs[1].Hyper.Num["lr"]} {
		req := l.Request(-1)
		req.Runs = []scene.RunSpec{run("gd", "", map[string]float64{"lr": lr}), run("natural_gradient", "", map[string]float64{"lr": lr})}
		sc, err := scene.Build(req)
		if err != nil {
			t.Fatal(err)
		}
		rs := sc.RunAll(l.Steps)
		gd, ng := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "natural_gradient")
		for _, k := range []int{2, 5, 10, l.Steps} {
			lg, ln := gd.Points[min(k, len(gd.Points)-1)].Loss, ng.Points[min(k, len(ng.Points)-1)].Loss
			if !(ln < lg) {
				t.Errorf("ε = %v, step %d: natural gradient loss %.6g, gradient descent %.6g", lr, k, ln, lg)
			}
		}
	}
}

// The natural gradient's cues say what its path shows: at the lesson's
// ε = 0.5 the first step already lands past the minimum (the cue once
// kept "overshoots" for ε = 1), and at ε = 1, Newton's step, the far start
// throws it out of the view.
func TestNaturalGradientOvershoot(t *testing.T) {
	l := mustGet(t, "natural-gradient")
	sc, rs := play(t, l, -1, 1)
	m := sc.Info.Minima[0]
	p0, p1 := runOf(t, rs, 1, "natural_gradient").Points[0].XY, runOf(t, rs, 1, "natural_gradient").Points[1].XY
	past := (p0[0]-m[0])*(p1[0]-m[0])+(p0[1]-m[1])*(p1[1]-m[1]) < 0
	if says := strings.Contains(l.Script[0].Text, "overshot the minimum"); says != past {
		t.Errorf("first step %v → %v, minimum %v: past it %v, the cue at %d says so %v", p0, p1, m, past, l.Script[0].At, says)
	}
	req := l.Request(-1)
	req.Runs = []scene.RunSpec{run("natural_gradient", "", map[string]float64{"lr": 1})}
	sc1, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	out := false
	for _, p := range sc1.RunAll(l.Steps)[0].Points {
		out = out || !inView(l.View, p.XY)
	}
	if says := strings.Contains(l.Script[1].Text, "Raise ε to 1") && strings.Contains(l.Script[1].Text, "out of the picture"); says != out {
		t.Errorf("at ε = 1 the run leaves the view: %v; the cue at %d says so: %v", out, l.Script[1].At, says)
	}
}

// Coordinate descent (8.7.1): every step moves along one axis, and the
// steps needed to reach a tolerance grow as α → 0.
func TestClaimCoordinateDescent(t *testing.T) {
	l := mustGet(t, "coordinate-descent")
	prev := 0
	for vi, v := range l.Variants {
		_, rs := play(t, l, vi, 5000)
		r := runOf(t, rs, 0, "coordinate")
		for _, p := range r.Points[1:] {
			if p.Update[0] != 0 && p.Update[1] != 0 {
				t.Fatalf("%s: step %d moved along both axes: %v", v.Label, p.K, p.Update)
			}
		}
		k := stepsTo(r, 1e-8*r.Points[0].Loss)
		if k < 0 {
			t.Fatalf("%s: did not reach the tolerance in 5000 steps", v.Label)
		}
		t.Logf("%s: %d steps to a loss 1e-8 of the start", v.Label, k)
		if !(k > 3*prev) {
			t.Errorf("%s: %d steps to the tolerance, after %d at the larger α; want at least 3× more", v.Label, k, prev)
		}
		prev = k
	}
}

// Continuation (8.7.5, Fig 8.11): at the largest σ the blurred function is
// convex over the view (one minimum); tracking its minimum as σ falls ends
// in the global minimum, while gradient descent from the same start on the
// raw function stops in a local one; noisy SGD with a decaying rate (the
// annealing analogue) ends lower than gradient descent for most seeds.
func TestClaimContinuation(t *testing.T) {
	l := mustGet(t, "continuation")
	top, err := Blurred(l.Scene.Objective, l.Sigmas[0])
	if err != nil {
		t.Fatal(err)
	}
	// A grid whose spacing is not a multiple of the ripples' period, so it
	// cannot sit only where they curve upwards.
	const n = 37
	h := mat.NewSymDense(2, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x := []float64{l.View.X[0] + (l.View.X[1]-l.View.X[0])*float64(i)/(n-1), l.View.Y[0] + (l.View.Y[1]-l.View.Y[0])*float64(j)/(n-1)}
			top.(landscape.Hessianer).Hess(h, x)
			var eig mat.EigenSym
			if !eig.Factorize(h, false) || !(eig.Values(nil)[0] > 0) {
				t.Fatalf("σ = %v: the blurred Hessian at %v is not positive definite: more than one minimum possible", l.Sigmas[0], x)
			}
		}
	}

	stages, err := l.Track(1000)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := landscape.Lookup(l.Scene.Objective.ID)
	rawSpec := l.Scene.Objective
	rawSpec.Blur = 0
	obj, _, _ := landscape.New(rawSpec)
	global := info.Minima[0]
	for _, m := range info.Minima {
		if obj.Value(m) < obj.Value(global) {
			global = m
		}
	}
	end := stages[len(stages)-1]
	if end.Sigma != 0 || dist(end.End, global) > 1e-4 {
		t.Errorf("continuation ended at %v (σ = %v), want the global minimum %v", end.End, end.Sigma, global)
	}

	// The lesson opens at the largest σ, and its run is the tracked one:
	// as played, it ends where the first stage of the track ends, at the
	// bowl's minimum (the origin, by symmetry).
	if l.Scene.Objective.Blur != l.Sigmas[0] {
		t.Errorf("the lesson opens at σ = %v, want its largest σ = %v", l.Scene.Objective.Blur, l.Sigmas[0])
	}
	_, opening := play(t, l, -1, l.Steps)
	first := last(runOf(t, opening, 0, "gd"))
	long, err := l.Track(l.Steps)
	if err != nil {
		t.Fatal(err)
	}
	if dist(first.XY, long[0].End) > 1e-9 || dist(first.XY, []float64{0, 0}) > 1e-2 {
		t.Errorf("at σ = %v the lesson's run ends at %v, the track's first stage at %v; want both at the bowl's minimum (0, 0)", l.Sigmas[0], first.XY, long[0].End)
	}
	// The script tells the class to lower σ.
	lower := 0
	for _, c := range l.Script {
		if strings.Contains(c.Text, "lower") || strings.Contains(c.Text, "lowering") {
			lower++
		}
	}
	if lower == 0 {
		t.Error("no cue says to lower σ")
	}

	// The variant without blur: gradient descent stuck, annealing lower.
	const raw = 0
	if l.Variants[raw].Objective.Blur != 0 {
		t.Fatalf("variant %q is blurred", l.Variants[raw].Label)
	}
	_, rs := play(t, l, raw, l.Steps)
	gd := runOf(t, rs, 0, "gd")
	if gd.Status != optim.Converged || !(last(gd).Loss > obj.Value(global)+1) {
		t.Errorf("gradient descent on the raw function: %s at loss %v; want stuck in a local minimum", gd.Status, last(gd).Loss)
	}
	if testing.Short() {
		return
	}
	wins := 0
	const seeds = 10
	for seed := uint64(1); seed <= seeds; seed++ {
		req := l.Request(raw)
		req.Seed = seed
		sc, err := scene.Build(req)
		if err != nil {
			t.Fatal(err)
		}
		if r := runOf(t, sc.RunAll(l.Steps), 1, "sgd"); last(r).Loss < last(gd).Loss {
			wins++
		}
	}
	t.Logf("annealing beat gradient descent's loss %.3g for %d of %d seeds", last(gd).Loss, wins, seeds)
	if wins < 8 {
		t.Errorf("annealing ended below gradient descent's local minimum for %d of %d seeds, want at least 8", wins, seeds)
	}
}
