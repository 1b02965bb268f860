package api

import (
	"net/http"

	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// honestRequest is the body of POST /api/honest (and the scene of its GET
// form): a scene of one run on a projected objective, stepped steps times,
// and the honest saddle at its end (issue 11 §5): the point on a random
// plane and on the Hessian's (q_max, q_min) plane, tr(H)/n beside λmin and
// λmax.
type honestRequest struct {
	scene.Request
	Steps *int `json:"steps"`
	zoo.HonestParams
}

// honestResponse is the WebSocket's honest message without its type.
type honestResponse struct {
	Run int `json:"run"`
	K   int `json:"k"`
	*zoo.Honest
}

// prepareHonest checks a request, fills its defaults in and builds its
// scene.
func prepareHonest(req *honestRequest) (*scene.Scene, *httpError) {
	if len(req.Runs) != 1 {
		return nil, badRequest("runs", "give exactly one run at whose end to look, got %d", len(req.Runs))
	}
	steps := DefaultSteps
	if req.Steps != nil {
		steps = *req.Steps
	}
	if steps < 0 || steps > MaxSteps {
		return nil, badRequest("steps", "must be between 0 and %d, got %d", MaxSteps, steps)
	}
	if err := req.HonestParams.Check(); err != nil {
		return nil, userError(err)
	}
	req.Steps = &steps
	req.HonestParams = req.HonestParams.Canonical()
	sc, err := scene.Build(req.Request)
	if err != nil {
		return nil, userError(err)
	}
	var m *zoo.Model
	if sc.View != nil {
		m = sc.View.Model
	}
	if err := zoo.CheckHonest(m, sc.Info.ID); err != nil {
		return nil, userError(err)
	}
	return sc, nil
}

func (h *handlers) honest(w http.ResponseWriter, r *http.Request) {
	var req honestRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	h.answerHonest(w, r, &req, false)
}

func (h *handlers) honestGET(w http.ResponseWriter, r *http.Request) {
	body, e := sceneBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	var req honestRequest
	if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	h.answerHonest(w, r, &req, true)
}

// answerHonest validates, then (for the GET form, unless the client has
// the answer) takes a heavy slot, steps the run and draws both planes.
func (h *handlers) answerHonest(w http.ResponseWriter, r *http.Request, req *honestRequest, cached bool) {
	sc, e := prepareHonest(req)
	if e != nil {
		writeError(w, e)
		return
	}
	uncache := func() {}
	if cached {
		if cacheable(w, r, etagOf("honest", canonical(req))) {
			return
		}
		uncache = func() {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
		}
	}
	release, ok := h.heavy(w, &r)
	if !ok {
		uncache()
		return
	}
	defer release()
	end, err := stepTo(r.Context(), sc.Runs[0], *req.Steps)
	if err != nil {
		uncache()
		writeError(w, timeoutError(err))
		return
	}
	theta := append([]float64(nil), end.Theta...)
	ans, err := zoo.ComputeHonest(r.Context(), sc.View.Model, theta, req.HonestParams, nil)
	if err != nil {
		uncache()
		writeError(w, gridError(err))
		return
	}
	writeJSON(w, http.StatusOK, honestResponse{K: end.K, Honest: ans}, release)
}
