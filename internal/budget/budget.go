// Package budget bounds heavy work: a Pool runs at most a few expensive
// computations at once, lets a bounded line wait for a turn, and caps how
// many one client may hold, so a loop of expensive requests cannot take the
// cores from small requests and live sessions.
package budget

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Errors of Acquire.
var (
	// ErrBusy: the line of waiting work is full; try again shortly.
	ErrBusy = errors.New("budget: the server is busy with heavy work")
	// ErrClientBusy: this client already has its share running or waiting.
	ErrClientBusy = errors.New("budget: too much heavy work from this client at once")
)

// Pool hands out slots for heavy work.
type Pool struct {
	slots     chan struct{}
	maxWait   int
	perClient int

	mu      sync.Mutex
	waiting int
	held    map[string]int // running or waiting, by client
	// changed is closed (and replaced) whenever a hold ends or a waiter
	// leaves the line, to wake Wait's callers.
	changed chan struct{}
	counts  Counters
}

// New returns a pool of slots running at once, at most wait more in line,
// and at most perClient running or waiting for one client.
func New(slots, wait, perClient int) *Pool {
	if slots < 1 || wait < 0 || perClient < 1 {
		panic("budget: New needs slots ≥ 1, wait ≥ 0, perClient ≥ 1")
	}
	return &Pool{slots: make(chan struct{}, slots), maxWait: wait, perClient: perClient, held: map[string]int{}, changed: make(chan struct{})}
}

// Acquire takes a slot for client, waiting in line until one frees or ctx
// ends. It never waits when the line is full (ErrBusy) or the client holds
// its share (ErrClientBusy). release must be called once the work is done.
func (p *Pool) Acquire(ctx context.Context, client string) (release func(), err error) {
	return p.acquire(ctx, client, false)
}

// acquire is Acquire; queue: join the line even when it is full.
func (p *Pool) acquire(ctx context.Context, client string, queue bool) (release func(), err error) {
	p.mu.Lock()
	if p.held[client] >= p.perClient {
		p.mu.Unlock()
		return nil, ErrClientBusy
	}
	select {
	case p.slots <- struct{}{}:
		p.held[client]++
		p.admitted(client)
		p.mu.Unlock()
		return p.releaser(client), nil
	default:
	}
	if p.waiting >= p.maxWait && !queue {
		p.mu.Unlock()
		return nil, ErrBusy
	}
	p.waiting++
	p.held[client]++
	p.mu.Unlock()

	select {
	case p.slots <- struct{}{}:
		p.mu.Lock()
		p.waiting--
		p.admitted(client)
		p.wake()
		p.mu.Unlock()
		return p.releaser(client), nil
	case <-ctx.Done():
		p.mu.Lock()
		p.waiting--
		p.drop(client)
		p.mu.Unlock()
		return nil, ctx.Err()
	}
}

// Wait is Acquire for work that is not refused but waits its turn (a
// live session's task: the page asked once and is not retrying): it joins
// the line even when the line is full (such work is bounded by its
// callers: a session has a task of each kind at most), in order, and
// while client holds its share it waits for one of its holds to end
// instead of failing. It returns an error only when ctx ends.
func (p *Pool) Wait(ctx context.Context, client string) (release func(), err error) {
	for {
		p.mu.Lock()
		changed := p.changed
		p.mu.Unlock()
		release, err := p.acquire(ctx, client, true)
		if !errors.Is(err, ErrClientBusy) {
			return release, err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// admitted counts a granted slot; called with mu held.
func (p *Pool) admitted(client string) {
	c := &p.counts
	c.Admitted++
	c.PeakRunning = max(c.PeakRunning, len(p.slots))
	c.PeakClient = max(c.PeakClient, p.held[client])
}

// wake tells Wait's callers that a hold ended; called with mu held.
func (p *Pool) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Pool) releaser(client string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			<-p.slots
			p.mu.Lock()
			p.drop(client)
			p.mu.Unlock()
		})
	}
}

// drop forgets one of client's holds; called with mu held.
func (p *Pool) drop(client string) {
	if p.held[client]--; p.held[client] <= 0 {
		delete(p.held, client)
	}
	p.wake()
}

// Stats are the pool's counts now.
type Stats struct{ Running, Waiting, Clients int }

// Stats returns the pool's counts.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Running: len(p.slots), Waiting: p.waiting, Clients: len(p.held)}
}

// Counters are what the pool has granted since New: Admitted slots in all,
// the most running at once (PeakRunning ≤ slots), and the most one client
// held running or waiting when it was granted one (PeakClient ≤ perClient).
// Tests read them to see heavy work went through the pool within bounds.
type Counters struct{ Admitted, PeakRunning, PeakClient int }

// Counters returns the pool's counters.
func (p *Pool) Counters() Counters {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// workersKey carries a slot's share of cores in a context.
type workersKey struct{}

// WithWorkers returns ctx saying that work under it may spread over at
// most n goroutines (n ≥ 1).
func WithWorkers(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, workersKey{}, max(1, n))
}

// Workers returns how many goroutines parallel work under ctx may spread
// over: the share WithWorkers set (a heavy slot's), else GOMAXPROCS.
func Workers(ctx context.Context) int {
	if n, ok := ctx.Value(workersKey{}).(int); ok {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// Share is how many cores each of the pool's slots may use so that one
// core stays free for small requests and live sessions: the cores but one,
// divided among the slots (at least one each).
func (p *Pool) Share() int {
	return max(1, (runtime.GOMAXPROCS(0)-1)/cap(p.slots))
}
