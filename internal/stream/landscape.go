package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// landscapeMsg is a grid of loss values as POST /api/landscape answers it
// (row-major with y outermost), with its message type.
type landscapeMsg struct {
	Type string `json:"type"`
	*landscape.Grid
	Plane *zoo.PlaneInfo `json:"plane,omitempty"` // a projected objective's, without its vectors
	// Partial marks a coarse pass of a projected landscape; the final one
	// has none.
	Partial bool `json:"partial,omitempty"`
}

// encodedCache keeps the last few encoded landscape messages: a class on
// one lesson asks for the same grid hundreds of times, and encoding a
// 256×256 grid costs more than computing it.
type encodedCache struct {
	mu    sync.Mutex
	order []landscape.GridKey
	byKey map[landscape.GridKey][]byte
}

const encodedCacheSize = 16

func (c *encodedCache) get(key landscape.GridKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.byKey[key]
	return b, ok
}

func (c *encodedCache) put(key landscape.GridKey, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[landscape.GridKey][]byte{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= encodedCacheSize {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, key)
	c.byKey[key] = b
}

// landscape returns the encoded landscape message of sc's objective over v.
// The bytes are shared: callers must not modify them.
func (s *Server) landscape(ctx context.Context, sc *scene.Scene, v viewMsg) ([]byte, error) {
	if sc.Obj.Dim() != 2 && !sc.Projected() {
		return nil, fielderr.New("objective", "a %d-dimensional objective has no plane to draw here", sc.Obj.Dim())
	}
	key := sc.GridKey(v.X, v.Y, v.NX, v.NY)
	if b, ok := s.encoded.get(key); ok {
		return b, nil
	}
	g, err := sc.Grid(ctx, s.grids, v.X, v.Y, v.NX, v.NY)
	if err != nil {
		return nil, err
	}
	m := landscapeMsg{Type: "landscape", Grid: g}
	if sc.View != nil {
		pi := sc.View.Info(false)
		m.Plane = &pi
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	s.encoded.put(key, b)
	return b, nil
}

// planeLandscape sends the landscape of a projected scene's current view:
// at once from the cache, or from a task that sends each coarse pass as a
// partial landscape, then the final one (which it caches), reporting
// progress point by point. It replaces any landscape task still running.
func (e *engine) planeLandscape() {
	e.stopTask(taskLandscape, false)
	sc, v := e.sc, e.view
	if err := zoo.CheckGrid(v.X, v.Y, v.NX, v.NY); err != nil {
		e.sendErr(err)
		return
	}
	key := sc.GridKey(v.X, v.Y, v.NX, v.NY)
	if b, ok := e.srv.encoded.get(key); ok {
		if err := e.out.pushMsg("landscape", b); err != nil {
			e.fail(err)
		}
		return
	}
	pi := sc.View.Info(false)
	note := fmt.Sprintf("%d×%d plane, coarse to fine", v.NX, v.NY)
	e.launch(taskLandscape, true, v.NX*v.NY, note, func(t *task) error {
		pass := func(g *landscape.Grid) {
			t.send("landscape", landscapeMsg{Type: "landscape", Grid: g, Plane: &pi, Partial: true}, false)
		}
		g, err := sc.View.GridPasses(t.ctx, e.srv.grids, v.X, v.Y, v.NX, v.NY, pass, t.count)
		if err != nil {
			return err
		}
		b, err := json.Marshal(landscapeMsg{Type: "landscape", Grid: g, Plane: &pi})
		if err != nil {
			return err
		}
		e.srv.encoded.put(key, b)
		t.sendBytes("landscape", b, true)
		return nil
	})
}
