package api

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/maps"
)

const hypermapBody = `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"},
	"x": {"name": "lr", "n": 24}, "y": {"name": "momentum", "n": 24}, "steps": 150}`

// A hyperparameter map of momentum on the quadratic valley answers its
// cells and the closed form, the optimum (ε*, α*) at its formula; the GET
// form answers the same bytes with validators.
func TestHypermap(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, "POST", "/api/hypermap", hypermapBody)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var m maps.HyperMap
	decodeBody(t, rec, &m)
	if m.Y == nil || len(m.Values) != 24*24 || len(m.Status) != 24*24 || m.Stride != 1 || m.Measure != "rate" {
		t.Fatalf("shape: y %+v, %d values, stride %d, measure %q", m.Y, len(m.Values), m.Stride, m.Measure)
	}
	th := m.Theory
	if th == nil || th.Optimum == nil {
		t.Fatal("no theory on the quadratic")
	}
	L, mu := th.LambdaMax, th.LambdaMin
	if want := 4 / math.Pow(math.Sqrt(L)+math.Sqrt(mu), 2); math.Abs(th.Optimum.X-want) > 1e-12 {
		t.Errorf("ε* = %g, want %g", th.Optimum.X, want)
	}
	diverged := 0
	for _, s := range m.Status {
		if s == maps.CellDiverged {
			diverged++
		}
	}
	if diverged == 0 || diverged == len(m.Status) {
		t.Errorf("%d of %d cells diverged: the default ε range should cross the stability boundary", diverged, len(m.Status))
	}
	get1 := get(t, h, sceneURL("/api/hypermap", hypermapBody), "")
	if get1.Code != 200 || !bytes.Equal(get1.Body.Bytes(), rec.Body.Bytes()) {
		t.Fatalf("GET: %d, same bytes %v", get1.Code, bytes.Equal(get1.Body.Bytes(), rec.Body.Bytes()))
	}
	etag := get1.Header().Get("ETag")
	if etag == "" || get1.Header().Get("Cache-Control") != CacheForever {
		t.Errorf("validators: ETag %q Cache-Control %q", etag, get1.Header().Get("Cache-Control"))
	}
	if again := get(t, h, sceneURL("/api/hypermap", hypermapBody), etag); again.Code != 304 {
		t.Errorf("If-None-Match: %d, want 304", again.Code)
	}
	// The same map with the defaults spelt out is the same answer.
	other := strings.Replace(hypermapBody, `"steps": 150`, `"steps": 150, "measure": "rate"`, 1)
	if e := get(t, h, sceneURL("/api/hypermap", other), "").Header().Get("ETag"); e != etag {
		t.Errorf("ETag %s for the same map with the default measure given, want %s", e, etag)
	}
}

// Basins of gradient descent on Himmelblau: its four minima, each with
// cells.
func TestBasins(t *testing.T) {
	h := testHandler(t)
	body := `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "gd"}, "n": 32}`
	rec := do(t, h, "POST", "/api/basins", body)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var b maps.Basins
	decodeBody(t, rec, &b)
	if len(b.Basin) != 32*32 || len(b.K) != 32*32 || b.Known != 4 || len(b.Counts) != 4 {
		t.Fatalf("shape: %d cells, known %d, counts %v", len(b.Basin), b.Known, b.Counts)
	}
	for q, c := range b.Counts {
		if c == 0 {
			t.Errorf("minimum %d %v has no cell", q, b.Minima[q])
		}
	}
	g := get(t, h, sceneURL("/api/basins", body), "")
	if g.Code != 200 || !bytes.Equal(g.Body.Bytes(), rec.Body.Bytes()) {
		t.Errorf("GET: %d", g.Code)
	}
}

func TestMapsBadInput(t *testing.T) {
	h := testHandler(t)
	for _, tc := range []struct{ name, path, body, field string }{
		{"unknown key", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "cells": 3}`, "cells"},
		{"case-folded key", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "Steps": 3}`, "Steps"},
		{"duplicated key", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "steps": 3, "steps": 4}`, "steps"},
		{"axis of one cell", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "x": {"name": "lr", "n": 1}}`, "x.n"},
		{"axis of 129 cells", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "y": {"name": "momentum", "n": 129}}`, "y.n"},
		{"no steps", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "steps": 0}`, "steps"},
		{"too many steps", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "steps": 10001}`, "steps"},
		{"over the work limit", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "x": {"name": "lr", "n": 128}, "y": {"name": "momentum", "n": 128}, "steps": 2000}`, "steps"},
		{"unknown measure", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "measure": "speed"}`, "measure"},
		{"tol without steps", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "tol": 0.001}`, "tol"},
		{"hyperparameter the optimizer lacks", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "y": {"name": "momentum"}}`, "y.name"},
		{"an integer hyperparameter", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "sgd"}, "x": {"name": "batch"}}`, "x.name"},
		{"range outside the hyperparameter's", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "y": {"name": "momentum", "range": [0, 1.5]}}`, "y.range"},
		{"reversed range", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "x": {"name": "lr", "range": [0.1, 0.01]}}`, "x.range"},
		{"log axis from 0", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "y": {"name": "momentum", "log": true}}`, "y.range"},
		{"bad run hyperparameter", "/api/hypermap", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd", "hyper": {"lr": -1}}}`, "run.hyper.lr"},
		{"unknown optimizer", "/api/basins", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "sgdd"}}`, "run.optimizer"},
		{"projected objective", "/api/hypermap", `{"objective": {"id": "hd_quadratic"}, "run": {"optimizer": "gd"}}`, "objective"},
		{"basins with a start", "/api/basins", `{"objective": {"id": "himmelblau"}, "start": [1, 1], "run": {"optimizer": "gd"}}`, "start"},
		{"basins side", "/api/basins", `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "gd"}, "n": 4}`, "n"},
		{"basins range", "/api/basins", `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "gd"}, "x": [1, 1]}`, "x"},
		{"basins over the work limit", "/api/basins", `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "newton"}, "n": 256, "steps": 200}`, "steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, "POST", tc.path, tc.body)
			if rec.Code != 400 {
				t.Fatalf("%d %s, want 400", rec.Code, rec.Body)
			}
			var e struct {
				Error, Field string
			}
			decodeBody(t, rec, &e)
			if e.Field != tc.field {
				t.Errorf("field %q (%s), want %q", e.Field, e.Error, tc.field)
			}
		})
	}
}
