package stream

import (
	"errors"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
)

func pts(run, from, to int) []scene.Point {
	var out []scene.Point
	for k := from; k <= to; k++ {
		out = append(out, scene.Point{Run: run, K: k, XY: []float64{float64(k), 0}})
	}
	out[len(out)-1].Grad = []float64{1, 1} // the newest carries full detail
	out[len(out)-1].LR = 0.1
	return out
}

func TestOutboxMergesWaitingFrames(t *testing.T) {
	o := newOutbox(8, 100)
	o.pushFrame(&frame{t: 1, runs: [][]scene.Point{pts(0, 1, 3), pts(1, 1, 3)}})
	o.pushFrame(&frame{t: 2, runs: [][]scene.Point{pts(0, 4, 5), nil}})
	items := o.take()
	if len(items) != 1 {
		t.Fatalf("two waiting frames became %d messages, want 1", len(items))
	}
	f := items[0].frame
	if f.t != 1 {
		t.Errorf("merged frame's time %v, want the older frame's 1 (lag is measured from the oldest point)", f.t)
	}
	r0 := f.runs[0]
	if len(r0) != 5 || r0[4].K != 5 || r0[4].Grad == nil {
		t.Errorf("run 0: %d points ending at k=%d, want 5 ending at 5 with full detail", len(r0), r0[len(r0)-1].K)
	}
	if r0[2].Grad != nil || r0[2].LR != 0 {
		t.Error("the older frame's last point kept its full detail inside the merged frame")
	}
	if r1 := f.runs[1]; len(r1) != 3 || r1[2].Grad == nil {
		t.Error("run 1, with no new points, lost its newest point's detail")
	}
	if st := o.stats(); st.Merges != 1 || st.Pending != 0 || st.Peak != 8 {
		t.Errorf("counters %+v: want 1 merge, 0 pending after take, peak 8", st)
	}
}

func TestOutboxThinsToItsBound(t *testing.T) {
	const bound = 64
	o := newOutbox(8, bound)
	for k := 1; k <= 10_000; k += 100 {
		o.pushFrame(&frame{runs: [][]scene.Point{pts(0, k, k+99)}})
		if st := o.stats(); st.Pending > bound {
			t.Fatalf("after k=%d: %d points wait, bound %d", k+99, st.Pending, bound)
		}
	}
	r := o.take()[0].frame.runs[0]
	if r[len(r)-1].K != 10_000 || r[0].K != 1 {
		t.Errorf("thinned run spans k=%d..%d, want 1..10000 (first and newest kept)", r[0].K, r[len(r)-1].K)
	}
	for i := 1; i < len(r); i++ {
		if r[i].K <= r[i-1].K {
			t.Fatalf("thinning reordered points: k=%d after k=%d", r[i].K, r[i-1].K)
		}
	}
}

func TestOutboxKeepsOrderAndBoundsMessages(t *testing.T) {
	o := newOutbox(4, 100)
	o.pushFrame(&frame{runs: [][]scene.Point{pts(0, 1, 2)}})
	o.pushMsg("status", []byte("s"))
	o.pushFrame(&frame{runs: [][]scene.Point{pts(0, 0, 0)}}) // after a reset: not merged into k=1..2
	o.pushMsg("landscape", []byte("L1"))
	if err := o.pushMsg("landscape", []byte("L2")); err != nil {
		t.Fatalf("a newer landscape should replace the waiting one: %v", err)
	}
	items := o.take()
	if len(items) != 4 || items[1].kind != "status" || items[2].frame.runs[0][0].K != 0 || string(items[3].msg) != "L2" {
		t.Fatalf("queue after take: %+v", items)
	}
	for i := range 4 {
		if err := o.pushMsg("error", []byte{byte(i)}); err != nil {
			t.Fatalf("message %d of 4: %v", i, err)
		}
	}
	if err := o.pushMsg("error", []byte("5")); !errors.Is(err, errOverflow) {
		t.Errorf("fifth waiting message: %v, want errOverflow", err)
	}
}
