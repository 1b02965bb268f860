package maps

import (
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// The optimizers beyond the chapter get hyperparameter and basin maps as
// the chapter's do: on the quadratic valley each map has cells that
// converge and cells that diverge (the rate spans both), and on
// Himmelblau's function the basins map sends starts to several minima.
// Muon and Shampoo need matrix parameters, which no 2-D map has.
func TestMapsBeyondTheChapter(t *testing.T) {
	valley := landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25}}
	n, steps := 7, 300
	for _, c := range []struct{ id, x, y string }{
		{"adamw", "lr", "weight_decay"}, {"nadam", "lr", "beta1"}, {"radam", "lr", "beta1"},
		{"lion", "lr", "beta1"}, {"sam", "lr", "rho"},
	} {
		t.Run(c.id, func(t *testing.T) {
			info, _ := optim.Lookup(c.id)
			sc0 := buildScene(t, valley, []float64{-2, 1.5}, scene.RunSpec{Optimizer: c.id})
			j, err := NewHyperJob(sc0, 0, HyperParams{Steps: &steps})
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(j.Cells()*steps) * float64(max(1, info.GradsPerStep)); j.Work() != want {
				t.Errorf("work %g, want %g: cells × steps × the gradients a step takes", j.Work(), want)
			}
			if x, y := DefaultAxes(info); x != c.x || y != c.y {
				t.Errorf("default axes %s × %s, want %s × %s", x, y, c.x, c.y)
			}
			sc := buildScene(t, valley, []float64{-2, 1.5}, scene.RunSpec{Optimizer: c.id})
			m := hyperMap(t, sc, HyperParams{X: &Axis{Name: "lr", N: &n}, Y: &Axis{Name: c.y, N: &n}, Steps: &steps})
			ok, diverged := 0, 0
			for _, s := range m.Status {
				switch s {
				case CellOK:
					ok++
				case CellDiverged:
					diverged++
				}
			}
			if ok == 0 || m.Best == nil {
				t.Errorf("no cell of %d converged (best %v)", len(m.Status), m.Best)
			}
			n := 12
			bs := 3000
			hyper := map[string]float64{"lr": 0.005}
			if c.id == "sam" {
				// With ρ = 0.05 SAM does not settle on a minimum: near one its
				// ascent point stays ρ away along g/‖g‖, however small g
				// becomes, and the run keeps moving about the minimum (see
				// TestSAMCirclesTheMinimum). A small ρ lets it land.
				hyper["rho"] = 1e-4
			}
			b := basins(t, buildScene(t, landscape.Spec{ID: "himmelblau"}, nil,
				scene.RunSpec{Optimizer: c.id, Hyper: scene.Hyper{Num: hyper}}), BasinParams{N: &n, Steps: &bs})
			reached := 0
			for q := range b.Known {
				if b.Counts[q] > 0 {
					reached++
				}
			}
			if reached < 2 {
				t.Errorf("basins: the starts reached %d of Himmelblau's minima (counts %v), want several", reached, b.Counts)
			}
			t.Logf("%s: %d of %d cells converged, %d diverged; basins counts %v", c.id, ok, len(m.Status), diverged, b.Counts)
		})
	}
}

// TestSAMCirclesTheMinimum: at its default ρ, SAM's starts on Himmelblau end
// at no minimum (not converged) while gradient descent's, at the same rate,
// each reach one: a fixed ρ keeps the ascent point ρ from θ however small
// the gradient, so the iterate never comes to rest: it keeps moving about the minimum.
func TestSAMCirclesTheMinimum(t *testing.T) {
	n, bs := 12, 3000
	count := func(id string) (reached, notConverged int) {
		b := basins(t, buildScene(t, landscape.Spec{ID: "himmelblau"}, nil,
			scene.RunSpec{Optimizer: id, Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.005}}}), BasinParams{N: &n, Steps: &bs})
		for _, q := range b.Basin {
			switch {
			case q >= 0:
				reached++
			case q == BasinNotConverged:
				notConverged++
			}
		}
		return
	}
	gdR, _ := count("gd")
	samR, samNC := count("sam")
	if gdR < n*n*9/10 {
		t.Fatalf("gradient descent reached a minimum from %d of %d starts", gdR, n*n)
	}
	if samNC < n*n*9/10 || samR > n*n/10 {
		t.Errorf("SAM (ρ = 0.05): %d starts reached a minimum, %d did not converge, of %d; want nearly all still moving", samR, samNC, n*n)
	}
}
