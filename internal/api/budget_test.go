package api

import (
	"context"
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
