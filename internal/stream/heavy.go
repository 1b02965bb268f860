package stream

import (
	"context"
	"net"
	"runtime"
	"sync/atomic"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// A session's heavy tasks (spectra, interpolations, fidelity checks,
// hypermaps, basins, sharpness measurements, projected and blurred or
// large landscapes) go through the server's budget.Pool, the one the HTTP
// API's heavy routes use when cmd/server shares it: at most the pool's
// slots run at once, each on its share of the cores (budget.Share), so
// pages looping heavy tasks cannot take the cores from /healthz, small
// requests and the engines' stepping. A session runs at most
// HeavyPerSession of them at once, and one remote address (all its
// sessions and its HTTP requests) holds at most the pool's per-client
// share. Unlike an HTTP request, a task is never refused for that: it
// waits its turn (budget.Pool.Wait) until it gets one or is cancelled (a
// newer task of its name, a new scene, the page leaving).
const (
	HeavyPerSession       = 1
	DefaultHeavyWaiting   = 32
	DefaultHeavyPerClient = 2
	// cheapGridWork is the work (points × expression nodes) below which a
	// 2-D landscape is computed at once, outside the pool, as
	// /api/landscape does: a few milliseconds.
	cheapGridWork = 4e6
	builtinNodes  = 20
)

// DefaultHeavySlots is the pool's size when Options.Heavy is nil: half
// the cores (at least one), as the HTTP API's.
var DefaultHeavySlots = max(1, runtime.GOMAXPROCS(0)/2)

// heavyShare is one session's admission to heavy work.
type heavyShare struct {
	client string        // the pool's client: the page's IP address
	sem    chan struct{} // HeavyPerSession slots; nil: no session bound (tests)
	// running and peak count the session's admitted tasks, now and at
	// most (tests read peak).
	running, peak atomic.Int32
}

func newHeavyShare(remoteAddr string) heavyShare {
	client := remoteAddr
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		client = host
	}
	return heavyShare{client: client, sem: make(chan struct{}, HeavyPerSession)}
}

// admit waits for the session's turn and a slot of the pool; release
// (call it once) gives both back. It fails only when ctx ends.
func (e *engine) admit(ctx context.Context) (release func(), err error) {
	h := &heavyShare{}
	if e.ss != nil {
		h = &e.ss.heavy
	}
	if h.sem != nil {
		select {
		case h.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rel, err := e.srv.heavy.Wait(ctx, h.client)
	if err != nil {
		if h.sem != nil {
			<-h.sem
		}
		return nil, err
	}
	n := h.running.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	return func() {
		h.running.Add(-1)
		rel()
		if h.sem != nil {
			<-h.sem
		}
	}, nil
}

// heavyContext limits parallel work under ctx to a slot's share of the
// cores.
func (e *engine) heavyContext(ctx context.Context) context.Context {
	return budget.WithWorkers(ctx, e.srv.heavy.Share())
}

// heavyGrid reports whether a 2-D landscape of obj with nx×ny points is
// heavy: blurred (each point averages many evaluations), or over
// cheapGridWork node evaluations.
func heavyGrid(obj landscape.Objective, nx, ny int) bool {
	if _, ok := obj.(interface{ Unblurred() landscape.Objective }); ok {
		return true
	}
	nodes := builtinNodes
	if f, ok := obj.(interface{ Nodes() int }); ok {
		nodes = max(f.Nodes(), 1)
	}
	return float64(nx)*float64(ny)*float64(nodes) > cheapGridWork
}
