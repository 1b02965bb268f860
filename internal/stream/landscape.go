package stream

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

// landscapeMsg is a grid of loss values as POST /api/landscape answers it
// (row-major with y outermost), with its message type.
type landscapeMsg struct {
	Type string `json:"type"`
	*landscape.Grid
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
	if sc.Obj.Dim() != 2 {
		return nil, fielderr.New("objective", "a %d-dimensional objective has no plane to draw here yet", sc.Obj.Dim())
	}
	key := landscape.GridKey{Objective: landscape.SpecKey(sc.Request.Objective), X: v.X, Y: v.Y, NX: v.NX, NY: v.NY}
	if b, ok := s.encoded.get(key); ok {
		return b, nil
	}
	g, err := s.grids.Grid(ctx, key, sc.Obj)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(landscapeMsg{Type: "landscape", Grid: g})
	if err != nil {
		return nil, err
	}
	s.encoded.put(key, b)
	return b, nil
}
