package budget

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

func TestPool(t *testing.T) {
	p := New(1, 1, 2)
	ctx := context.Background()
	r1, err := p.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	// b waits in line for the one slot.
	got := make(chan error, 1)
	var r2 func()
	go func() {
		var err error
		r2, err = p.Acquire(ctx, "b")
		got <- err
	}()
	for p.Stats().Waiting != 1 {
	}
	// The line is full: c is refused at once, not queued.
	if _, err := p.Acquire(ctx, "c"); !errors.Is(err, ErrBusy) {
		t.Errorf("a third client: %v, want ErrBusy", err)
	}
	r1()
	r1() // releasing twice frees one slot only
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Running != 1 || s.Waiting != 0 || s.Clients != 1 {
		t.Errorf("stats %+v after the hand-over, want 1 running, none waiting, 1 client", s)
	}
	r2()
	if s := p.Stats(); s != (Stats{}) {
		t.Errorf("stats %+v when idle, want zeros", s)
	}
}

func TestPerClient(t *testing.T) {
	p := New(4, 4, 2)
	ctx := context.Background()
	ra, _ := p.Acquire(ctx, "a")
	rb, _ := p.Acquire(ctx, "a")
	if _, err := p.Acquire(ctx, "a"); !errors.Is(err, ErrClientBusy) {
		t.Errorf("a third request of one client: %v, want ErrClientBusy", err)
	}
	if r, err := p.Acquire(ctx, "b"); err != nil {
		t.Errorf("another client refused: %v", err)
	} else {
		r()
	}
	ra()
	rb()
}

func TestWaitEndsWithTheContext(t *testing.T) {
	p := New(1, 4, 4)
	r, _ := p.Acquire(context.Background(), "a")
	defer r()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Acquire(ctx, "b"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: %v", err)
	}
	if s := p.Stats(); s.Waiting != 0 || s.Clients != 1 {
		t.Errorf("stats %+v after a cancelled wait, want it forgotten", s)
	}
}

func TestShareLeavesACore(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	if w := Workers(context.Background()); w != procs {
		t.Errorf("workers outside a slot: %d, want GOMAXPROCS %d", w, procs)
	}
	for _, slots := range []int{1, 2, 3, 1000} {
		share := New(slots, 0, 1).Share()
		if share < 1 || (slots < procs && share*slots > procs-1) {
			t.Errorf("%d slots on %d cores: a share of %d leaves no core free", slots, procs, share)
		}
		if w := Workers(WithWorkers(context.Background(), share)); w != share {
			t.Errorf("workers in a slot of %d slots: %d, want %d", slots, w, share)
		}
	}
	if w := Workers(WithWorkers(context.Background(), 0)); w != 1 {
		t.Errorf("a share of 0: %d workers, want 1", w)
	}
}

// TestWait: Wait does not refuse a client over its share or a full line;
// it takes a slot once a hold ends, or gives up when its context ends, and
// the counters record the grants within the bounds.
func TestWait(t *testing.T) {
	p := New(1, 0, 1)
	ctx := context.Background()
	r1, err := p.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Acquire(ctx, "a"); !errors.Is(err, ErrClientBusy) {
		t.Fatalf("a second hold of a: %v, want ErrClientBusy", err)
	}
	got := make(chan error, 2)
	var r2 func()
	go func() {
		var err error
		r2, err = p.Wait(ctx, "a") // over its share: waits
		got <- err
	}()
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		_, err := p.Wait(cctx, "b") // the line is full (wait 0): joins it all the same
		got <- err
	}()
	for p.Stats().Waiting != 1 {
	}
	if _, err := p.Acquire(ctx, "c"); !errors.Is(err, ErrBusy) {
		t.Errorf("Acquire behind a full line: %v, want ErrBusy", err)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled Wait: %v, want context.Canceled", err)
	}
	r1()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	r2()
	if s := p.Stats(); s != (Stats{}) {
		t.Errorf("stats %+v after both released, want zero", s)
	}
	if c := p.Counters(); c != (Counters{Admitted: 2, PeakRunning: 1, PeakClient: 1}) {
		t.Errorf("counters %+v, want 2 admitted, at most 1 running, 1 per client", c)
	}
}
