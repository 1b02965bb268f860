package api

import (
	"net/http"

	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// sharpnessRequest is the body of POST /api/sharpness (and the scene of
// its GET form): a scene of one run, stepped steps times, with the
// sharpness λmax(H(θₖ)) measured every every steps (the edge of stability).
type sharpnessRequest struct {
	scene.Request
	Steps *int `json:"steps"`
	Every *int `json:"every"`
}

// sharpnessResponse is the WebSocket's sharpness message without its type
// and queue counts.
type sharpnessResponse struct {
	Run int `json:"run"`
	*zoo.SharpnessTrace
}

// prepareSharpness checks a request, fills its defaults in and builds its
// scene.
func prepareSharpness(req *sharpnessRequest) (*scene.Scene, *httpError) {
	if len(req.Runs) != 1 {
		return nil, badRequest("runs", "give exactly one run whose sharpness to trace, got %d", len(req.Runs))
	}
	steps, every := DefaultSteps, zoo.DefaultSharpnessEvery
	if req.Steps != nil {
		steps = *req.Steps
	}
	if steps < 0 || steps > MaxSteps {
		return nil, badRequest("steps", "must be between 0 and %d, got %d", MaxSteps, steps)
	}
	if req.Every != nil {
		every = *req.Every
	}
	if err := zoo.CheckSharpness(steps, every); err != nil {
		return nil, userError(err)
	}
	req.Steps, req.Every = &steps, &every
	sc, err := scene.Build(req.Request)
	if err != nil {
		return nil, userError(err)
	}
	if _, err := zoo.NewSharpener(sc.Obj); err != nil {
		return nil, userError(err)
	}
	return sc, nil
}

func (h *handlers) sharpness(w http.ResponseWriter, r *http.Request) {
	var req sharpnessRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	h.answerSharpness(w, r, &req, false)
}

func (h *handlers) sharpnessGET(w http.ResponseWriter, r *http.Request) {
	body, e := sceneBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	var req sharpnessRequest
	if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	h.answerSharpness(w, r, &req, true)
}

// answerSharpness validates, then (for the GET form, unless the client has
// the answer) takes a heavy slot and traces the run.
func (h *handlers) answerSharpness(w http.ResponseWriter, r *http.Request, req *sharpnessRequest, cached bool) {
	sc, e := prepareSharpness(req)
	if e != nil {
		writeError(w, e)
		return
	}
	uncache := func() {}
	if cached {
		if cacheable(w, r, etagOf("sharpness", canonical(req))) {
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
	tr, err := zoo.Sharpness(r.Context(), sc.Obj, sc.Runs[0], *req.Steps, *req.Every, nil)
	if err != nil {
		uncache()
		writeError(w, gridError(err))
		return
	}
	writeJSON(w, http.StatusOK, sharpnessResponse{SharpnessTrace: tr})
}
