package stream

import (
	"context"
	"encoding/json"
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
