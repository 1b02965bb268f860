package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/budget"
)

// A landscape whose work is over MaxLandscapeWork is refused before any of
// it is done, with the limit and a grid that fits; the same expression on a
// coarser grid is answered.
func TestLandscapeOverItsBudget(t *testing.T) {
	terms := make([]string, 40)
	for i := range terms {
		terms[i] = "sin(3*x)*cos(2*y)"
	}
	e := strings.Join(terms, "+")
	h := testHandler(t)
	rec := do(t, h, "POST", "/api/landscape", `{"objective": {"expr": "`+e+`"}, "nx": 1024, "ny": 1024}`)
	if rec.Code != 400 {
		t.Fatalf("a 1024² grid of a %d-character expression: %d, want 400: %s", len(e), rec.Code, rec.Body)
	}
	var ans errAnswer
	decodeBody(t, rec, &ans)
	if ans.Field != "nx" || !strings.Contains(ans.Error, "limit") || !strings.Contains(ans.Error, "at most") {
		t.Errorf("error %q on %q, want one on nx naming the limit and a grid that fits", ans.Error, ans.Field)
	}
	if rec := do(t, h, "POST", "/api/landscape", `{"objective": {"expr": "`+e+`"}, "nx": 256, "ny": 256}`); rec.Code != 200 {
		t.Errorf("a 256² grid of it: %d, want 200: %.200s", rec.Code, rec.Body)
	}
}

// Heavy requests beyond a client's share get 429, beyond the pool's line
// 503, both with Retry-After; small ones never wait on the pool.
func TestHeavyWorkIsBounded(t *testing.T) {
	pool := budget.New(1, 0, 1)
	h := NewHandler(Options{Heavy: pool})
	release, err := pool.Acquire(context.Background(), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	spectrum := `{"objective": {"id": "hd_quadratic", "params": {"n": 50}}, "seed": 1, "k": 2}`
	for _, tt := range []struct {
		remote string
		status int
	}{{"192.0.2.1:5000", 429}, {"192.0.2.2:5000", 503}} {
		req := httptest.NewRequest("POST", "/api/spectrum", strings.NewReader(spectrum))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = tt.remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status || rec.Header().Get("Retry-After") == "" {
			t.Errorf("spectrum from %s while the pool is full: %d (Retry-After %q), want %d with Retry-After: %s",
				tt.remote, rec.Code, rec.Header().Get("Retry-After"), tt.status, rec.Body)
		}
	}
	// A 100-step run and a small landscape do not need the pool.
	if rec := do(t, h, "POST", "/api/run", `{"objective": {"id": "rosenbrock"}, "steps": 100, "runs": [{"optimizer": "gd"}]}`); rec.Code != 200 {
		t.Errorf("a small run while the pool is full: %d", rec.Code)
	}
	if rec := do(t, h, "POST", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "nx": 64, "ny": 64}`); rec.Code != 200 {
		t.Errorf("a small landscape while the pool is full: %d", rec.Code)
	}
}

// slotWatcher records whether the heavy pool still held a slot when the
// answer's header was written.
type slotWatcher struct {
	http.ResponseWriter
	pool         *budget.Pool
	heldAtHeader int
}

func (s *slotWatcher) WriteHeader(code int) {
	s.heldAtHeader = s.pool.Stats().Running
	s.ResponseWriter.WriteHeader(code)
}

// TestHeavySlotFreeBeforeWriting: a heavy answer is encoded in its slot
// and written after the slot is freed, so a client that reads slowly does
// not hold the pool.
func TestHeavySlotFreeBeforeWriting(t *testing.T) {
	pool := budget.New(1, 0, 1)
	h := NewHandler(Options{Heavy: pool})
	for _, body := range []struct{ path, body string }{
		{"/api/spectrum", `{"objective": {"id": "hd_quadratic", "params": {"n": 50}}, "seed": 1, "k": 2}`},
		{"/api/landscape", `{"objective": {"expr": "sin(3*x)*cos(y)+sin(5*x)*cos(2*y)"}, "nx": 1024, "ny": 1024}`},
		{"/api/run", `{"objective": {"id": "rosenbrock"}, "steps": 30000, "runs": [{"optimizer": "gd"}]}`},
	} {
		req := httptest.NewRequest("POST", body.path, strings.NewReader(body.body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		sw := &slotWatcher{ResponseWriter: rec, pool: pool, heldAtHeader: -1}
		h.ServeHTTP(sw, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", body.path, rec.Code, rec.Body)
		}
		if sw.heldAtHeader != 0 {
			t.Errorf("%s: %d heavy slots held while the answer was written, want 0 (encoded in the slot, written after)", body.path, sw.heldAtHeader)
		}
	}
}
