package maps

import (
	"container/list"
	"encoding/json"
	"sync"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// CacheEntries is how many finished maps Shared keeps.
const CacheEntries = 64

// Cache keeps the encoded answers of finished maps by the canonical
// request, least recently used out, so the same map asked again (a page
// reloaded, a class opening one permalink, the API's GET form) is not
// computed again. A 128×128 basins answer is about 150 KB.
type Cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheItem, most recent first
	items map[string]*list.Element
}

type cacheItem struct {
	key string
	val []byte
}

// NewCache returns a cache of at most n answers.
func NewCache(n int) *Cache {
	return &Cache{max: max(1, n), order: list.New(), items: map[string]*list.Element{}}
}

// Shared is the process's cache of maps, used by the API and the WebSocket.
var Shared = NewCache(CacheEntries)

// Get returns the answer stored under key.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheItem).val, true
}

// Put stores an answer; the caller must not modify val afterwards.
func (c *Cache) Put(key string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*cacheItem).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheItem{key, val})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheItem).key)
	}
}

// Key names the job's answer in a Cache.
func (j *HyperJob) Key() string {
	return cacheKey("hypermap", j.sc, j.cfg, j.sc.Start, j.Canonical)
}

// Key names the job's answer in a Cache.
func (j *BasinJob) Key() string {
	return cacheKey("basins", j.sc, j.cfg, nil, j.Canonical)
}

// cacheKey is the objective, start, seed, the run's settings and the map's
// resolved parameters, as JSON.
func cacheKey(kind string, sc *scene.Scene, cfg optim.Config, start []float64, params any) string {
	b, err := json.Marshal(struct {
		Kind      string
		Objective landscape.Spec
		Start     []float64
		Seed      uint64
		Config    optim.Config
		Params    any
	}{kind, sc.Request.Objective, start, sc.Request.Seed, cfg, params})
	if err != nil {
		panic("maps: a cache key: " + err.Error())
	}
	return string(b)
}
