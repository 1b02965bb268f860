package lessons

import (
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// Stage is one σ of a continuation (8.7.5): the tracked run's start and end
// on the blurred objective J_σ.
type Stage struct {
	Sigma float64   `json:"sigma"`
	Start []float64 `json:"start"`
	End   []float64 `json:"end"`
	Loss  float64   `json:"loss"` // J_σ(End)
	Steps int       `json:"steps"`
}

// Blurred builds the objective spec chooses, blurred at scale sigma: the
// same as asking landscape.New for spec with "blur": sigma. Errors are
// *fielderr.Error.
func Blurred(spec landscape.Spec, sigma float64) (landscape.Objective, error) {
	spec.Blur = sigma
	obj, _, err := landscape.New(spec)
	if err != nil {
		return nil, fielderr.Prefix("objective", err)
	}
	return obj, nil
}

// Track follows the continuation of a lesson with Sigmas: the lesson's
// first run descends J_σ for at most steps steps at each σ in turn, each
// stage starting where the last one ended, with fresh optimizer state.
// It returns one Stage per σ.
func (l Lesson) Track(steps int) ([]Stage, error) {
	if len(l.Sigmas) == 0 {
		return nil, fielderr.New("sigmas", "lesson %q is not a continuation", l.ID)
	}
	if len(l.Scene.Runs) == 0 {
		return nil, fielderr.New("scene.runs", "lesson %q has no run to track", l.ID)
	}
	start := l.Scene.Start
	if start == nil {
		info, ok := landscape.Lookup(l.Scene.Objective.ID)
		if !ok {
			return nil, fielderr.New("scene.start", "missing, and the objective suggests none")
		}
		start = info.Start
	}
	at := append([]float64(nil), start...)
	cfg := l.Scene.Runs[0].Config()
	out := make([]Stage, 0, len(l.Sigmas))
	for i, sigma := range l.Sigmas {
		obj, err := Blurred(l.Scene.Objective, sigma)
		if err != nil {
			return nil, fielderr.Prefix(fmt.Sprintf("sigmas[%d]", i), err)
		}
		run, err := optim.NewRun(obj, at, cfg, optim.SeedFor(l.Scene.Seed, i))
		if err != nil {
			return nil, fielderr.Prefix("scene.runs[0]", err)
		}
		st := run.Current()
		for k := 0; k < steps && !run.Done(); k++ {
			st = run.Step()
		}
		if st.Status == optim.Diverged {
			return nil, fmt.Errorf("lessons: %s: the tracked run diverged at σ = %g: %s", l.ID, sigma, st.Reason)
		}
		end := append([]float64(nil), st.Theta...)
		out = append(out, Stage{Sigma: sigma, Start: at, End: end, Loss: st.Loss, Steps: st.K})
		at = append([]float64(nil), end...)
	}
	return out, nil
}
