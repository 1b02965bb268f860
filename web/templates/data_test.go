package templates

import (
	"math"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

func sceneByID(t *testing.T, id string) Scene {
	t.Helper()
	for _, s := range Scenes() {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no scene %q", id)
	return Scene{}
}

// The ill-conditioning scene's rates are the theory's for its quadratic,
// derived here from the objective's own parameters (curvatures a and b of
// ½(a·u² + b·v²)), not from the Hessian the scene reads.
func TestIllConditioningSceneUsesTheTheorysRates(t *testing.T) {
	sc := sceneByID(t, "ill-conditioning")
	a, b := sc.Objective.Params["a"], sc.Objective.Params["b"]
	mu, l := math.Min(a, b), math.Max(a, b)
	kappa := l / mu
	q := (math.Sqrt(kappa) - 1) / (math.Sqrt(kappa) + 1)
	want := map[string]map[string]float64{
		"gd":       {"lr": 2 / (l + mu)},
		"momentum": {"lr": 4 / math.Pow(math.Sqrt(l)+math.Sqrt(mu), 2), "momentum": q * q},
	}
	for _, r := range sc.Runs {
		w, ok := want[r.Optimizer]
		if !ok {
			continue
		}
		delete(want, r.Optimizer)
		for name, v := range w {
			if got := r.Hyper[name]; math.Abs(got-v) > 1e-12*v {
				t.Errorf("%s %s = %v, the theory's is %v", r.Optimizer, name, got, v)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("the scene lacks runs %v", want)
	}
	// The caption quotes the hyperparameters and both rates.
	for _, s := range []string{"2/(L+μ) = " + num(2/(l+mu)), "(κ−1)/(κ+1) = " + num((kappa-1)/(kappa+1)),
		"(√κ−1)/(√κ+1) = " + num(q), "α = ((√κ−1)/(√κ+1))² = " + num(q*q), "4/(√L+√μ)² = " + num(4/math.Pow(math.Sqrt(l)+math.Sqrt(mu), 2))} {
		if !strings.Contains(sc.Caption, s) {
			t.Errorf("the caption does not quote %q: %s", s, sc.Caption)
		}
	}
}

// The caption's claims hold on the engine: momentum's loss is below
// gradient descent's from step 10 on, a hundred times below by step 20, and gradient descent's step across
// the valley (along the Hessian's stiff eigenvector) changes sign at every
// step, which is the zig-zag; Newton arrives in one step.
func TestIllConditioningSceneClaims(t *testing.T) {
	sc := sceneByID(t, "ill-conditioning")
	obj, _, err := landscape.New(sc.Objective)
	if err != nil {
		t.Fatal(err)
	}
	geo, err := landscape.Curvature(obj, sc.Start)
	if err != nil {
		t.Fatal(err)
	}
	across := geo.Eigenvectors[len(geo.Eigenvectors)-1]
	paths := make([][]*optim.Step, len(sc.Runs))
	for i, r := range sc.Runs {
		run, err := optim.NewRun(obj, sc.Start, optim.Config{Optimizer: r.Optimizer, Hyper: r.Hyper}, optim.SeedFor(1, i))
		if err != nil {
			t.Fatal(err)
		}
		st := *run.Current()
		paths[i] = append(paths[i], &st)
		for k := 0; k < 40 && !run.Done(); k++ {
			s := *run.Step()
			s.Theta = append([]float64(nil), s.Theta...)
			paths[i] = append(paths[i], &s)
		}
	}
	gd, hb, newton := paths[0], paths[1], paths[2]
	for k := 10; k <= 40; k++ {
		if hb[k].Loss >= gd[k].Loss {
			t.Errorf("step %d: momentum's loss %.3g is not below gradient descent's %.3g", k, hb[k].Loss, gd[k].Loss)
		}
	}
	if hb[20].Loss > 1e-2*gd[20].Loss {
		t.Errorf("step 20: momentum %.3g is not a hundred times below gradient descent %.3g", hb[20].Loss, gd[20].Loss)
	}
	prev := 0.0
	for k := 1; k <= 20; k++ {
		d := (gd[k].Theta[0]-gd[k-1].Theta[0])*across[0] + (gd[k].Theta[1]-gd[k-1].Theta[1])*across[1]
		if k > 1 && d*prev >= 0 {
			t.Errorf("gradient descent's step %d across the valley (%.3g) has the sign of step %d's (%.3g): no zig-zag", k, d, k-1, prev)
		}
		prev = d
	}
	if l := newton[1].Loss; l > 1e-12 {
		t.Errorf("Newton's loss after one step %.3g, want the minimum", l)
	}
}
