package zoo

import (
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

func TestRNNObjective(t *testing.T) {
	info, ok := Lookup("rnn")
	if !ok || !info.Projected || info.Dim != 16*16+3*16+1 {
		t.Fatalf("rnn in the catalogue: %v, %+v", ok, info)
	}
	cases := []struct {
		name  string
		spec  landscape.Spec
		field string
	}{
		{"T too long", landscape.Spec{ID: "rnn", Params: map[string]float64{"T": 101}}, "params.T"},
		{"T not whole", landscape.Spec{ID: "rnn", Params: map[string]float64{"T": 2.5}}, "params.T"},
		{"too much work", landscape.Spec{ID: "rnn", Params: map[string]float64{"hidden": 64, "T": 100, "sequences": 1000}}, "params.hidden"},
		{"unknown init", landscape.Spec{ID: "rnn", Options: map[string]string{"init": "zeros"}}, "options.init"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := New(tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %v, want one on %q", err, tc.field)
			}
		})
	}
}

// TestRNNTrainsOnShortSequences: on sequences of 3 the first sign is
// learnt: Adam takes the loss well below the ½ of predicting 0. A small
// network also gives its full Hessian (for Newton's method).
func TestRNNTrainsOnShortSequences(t *testing.T) {
	obj, _, m, err := New(landscape.Spec{ID: "rnn", Params: map[string]float64{"hidden": 8, "T": 3, "sequences": 32}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := obj.(landscape.Hessianer); !ok {
		t.Errorf("an RNN of %d parameters gives no Hessian", obj.Dim())
	}
	theta0, err := m.Init(1)
	if err != nil {
		t.Fatal(err)
	}
	run, err := optim.NewRun(obj, theta0, optim.Config{Optimizer: "adam", Hyper: map[string]float64{"lr": 0.03}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		run.Step()
	}
	if f := run.Current().Loss; !(f < 0.05) {
		t.Errorf("loss %g after 300 Adam steps on T = 3; want < 0.05", f)
	}
}
