package api

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"runtime"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Heavy work (large landscapes, planes of projected models, spectra,
// interpolations, long runs) goes through one budget.Pool, so a loop of
// expensive requests cannot take the cores from /healthz, small runs and
// live sessions: HeavySlots run at once, HeavyWaiting more wait in line
// (503 beyond), and one client (by IP address) holds at most
// HeavyPerClient running or waiting (429 beyond). A landscape whose
// estimated work is over MaxLandscapeWork is refused before any of it is
// done.
const (
	HeavyWaiting   = 32
	HeavyPerClient = 2
	// MaxLandscapeWork bounds one 2-D landscape, in evaluations of one
	// expression node: nx·ny·(nodes of the expression, or 20 for a built-in
	// objective)·(the blur rule's evaluations). About 0.75 s on the
	// development machine's two cores: a 1024² grid of an expression of up
	// to 238 nodes, or 512² of any expression.
	MaxLandscapeWork = 2.5e8
	// cheapLandscapeWork and cheapRunPoints are below the pool: they take
	// a few milliseconds.
	cheapLandscapeWork = 4e6
	cheapRunPoints     = 20_000
	builtinNodes       = 20
)

// HeavySlots is how many heavy computations run at once: half the cores
// (at least one), since each grid already spreads over every core; the
// rest is left to small requests and live sessions.
var HeavySlots = max(1, runtime.GOMAXPROCS(0)/2)

// landscapeWork estimates a 2-D landscape's work in node evaluations.
func landscapeWork(spec landscape.Spec, obj landscape.Objective, nx, ny int) float64 {
	nodes := float64(builtinNodes)
	if e, ok := obj.(interface{ Unblurred() landscape.Objective }); ok {
		obj = e.Unblurred()
	}
	if f, ok := obj.(interface{ Nodes() int }); ok {
		nodes = float64(max(f.Nodes(), 1))
	}
	work := float64(nx) * float64(ny) * nodes
	if spec.Blur > 0 {
		work *= float64(landscape.BlurEvals(spec.Blur, obj.Dim()))
	}
	return work
}

// checkLandscapeWork refuses a landscape over MaxLandscapeWork, saying how
// large a grid would fit.
func checkLandscapeWork(work float64, nx, ny int) *httpError {
	if work <= MaxLandscapeWork {
		return nil
	}
	side := int(math.Sqrt(MaxLandscapeWork / (work / float64(nx*ny))))
	return badRequest("nx", "this landscape would take about %.2g evaluations (%d×%d points); the limit is %.2g: ask for at most %d×%d points, a simpler expression or less blur",
		work, nx, ny, float64(MaxLandscapeWork), side, side)
}

// heavy takes a slot of the pool for *r's client, or answers 429 / 503
// (with Retry-After) and reports false. With a slot, *r becomes the
// request under a context that limits parallel work to the slot's share
// of the cores (budget.Share), so a grid running in it leaves a core to
// small requests. release (idempotent) must be called when the work is
// done; writeJSON calls it once the answer is encoded.
func (h *handlers) heavy(w http.ResponseWriter, rp **http.Request) (release func(), ok bool) {
	r := *rp
	client := r.RemoteAddr
	if host, _, err := net.SplitHostPort(client); err == nil {
		client = host
	}
	release, err := h.pool.Acquire(r.Context(), client)
	switch {
	case err == nil:
		*rp = r.WithContext(budget.WithWorkers(r.Context(), h.pool.Share()))
		return release, true
	case errors.Is(err, budget.ErrClientBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, &httpError{Status: http.StatusTooManyRequests, Offset: -1,
			Msg: fmt.Sprintf("this client already has %d heavy computations running or waiting; wait for one to finish", HeavyPerClient)})
	case errors.Is(err, budget.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, &httpError{Status: http.StatusServiceUnavailable, Offset: -1,
			Msg: "the server is busy with heavy computations; try again in a moment"})
	default:
		writeError(w, timeoutError(err))
	}
	return nil, false
}
