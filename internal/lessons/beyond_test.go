package lessons

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// factorised is what the claims need of the matrix factorisation.
type factorised interface {
	Target() []float64
	Shape() (m, n, k int)
	SingularValues() []float64
}

// fitTrace steps every run of variant vi for the lesson's steps, keeping
// full θ (the points of a projected scene carry only plane coordinates).
// For each run it records, for each singular value σᵢ of the target, the
// first step at which the product's component along the target's singular
// pair, uᵢᵀW₁W₂vᵢ, is within 20% of σᵢ (0: never), and at the end the
// product's singular values and the loss.
type fitTrace struct {
	id     string
	run    *optim.Run
	first  []int
	fitAt  func(k int) []bool // which σᵢ were fitted by step k
	final  []float64          // singular values of W₁W₂ at the end
	loss   float64
	values map[string]float64 // the run's hyperparameters
}

func traceFits(t *testing.T, l Lesson, vi int) ([]fitTrace, []float64) {
	t.Helper()
	sc, err := scene.Build(l.Request(vi))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Obj.(factorised)
	if !ok {
		t.Fatalf("%s is not a matrix factorisation", sc.Info.ID)
	}
	m, n, k := f.Shape()
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(m, n, f.Target()), mat.SVDThin) {
		t.Fatal("SVD of the target failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sigma := f.SingularValues()
	var out []fitTrace
	for _, r := range sc.Runs {
		tr := fitTrace{id: r.Info().ID, run: r, first: make([]int, len(sigma)), values: r.Config().Hyper}
		var p mat.Dense
		for s := 1; s <= l.Steps; s++ {
			st := r.Step()
			p.Mul(mat.NewDense(m, k, st.Theta[:m*k]), mat.NewDense(k, n, st.Theta[m*k:]))
			for i, sg := range sigma {
				if fit := mat.Inner(u.ColView(i), &p, v.ColView(i)); tr.first[i] == 0 && math.Abs(fit-sg) < 0.2*sg {
					tr.first[i] = s
				}
			}
		}
		var ps mat.SVD
		ps.Factorize(&p, mat.SVDNone)
		tr.final, tr.loss = ps.Values(nil)[:len(sigma)], r.Current().Loss
		first := tr.first
		tr.fitAt = func(k int) []bool {
			b := make([]bool, len(first))
			for i, s := range first {
				b[i] = s > 0 && s <= k
			}
			return b
		}
		out = append(out, tr)
	}
	return out, sigma
}

func ascending(s []int) bool {
	for i := 1; i < len(s); i++ {
		if !(s[i-1] > 0 && s[i-1] < s[i]) {
			return false
		}
	}
	return s[len(s)-1] > 0
}

// After the chapter: Muon fits the target's singular values smallest
// first, Adam, AdamW and Lion largest first; at the cue's step Muon has the
// two smallest and Adam only the largest; at the end Adam has converged
// while Muon and Lion hover (steps of a fixed size) and AdamW's decay keeps
// it above Adam. The variant: Adam with L2 ends at the nuclear-norm
// solution, every singular value shrunk by λ; AdamW with the same λ stays
// within λ/4 of the target's.
func TestClaimBeyondTheChapter(t *testing.T) {
	l := mustGet(t, "beyond-the-chapter")
	runs, sigma := traceFits(t, l, -1)
	if len(runs) != 4 || runs[0].id != "adam" || runs[1].id != "adamw" || runs[2].id != "lion" || runs[3].id != "muon" {
		t.Fatalf("runs %v, want adam, adamw, lion, muon", runs)
	}
	if !(sigma[0] > sigma[1] && sigma[1] > sigma[2]) {
		t.Fatalf("target singular values %v, want three falling", sigma)
	}
	adam, adamw, lion, muon := runs[0], runs[1], runs[2], runs[3]
	for _, r := range []fitTrace{adam, adamw, lion} {
		if !ascending(r.first) {
			t.Errorf("%s fitted σ = %v at steps %v: want the largest first, each fitted", r.id, sigma, r.first)
		}
	}
	rev := []int{muon.first[2], muon.first[1], muon.first[0]}
	if !ascending(rev) {
		t.Errorf("muon fitted σ = %v at steps %v: want the smallest first", sigma, muon.first)
	}
	for _, r := range []fitTrace{adam, adamw, lion} {
		if r.first[2] <= muon.first[2] {
			t.Errorf("%s fitted the smallest σ at step %d, Muon at %d: Muon should be first", r.id, r.first[2], muon.first[2])
		}
	}
	cue := l.Script[1]
	if got := muon.fitAt(cue.At); got[0] || !got[1] || !got[2] {
		t.Errorf("at the cue's step %d Muon has fitted %v of σ = %v, want the two smallest only (first fits %v)", cue.At, got, sigma, muon.first)
	}
	if got := adam.fitAt(cue.At); !got[0] || got[1] || got[2] {
		t.Errorf("at the cue's step %d Adam has fitted %v of σ = %v, want the largest only (first fits %v)", cue.At, got, sigma, adam.first)
	}
	if cue := l.Script[2]; !adam.fitAt(cue.At)[2] || !lion.fitAt(cue.At)[2] || !adamw.fitAt(cue.At)[2] {
		t.Errorf("by the cue's step %d Adam, AdamW and Lion should have fitted all three: %v, %v, %v", cue.At, adam.first, adamw.first, lion.first)
	}
	if adam.loss > 1e-9 {
		t.Errorf("Adam's loss after %d steps %g: want it settled (≤ 1e-9)", l.Steps, adam.loss)
	}
	for _, r := range []fitTrace{lion, muon} {
		if r.loss < 1e4*adam.loss || r.loss < 1e-6 {
			t.Errorf("%s's loss %g against Adam's %g: want it hovering well above", r.id, r.loss, adam.loss)
		}
		if r.loss > sigma[2]*sigma[2]/2 {
			t.Errorf("%s's loss %g: want it near the minimum all the same (below ½·0.1² = %g)", r.id, r.loss, sigma[2]*sigma[2]/2)
		}
	}
	if !(adamw.loss > adam.loss) {
		t.Errorf("AdamW's loss %g, Adam's %g: the decay should hold AdamW above", adamw.loss, adam.loss)
	}

	variant, _ := traceFits(t, l, 0)
	l2, dec := variant[0], variant[1]
	if l2.id != "adamw" || dec.id != "adamw" {
		t.Fatalf("variant runs %s, %s", l2.id, dec.id)
	}
	lambda := l2.values["weight_decay"]
	if lambda == 0 || dec.values["weight_decay"] != lambda || l.Variants[0].Runs[0].Hyper.Choice["decay"] != "l2" {
		t.Fatalf("variant: λ = %g and %g, couplings %v", lambda, dec.values["weight_decay"], l.Variants[0].Runs)
	}
	for i, sg := range sigma {
		if want := math.Max(sg-lambda, 0); math.Abs(l2.final[i]-want) > 1e-3 {
			t.Errorf("Adam with L2: singular value %d = %g, want max(σ − λ, 0) = %g", i, l2.final[i], want)
		}
		if math.Abs(dec.final[i]-sg) > lambda/4 {
			t.Errorf("AdamW: singular value %d = %g, want within λ/4 of σ = %g", i, dec.final[i], sg)
		}
	}
}
