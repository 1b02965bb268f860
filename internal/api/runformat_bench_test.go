package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/wire"
)

// benchScenes are the run answers the form benchmarks encode: the four
// first-order racers of BenchmarkRun, and 100 000 Adam steps (the issue's
// script that asks for a long trajectory).
var benchScenes = []struct{ name, body string }{
	{"race4x1000", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 1000, "seed": 1,
		"runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}, {"optimizer": "momentum", "hyper": {"lr": 0.0005}},
		         {"optimizer": "nesterov", "hyper": {"lr": 0.0005}}, {"optimizer": "adam", "hyper": {"lr": 0.02}}]}`},
	{"adam100k", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 99999, "seed": 1,
		"runs": [{"optimizer": "adam", "hyper": {"lr": 0.0002}}]}`},
}

// BenchmarkRunForms measures, per point and in one run so the figures
// compare: the engine alone (Run.Step of every run, the reference), the
// scene (steps plus the points, no encoding), each encoder alone on the
// same points (encoding/json as the API used it before, the hand-written
// rows, columns, .npy), and whole requests through the router in each form;
// and the columns of ?fields=k,xy,loss (the scene, the encoder, requests).
func BenchmarkRunForms(b *testing.B) {
	for _, sc := range benchScenes {
		var req runRequest
		if e := decodeBytes([]byte(sc.body), &req); e != nil {
			b.Fatal(e)
		}
		build := func(b *testing.B) (*scene.Scene, int) {
			s, steps, e := prepareRun(req)
			if e != nil {
				b.Fatal(e)
			}
			return s, steps
		}
		s, steps := build(b)
		runs := s.RunAll(steps)
		points := 0
		for _, r := range runs {
			points += len(r.Points)
		}
		perPoint := func(b *testing.B, size int) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N)/float64(points), "µs/point")
			if size > 0 {
				b.ReportMetric(float64(size)/float64(points), "bytes/point")
			}
			b.ReportMetric(0, "ns/op")
		}
		b.Run(sc.name+"/engine", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, steps := build(b)
				b.StartTimer()
				for _, r := range s.Runs {
					for k := 0; k < steps && !r.Done(); k++ {
						r.Step()
					}
				}
			}
			perPoint(b, 0)
		})
		b.Run(sc.name+"/scene", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, steps := build(b)
				b.StartTimer()
				s.RunAll(steps)
			}
			perPoint(b, 0)
		})
		// The few fields a script plotting a trajectory asks for (?fields=k,xy,loss).
		few := scene.FieldK | scene.FieldXY | scene.FieldLoss
		b.Run(sc.name+"/scene/fields=k,xy,loss", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, steps := build(b)
				b.StartTimer()
				if _, err := s.RunFieldsContext(context.Background(), steps, few); err != nil {
					b.Fatal(err)
				}
			}
			perPoint(b, 0)
		})
		b.Run(sc.name+"/encode/encoding-json", func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(struct {
					Runs []scene.RunResult `json:"runs"`
				}{runs}); err != nil {
					b.Fatal(err)
				}
			}
			perPoint(b, buf.Len())
		})
		for _, enc := range []struct {
			name string
			f    func([]byte, []scene.RunResult) []byte
		}{{"rows", wire.AppendRuns}, {"columns", wire.AppendRunsColumns}, {"npy", wire.AppendNPY}} {
			b.Run(sc.name+"/encode/"+enc.name, func(b *testing.B) {
				var buf []byte
				for b.Loop() {
					buf = enc.f(buf[:0], runs)
				}
				perPoint(b, len(buf))
			})
		}
		b.Run(sc.name+"/encode/columns/fields=k,xy,loss", func(b *testing.B) {
			var buf []byte
			for b.Loop() {
				buf = wire.AppendRunsColumnsFields(buf[:0], runs, few)
			}
			perPoint(b, len(buf))
		})
		h := NewHandler(Options{})
		for _, form := range []string{"json", "columns", "npy", "columns&fields=k,xy,loss", "npy&fields=k,xy,loss"} {
			b.Run(sc.name+"/request/"+form, func(b *testing.B) {
				size := 0
				for b.Loop() {
					r := httptest.NewRequest("POST", "/api/run?format="+form, strings.NewReader(sc.body))
					r.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					if rec.Code != 200 {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
					size = rec.Body.Len()
				}
				perPoint(b, size)
			})
		}
	}
}
