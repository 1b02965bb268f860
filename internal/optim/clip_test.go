package optim

import (
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

func norm(v []float64) float64 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	return math.Sqrt(ss)
}

// TestClipNormBoundsSGD: with the gradient clipped to norm c, no SGD step is
// longer than ε·c however steep the cliff or loud the noise (8.2.5, Fig 8.3).
func TestClipNormBoundsSGD(t *testing.T) {
	cases := []struct {
		name      string
		lr, c     float64
		noise     float64
		wantClips bool // the objective is steep enough that most steps clip
	}{
		{"loud noise, tight clip", 0.001, 1, 50, true},
		{"quiet noise, loose clip", 0.0005, 100, 0.1, true},
		{"clip above every gradient", 0.0001, 1e6, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: "sgd",
				Hyper: map[string]float64{"lr": c.lr, "noise": c.noise}, Clip: Clip{Norm: c.c}}, 3)
			clipped := 0
			for k := 1; k <= 300 && !r.Done(); k++ {
				s := r.Step()
				if d := norm(s.Update); d > c.lr*c.c*(1+1e-12) {
					t.Fatalf("step %d moved %g > ε·c = %g", k, d, c.lr*c.c)
				}
				raw, used := norm(s.RawGrad), norm(s.UsedGrad)
				if s.Clipped != (raw > c.c) {
					t.Fatalf("step %d: Clipped = %v with ‖raw‖ = %g, c = %g", k, s.Clipped, raw, c.c)
				}
				for i := range s.RawGrad {
					want := s.RawGrad[i]
					if s.Clipped {
						want *= c.c / raw
					}
					if !near(s.UsedGrad[i], want, 1e-14) {
						t.Fatalf("step %d: used %v, want raw %v rescaled to norm %g", k, s.UsedGrad, s.RawGrad, math.Min(raw, c.c))
					}
				}
				if used > c.c*(1+1e-12) {
					t.Fatalf("step %d: ‖used‖ = %g > c", k, used)
				}
				if s.Clipped {
					clipped++
				}
			}
			if r.Clips() != clipped {
				t.Errorf("Clips() = %d, steps that clipped %d", r.Clips(), clipped)
			}
			if c.wantClips != (clipped > 0) {
				t.Errorf("%d steps clipped; want some: %v", clipped, c.wantClips)
			}
		})
	}
}

// TestClipValueClamps: clipping by value clamps each component to [−c, c]
// and the step uses the clamped gradient; RawGrad is the exact gradient at
// the point the step started from.
func TestClipValueClamps(t *testing.T) {
	const lr, c = 0.0005, 5.0
	r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "gd", Hyper: map[string]float64{"lr": lr}, Clip: Clip{Value: c}}, 1)
	clipped := 0
	for k := 1; k <= 200; k++ {
		exact := append([]float64(nil), r.Current().Grad...)
		s := r.Step()
		beyond := false
		for i := range exact {
			if s.RawGrad[i] != exact[i] {
				t.Fatalf("step %d: raw gradient %v, want the exact %v", k, s.RawGrad, exact)
			}
			want := math.Max(-c, math.Min(c, exact[i]))
			beyond = beyond || math.Abs(exact[i]) > c
			if s.UsedGrad[i] != want {
				t.Fatalf("step %d: used %v, want %v clamped to ±%g", k, s.UsedGrad, exact, c)
			}
			if !near(s.Update[i], -lr*want, 1e-12) {
				t.Fatalf("step %d: update %v, want −ε·used", k, s.Update)
			}
		}
		if s.Clipped != beyond {
			t.Fatalf("step %d: Clipped = %v, a component beyond ±c: %v", k, s.Clipped, beyond)
		}
		if s.Clipped {
			clipped++
		}
	}
	if clipped == 0 || r.Clips() != clipped {
		t.Errorf("Clips() = %d, counted %d (want > 0)", r.Clips(), clipped)
	}
	r.Reset()
	if r.Clips() != 0 {
		t.Errorf("Clips() after Reset = %d", r.Clips())
	}
}

// TestClipSetLive: turning clipping on with Set affects the next step.
func TestClipSetLive(t *testing.T) {
	r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.0001}}, 1)
	if s := r.Step(); s.Clipped {
		t.Fatal("clipped with clipping off")
	}
	if err := r.Set(nil, nil, &Clip{Norm: 0.5}, nil); err != nil {
		t.Fatal(err)
	}
	s := r.Step()
	if !s.Clipped || math.Abs(norm(s.UsedGrad)-0.5) > 1e-12 {
		t.Errorf("after Set: Clipped %v, ‖used‖ %g, want true and 0.5", s.Clipped, norm(s.UsedGrad))
	}
	if r.Config().Clip.Norm != 0.5 || r.Clips() != 1 {
		t.Errorf("Config().Clip = %+v, Clips() = %d", r.Config().Clip, r.Clips())
	}
}
