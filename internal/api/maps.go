package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
)

// POST /api/hypermap and /api/basins (issue 11): a hyperparameter map or a
// basins map of one run of a 2-D objective, computed by internal/maps, with
// GET forms like /api/landscape's. A map is heavy work: its cost in
// optimizer steps is estimated first and refused over maps.MaxWork; below
// cheapMapWork it skips the pool.
const cheapMapWork = 2e5

// mapScene is what both maps ask of the scene: an objective, a start
// (hyperparameter map) and one run, with the seed of its noise.
type mapScene struct {
	Objective landscape.Spec `json:"objective"`
	Start     []float64      `json:"start,omitempty"`
	Seed      uint64         `json:"seed,omitempty"`
	Run       scene.RunSpec  `json:"run"`
}

type hypermapRequest struct {
	mapScene
	maps.HyperParams
}

type basinsRequest struct {
	mapScene
	maps.BasinParams
}

// build validates the scene part, naming fields as the body has them.
func (m mapScene) build() (*scene.Scene, *httpError) {
	sc, err := scene.Build(scene.Request{Objective: m.Objective, Start: m.Start, Seed: m.Seed, Runs: []scene.RunSpec{m.Run}})
	if err != nil {
		var fe *fielderr.Error
		if errors.As(err, &fe) && strings.HasPrefix(fe.Field, "runs[0]") {
			cp := *fe
			cp.Field = "run" + strings.TrimPrefix(fe.Field, "runs[0]")
			return nil, fromFieldErr(&cp)
		}
		return nil, userError(err)
	}
	return sc, nil
}

// mapJob is a validated map of either kind.
type mapJob struct {
	endpoint  string
	canonical []byte
	key       string // in maps.Shared
	work      float64
	compute   func(ctx context.Context) (any, error)
}

func prepareHypermap(req hypermapRequest) (*mapJob, *httpError) {
	sc, e := req.build()
	if e != nil {
		return nil, e
	}
	j, err := maps.NewHyperJob(sc, 0, req.HyperParams)
	if err != nil {
		return nil, userError(err)
	}
	req.Start = sc.Start
	req.HyperParams = j.Canonical
	return &mapJob{endpoint: "hypermap", canonical: canonical(req), key: j.Key(), work: j.Work(),
		compute: func(ctx context.Context) (any, error) { return j.Compute(ctx, maps.Options{}) }}, nil
}

func prepareBasins(req basinsRequest) (*mapJob, *httpError) {
	if req.Start != nil {
		return nil, badRequest("start", "a basins map starts a run at every pixel of the view (x, y); leave start out")
	}
	sc, e := req.build()
	if e != nil {
		return nil, e
	}
	j, err := maps.NewBasinJob(sc, 0, req.BasinParams)
	if err != nil {
		return nil, userError(err)
	}
	req.BasinParams = j.Canonical
	return &mapJob{endpoint: "basins", canonical: canonical(req), key: j.Key(), work: j.Work(),
		compute: func(ctx context.Context) (any, error) { return j.Compute(ctx, maps.Options{}) }}, nil
}

// mapAnswer computes (or finds in maps.Shared) the job's answer; it returns
// false when it has already answered with an error.
func (h *handlers) mapAnswer(w http.ResponseWriter, r *http.Request, job *mapJob, cached bool) ([]byte, bool) {
	key := job.key
	if b, ok := maps.Shared.Get(key); ok {
		return b, true
	}
	if job.work > cheapMapWork {
		release, ok := h.heavy(w, &r)
		if !ok {
			if cached {
				w.Header().Del("ETag")
				w.Header().Del("Cache-Control")
			}
			return nil, false
		}
		defer release()
	}
	ans, err := job.compute(r.Context())
	if err != nil {
		if cached {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
		}
		writeError(w, gridError(err))
		return nil, false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ans); err != nil {
		writeError(w, userError(err))
		return nil, false
	}
	maps.Shared.Put(key, buf.Bytes())
	return buf.Bytes(), true
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func (h *handlers) hypermap(w http.ResponseWriter, r *http.Request) {
	var req hypermapRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareHypermap, false)
}

func (h *handlers) basins(w http.ResponseWriter, r *http.Request) {
	var req basinsRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareBasins, false)
}

func (h *handlers) hypermapGET(w http.ResponseWriter, r *http.Request) {
	var req hypermapRequest
	if body, e := sceneBody(r); e != nil {
		writeError(w, e)
		return
	} else if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareHypermap, true)
}

func (h *handlers) basinsGET(w http.ResponseWriter, r *http.Request) {
	var req basinsRequest
	if body, e := sceneBody(r); e != nil {
		writeError(w, e)
		return
	} else if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	serveMapOf(h, w, r, req, prepareBasins, true)
}

func serveMapOf[R any](h *handlers, w http.ResponseWriter, r *http.Request, req R, prepare func(R) (*mapJob, *httpError), get bool) {
	job, e := prepare(req)
	if e != nil {
		writeError(w, e)
		return
	}
	if get && cacheable(w, r, etagOf(job.endpoint, job.canonical)) {
		return
	}
	if b, ok := h.mapAnswer(w, r, job, get); ok {
		writeRaw(w, b)
	}
}
