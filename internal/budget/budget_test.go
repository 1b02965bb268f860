package budget

import (
	"context"
	"errors"
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
