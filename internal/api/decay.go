package api

import (
	"context"
	"net/http"

	"github.com/saddle-viz/saddle/internal/maps"
)

// POST /api/decay and its GET form (issue 11 §2): a run's eigen-component
// decay, computed by internal/maps and cached with the maps (maps.Shared).

type decayRequest struct {
	mapScene
	maps.DecayParams
}

func prepareDecay(req decayRequest) (*mapJob, *httpError) {
	sc, e := req.build()
	if e != nil {
		return nil, e
	}
	j, err := maps.NewDecayJob(sc, 0, req.DecayParams, maps.DefaultDecaySteps)
	if err != nil {
		return nil, userError(err)
	}
	req.Start = sc.Start
	req.DecayParams = j.Canonical
	return &mapJob{endpoint: "decay", canonical: canonical(req), key: j.Key(), work: 0, // at most 10⁶ weighted steps: never the pool
		compute: func(context.Context) (any, error) { return j.Compute() }}, nil
}

func (h *handlers) decay(w http.ResponseWriter, r *http.Request) {
	var req decayRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareDecay, false)
}

func (h *handlers) decayGET(w http.ResponseWriter, r *http.Request) {
	var req decayRequest
	if body, e := sceneBody(r); e != nil {
		writeError(w, e)
		return
	} else if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareDecay, true)
}
