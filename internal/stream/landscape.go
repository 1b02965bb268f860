package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/scene"
)

// landscapeMsg is a grid of loss values as POST /api/landscape answers it,
// row-major with y outermost.
type landscapeMsg struct {
	Type   string     `json:"type"`
	X      [2]float64 `json:"x"`
	Y      [2]float64 `json:"y"`
	NX     int        `json:"nx"`
	NY     int        `json:"ny"`
	Values []float64  `json:"values"`
	Min    float64    `json:"min"`
	Max    float64    `json:"max"`
}

// landscapeCache keeps the last few encoded landscape messages: a class on
// one lesson asks for the same grid hundreds of times.
type landscapeCache struct {
	mu    sync.Mutex
	order []string
	byKey map[string][]byte
}

const landscapeCacheSize = 16

func (c *landscapeCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.byKey[key]
	return b, ok
}

func (c *landscapeCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string][]byte{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= landscapeCacheSize {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, key)
	c.byKey[key] = b
}

// landscape returns the encoded landscape message of sc's objective over v.
func (s *Server) landscape(ctx context.Context, sc *scene.Scene, v viewMsg) ([]byte, error) {
	spec, err := json.Marshal(sc.Request.Objective)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%v|%v|%d|%d", spec, v.X, v.Y, v.NX, v.NY)
	if b, ok := s.grids.get(key); ok {
		return b, nil
	}
	m := landscapeMsg{Type: "landscape", X: v.X, Y: v.Y, NX: v.NX, NY: v.NY,
		Values: make([]float64, v.NX*v.NY), Min: math.Inf(1), Max: math.Inf(-1)}
	if sc.Obj.Dim() != 2 {
		return nil, fielderr.New("objective", "a %d-dimensional objective has no plane to draw yet", sc.Obj.Dim())
	}
	xy := make([]float64, 2)
	for j := range v.NY {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		xy[1] = v.Y[0] + (v.Y[1]-v.Y[0])*float64(j)/float64(v.NY-1)
		for i := range v.NX {
			xy[0] = v.X[0] + (v.X[1]-v.X[0])*float64(i)/float64(v.NX-1)
			f := sc.Obj.Value(xy)
			if !finite(f) {
				f = math.Copysign(math.MaxFloat64, f) // no NaN or Inf on the wire
				if math.IsNaN(f) {
					f = math.MaxFloat64
				}
			}
			m.Values[j*v.NX+i] = f
			m.Min, m.Max = math.Min(m.Min, f), math.Max(m.Max, f)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	s.grids.put(key, b)
	return b, nil
}
