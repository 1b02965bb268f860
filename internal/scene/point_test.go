package scene

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// TestInnerSymIsGonums: gᵀHg without gonum's vectors is gonum's, bit for
// bit, zeros included (Inner skips them), at every size a scene may have.
func TestInnerSymIsGonums(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 64; n++ {
		reps := 4
		if n == 2 {
			reps = 100000 // the closed form
		}
		for range reps {
			h := mat.NewSymDense(n, nil)
			u := make([]float64, n)
			for i := range n {
				if rng.IntN(5) > 0 {
					u[i] = rng.NormFloat64() * math.Exp(rng.NormFloat64()*4)
				}
				for j := i; j < n; j++ {
					h.SetSym(i, j, rng.NormFloat64()*1e3)
				}
			}
			if n == 2 && rng.IntN(3) == 0 { // signed zeros: a closed form must keep gonum's
				h.SetSym(rng.IntN(2), 1, math.Copysign(0, -1))
				u[rng.IntN(2)] = math.Copysign(0, -1)
			}
			uv := mat.NewVecDense(n, u)
			if got, want := innerSym(h, u), mat.Inner(uv, h, uv); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("n = %d: %v, gonum %v", n, got, want)
			}
		}
	}
}

// TestInnerSym2Edges: the 2-D closed form is gonum's on every mix of
// signed zeros, ones, the tiniest and the largest numbers.
func TestInnerSym2Edges(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 5e-324, -math.MaxFloat64, 0.1}
	h := mat.NewSymDense(2, nil)
	u := make([]float64, 2)
	uv := mat.NewVecDense(2, u)
	for _, a := range vals {
		for _, b := range vals {
			for _, c := range vals {
				for _, u0 := range vals {
					for _, u1 := range vals {
						h.SetSym(0, 0, a)
						h.SetSym(0, 1, b)
						h.SetSym(1, 1, c)
						u[0], u[1] = u0, u1
						if got, want := innerSym(h, u), mat.Inner(uv, h, uv); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
							t.Fatalf("H = [%v %v; %v %v], u = %v: %v, gonum %v", a, b, b, c, u, got, want)
						}
					}
				}
			}
		}
	}
}

// TestStateJSONIsTheMap's: a state writes and reads as the map of its
// vectors did.
func TestStateJSONIsTheMap(t *testing.T) {
	m := map[string][]float64{"v": {1, 2.5}, "eff_lr": {1e-9}, "m": nil, `q"<`: {3}}
	var s State
	for k, v := range m {
		s = insertSorted(s, NamedVec{k, v})
	}
	want, _ := json.Marshal(m)
	got, err := json.Marshal(s)
	if err != nil || string(got) != string(want) {
		t.Fatalf("state %s (%v), map %s", got, err, want)
	}
	var back State
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(back); string(again) != string(want) {
		t.Errorf("read back %s, want %s", again, want)
	}
}

// TestPointOfAllocs: a live point costs an allocation a chunk of its
// arena, not one a vector: a full Adam point (xy, grad, update, two state
// vectors, gᵀHg) on a 2-D objective is well under one allocation.
func TestPointOfAllocs(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1},
		Runs: []RunSpec{{Optimizer: "adam", Hyper: Hyper{Num: map[string]float64{"lr": 0.01}}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Runs[0]
	r.Step()
	r.Step()
	p := s.PointOf(0, r.Current(), Full)
	if p.GtHg == nil || len(p.State) < 2 || p.Update == nil {
		t.Fatalf("not a full point: %+v", p)
	}
	if n := testing.AllocsPerRun(1000, func() { s.PointOf(0, r.Current(), Full) }); n > 0.5 {
		t.Errorf("%.2f allocations a full point", n)
	}
}
