package maps

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

var valley = landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25, "angle": 30}}

func decayOf(t *testing.T, sc *scene.Scene, p DecayParams, def int) *Decay {
	t.Helper()
	j, err := NewDecayJob(sc, 0, p, def)
	if err != nil {
		t.Fatal(err)
	}
	d, err := j.Compute()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(d); err != nil { // NaN or Inf anywhere fails here
		t.Fatalf("not finite: %v", err)
	}
	return d
}

// On the quadratic valley, gradient descent damps each eigen-component by
// exactly |1 − ελᵢ| a step: |cᵢ(k)| = |cᵢ(0)|·|1 − ελᵢ|ᵏ to rounding, and
// the theory line the answer carries is that.
func TestDecayGDIsExact(t *testing.T) {
	const lr = 0.078
	sc := buildScene(t, valley, []float64{-2.45, -1.3}, scene.RunSpec{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": lr}}})
	d := decayOf(t, sc, DecayParams{}, 80)
	if d.Mode != DecayQuadratic || d.Steps != 80 || len(d.K) != 81 || len(d.Dirs) != 2 {
		t.Fatalf("mode %s, %d steps, %d points, %d directions", d.Mode, d.Steps, len(d.K), len(d.Dirs))
	}
	for i, want := range []float64{1, 25} {
		dir := d.Dirs[i]
		if math.Abs(dir.Lambda-want) > 1e-12 {
			t.Fatalf("λ%d = %v, want %v", i, dir.Lambda, want)
		}
		rate := math.Abs(1 - lr*want)
		if !dir.OK || math.Abs(dir.Rate-rate) > 1e-15 || dir.Rule != "|1 − ελ|" {
			t.Fatalf("direction %d: %+v, want rate %v", i, dir.EigenRate, rate)
		}
		if len(dir.Line) != len(d.K) {
			t.Fatalf("direction %d: %d line points for %d steps", i, len(dir.Line), len(d.K))
		}
		c0 := math.Abs(dir.C[0])
		for p, k := range d.K {
			theory := c0 * math.Pow(rate, float64(k))
			if got := math.Abs(dir.C[p]); math.Abs(got-theory) > 1e-12*c0+1e-9*theory {
				t.Fatalf("direction %d (λ = %v), k = %d: |c| = %.17g, |c(0)|·|1−ελ|ᵏ = %.17g", i, want, k, got, theory)
			}
			if math.Abs(dir.Line[p]-theory) > 1e-12*theory {
				t.Fatalf("direction %d, k = %d: line %v, want %v", i, k, dir.Line[p], theory)
			}
		}
		if math.Abs(dir.Measured-rate) > 1e-9 {
			t.Errorf("direction %d: measured rate %v, theory %v", i, dir.Measured, rate)
		}
	}
}

// Heavy ball on the valley: over a long tail the measured per-step rate of
// each component matches the spectral radius of its 2×2 iteration matrix,
// for complex roots (α = 0.8: both components spiral at √α) and real ones
// (α = 0.1: along the valley the roots are real, across it complex), and
// for Nesterov's matrix (α = 0.5: real roots along the valley, complex across).
func TestDecayHeavyBallTailRate(t *testing.T) {
	for _, c := range []struct {
		name, method string
		lr, alpha    float64
		steps        int
	}{
		{"complex roots", "momentum", 0.03, 0.8, 3000},
		{"real roots along the valley", "momentum", 0.03, 0.1, 3000},
		{"nesterov", "nesterov", 0.03, 0.5, 3000},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := buildScene(t, valley, []float64{-2.5, 1.5}, scene.RunSpec{Optimizer: c.method,
				Hyper: scene.Hyper{Num: map[string]float64{"lr": c.lr, "momentum": c.alpha}}})
			d := decayOf(t, sc, DecayParams{}, c.steps)
			for i, dir := range d.Dirs {
				want, _ := TheoryRate(c.method, c.lr, c.alpha, dir.Lambda)
				if !dir.OK || math.Abs(dir.Rate-want) > 1e-12 {
					t.Fatalf("direction %d: rate %v, want %v", i, dir.Rate, want)
				}
				// A fast component reaches rounding within a few dozen steps
				// (0.32ᵏ: 25): its tail is short, its tolerance looser.
				tol := 2e-3
				if want < 0.8 {
					tol = 2e-2
				}
				t.Logf("direction %d (λ = %.4g): measured %.6f (a run of %d steps), spectral radius %.6f", i, dir.Lambda, dir.Measured, d.Steps, want)
				if math.Abs(dir.Measured-want) > tol {
					t.Errorf("direction %d (λ = %v): measured %v, spectral radius %v", i, dir.Lambda, dir.Measured, want)
				}
			}
		})
	}
}

// A method with no closed form says why and draws no line; a local
// decomposition on Rosenbrock names its step and stays finite.
func TestDecayNoFormAndLocal(t *testing.T) {
	sc := buildScene(t, valley, nil, scene.RunSpec{Optimizer: "adam"})
	d := decayOf(t, sc, DecayParams{}, 50)
	for _, dir := range d.Dirs {
		if dir.OK || dir.Why == "" || dir.Line != nil {
			t.Fatalf("adam: %+v", dir.EigenRate)
		}
	}
	ros := buildScene(t, landscape.Spec{ID: "rosenbrock"}, nil, scene.RunSpec{Optimizer: "momentum", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.001, "momentum": 0.9}}})
	at := 300
	d = decayOf(t, ros, DecayParams{At: &at}, 400)
	if d.Mode != DecayLocal || d.At != 300 || d.Note == "" {
		t.Fatalf("rosenbrock: mode %s at %d, note %q", d.Mode, d.At, d.Note)
	}
	// θ* of the model at the minimum's neighbourhood is near (1, 1).
	if math.Hypot(d.Star[0]-1, d.Star[1]-1) > 0.5 {
		t.Errorf("θ* = %v, far from the minimum (1, 1)", d.Star)
	}
	// Thinning: a long run carries at most MaxDecayPoints points, its last step included.
	long := buildScene(t, valley, nil, scene.RunSpec{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.001}}})
	d = decayOf(t, long, DecayParams{}, 9000)
	if len(d.K) > MaxDecayPoints || d.K[len(d.K)-1] != d.Steps || d.Every < 2 {
		t.Fatalf("%d points, last %d of %d, every %d", len(d.K), d.K[len(d.K)-1], d.Steps, d.Every)
	}
}

func TestDecayBadInput(t *testing.T) {
	sc := buildScene(t, valley, nil, scene.RunSpec{Optimizer: "gd"})
	neg, big, past := -1, MaxDecaySteps+1, 20
	ten := 10
	for _, c := range []struct {
		name  string
		p     DecayParams
		field string
	}{
		{"negative steps", DecayParams{Steps: &neg}, "steps"},
		{"too many steps", DecayParams{Steps: &big}, "steps"},
		{"at past steps", DecayParams{Steps: &ten, At: &past}, "at"},
		{"negative at", DecayParams{At: &neg}, "at"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewDecayJob(sc, 0, c.p, 10)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("error %v, want one on %q", err, c.field)
			}
		})
	}
	// A decay is answered at once, outside the heavy-work pool, so its
	// work is held to a cheap map's: 10 000 steps on a blurred objective
	// (each gradient an average over the blur's nodes) are refused.
	blurred := valley
	blurred.Blur = 0.5
	full := MaxDecaySteps
	_, err := NewDecayJob(buildScene(t, blurred, nil, scene.RunSpec{Optimizer: "gd"}), 0, DecayParams{Steps: &full}, full)
	if fe := (*fielderr.Error)(nil); !errors.As(err, &fe) || fe.Field != "steps" || !strings.Contains(fe.Msg, "the limit is 2e+05") {
		t.Fatalf("a blurred 10 000-step decay: %v, want a refusal on steps naming the limit", err)
	}
	proj, err := scene.Build(scene.Request{Objective: landscape.Spec{ID: "mlp"}, Runs: []scene.RunSpec{{Optimizer: "gd"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewDecayJob(proj, 0, DecayParams{}, 10)
	var fe *fielderr.Error
	if !errors.As(err, &fe) || fe.Field != "objective" {
		t.Fatalf("projected: %v", err)
	}
}

// BenchmarkDecay is a 10 000-step decay on the valley (the largest the
// message allows); BenchmarkDecayReplay, the reference, only steps the same
// run, so the ratio is what the split and the answer cost beyond it.
func BenchmarkDecay(b *testing.B) {
	sc := buildScene(b, valley, []float64{-2.5e3, 1.5e3}, scene.RunSpec{Optimizer: "momentum", Hyper: scene.Hyper{Num: map[string]float64{"lr": 1e-4, "momentum": 0.5}}})
	j, err := NewDecayJob(sc, 0, DecayParams{}, MaxDecaySteps)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := j.Compute(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecayReplay(b *testing.B) {
	sc := buildScene(b, valley, []float64{-2.5e3, 1.5e3}, scene.RunSpec{Optimizer: "momentum", Hyper: scene.Hyper{Num: map[string]float64{"lr": 1e-4, "momentum": 0.5}}})
	r := sc.Runs[0]
	for b.Loop() {
		r.Reset()
		for k := 0; k < MaxDecaySteps && !r.Done(); k++ {
			r.Step()
		}
	}
}
