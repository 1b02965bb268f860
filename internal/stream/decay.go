package stream

import (
	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/maps"
)

// The decay message (issue 11 §2): run i's eigen-component decay, its
// points θ₀ … θ_K (K its current step unless steps says otherwise) split
// along the Hessian's eigenvectors (internal/maps DecayJob). A 2-D run of at
// most maps.MaxDecaySteps steps replays and splits in about a millisecond
// (maps BenchmarkDecay), so it is answered at once, without a task or
// progress.

const msgDecay = "decay"

type decayMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	maps.DecayParams
}

type decayCmd struct {
	run int
	p   maps.DecayParams
}

func parseDecay(b []byte) (any, error) {
	var m decayMsg
	if err := strict(b, &m); err != nil {
		return nil, err
	}
	if m.Run == nil {
		return nil, fielderr.New("run", "missing: which run's decay (0, 1, ...)")
	}
	return decayCmd{run: *m.Run, p: m.DecayParams}, nil
}

// decayOut is the answer: the run and /api/decay's answer.
type decayOut struct {
	Type  string      `json:"type"`
	Run   int         `json:"run"`
	Decay *maps.Decay `json:"decay"`
}

func (e *engine) decay(c decayCmd) {
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	k := min(e.sc.Runs[c.run].Current().K, maps.MaxDecaySteps)
	j, err := maps.NewDecayJob(e.sc, c.run, c.p, k)
	if err != nil {
		e.sendErr(err)
		return
	}
	d, err := j.Compute()
	if err != nil {
		e.sendErr(err)
		return
	}
	e.send(msgDecay, decayOut{Type: "decay", Run: c.run, Decay: d})
}
