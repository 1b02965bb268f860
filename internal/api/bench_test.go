package api

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkRun is POST /api/run through the whole router: 4 runs × 1000
// steps on Rosenbrock, decoded, stepped and encoded. It reports the size of
// the answer per point, the figure that decides what a request may ask for.
func BenchmarkRun(b *testing.B) {
	const body = `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 1000, "seed": 1,
		"runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}, {"optimizer": "momentum", "hyper": {"lr": 0.0005}},
		         {"optimizer": "nesterov", "hyper": {"lr": 0.0005}}, {"optimizer": "adam", "hyper": {"lr": 0.02}}]}`
	h := NewHandler(Options{})
	var size, points int
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/run", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		size = rec.Body.Len()
		if points == 0 {
			var ans runAnswer
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
				b.Fatal(err)
			}
			for _, r := range ans.Runs {
				points += len(r.Points)
			}
		}
	}
	b.ReportMetric(float64(size)/float64(points), "bytes/point")
	b.ReportMetric(float64(points), "points/op")
}

// BenchmarkLandscape is POST /api/landscape of a 256×256 Rosenbrock grid,
// each request a new range so the cache never answers: evaluation on every
// core plus encoding 65 536 numbers.
func BenchmarkLandscape(b *testing.B) {
	h := NewHandler(Options{})
	var size int
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"objective": {"id": "rosenbrock"}, "x": [-2, %v], "y": [-1, 3], "nx": 256, "ny": 256}`, 2+float64(i)*1e-9)
		req := httptest.NewRequest("POST", "/api/landscape", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size)/(256*256), "bytes/value")
}
