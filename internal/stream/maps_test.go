package stream

import (
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
)

type mapWire[M any] struct {
	Run     int  `json:"run"`
	Partial bool `json:"partial"`
	Map     M    `json:"map"`
}

// A hyperparameter map arrives coarse to fine with progress in cells, the
// last one whole with the quadratic's theory; asked again, it comes at
// once from the cache, alone.
func TestHypermapTask(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "quadratic"},
		Runs: []scene.RunSpec{{Optimizer: "gd"}, {Optimizer: "momentum"}}}, map[string]any{"paused": true}))
	ask := map[string]any{"type": "hypermap", "run": 1, "steps": 173,
		"x": map[string]any{"name": "lr", "n": 40}, "y": map[string]any{"name": "momentum", "n": 40}}
	c.send(ask)
	final := func(m wire) bool { return m.Type == "hypermap" && !decodeRaw[mapWire[maps.HyperMap]](t, m).Partial }
	ms := c.until(time.Minute, "a whole hypermap", final)
	var strides []int
	progress := 0
	for _, m := range ms {
		switch m.Type {
		case "hypermap":
			hm := decodeRaw[mapWire[maps.HyperMap]](t, m)
			if hm.Run != 1 || len(hm.Map.Values) != 40*40 {
				t.Fatalf("run %d, %d values", hm.Run, len(hm.Map.Values))
			}
			strides = append(strides, hm.Map.Stride)
		case "progress":
			if p := decodeRaw[progressWire](t, m); p.Task == "hypermap" {
				progress++
				if p.Total != 40*40 {
					t.Errorf("progress total %d, want the %d cells", p.Total, 40*40)
				}
			}
		}
	}
	if progress == 0 {
		t.Error("no progress for the hypermap task")
	}
	for i := 1; i < len(strides); i++ {
		if strides[i] >= strides[i-1] {
			t.Errorf("strides %v do not refine", strides)
		}
	}
	if strides[len(strides)-1] != 1 {
		t.Errorf("strides %v: the last picture is not whole", strides)
	}
	whole := decodeRaw[mapWire[maps.HyperMap]](t, last(ms))
	if whole.Map.Theory == nil || whole.Map.Theory.Optimum == nil || whole.Map.Optimizer != "momentum" {
		t.Fatalf("the last map has no theory (optimizer %q)", whole.Map.Optimizer)
	}
	// Asked again: the same map, from the cache, with no partial picture.
	c.send(ask)
	again := c.until(time.Minute, "the hypermap again", isType("hypermap"))
	if m := decodeRaw[mapWire[maps.HyperMap]](t, last(again)); m.Partial || m.Map.Stride != 1 {
		t.Errorf("the cached map came partial (stride %d)", m.Map.Stride)
	}
}

// The basins task names Himmelblau's four minima for gradient descent; a
// cancelled task says so, and a newer request is answered with its own map.
func TestBasinsTask(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	slow := scene.RunSpec{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 1e-5}}} // no run ends early
	c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "himmelblau"},
		Runs: []scene.RunSpec{slow, {Optimizer: "gd"}}}, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "basins", "run": 0, "n": 256, "steps": 211})
	c.until(time.Minute, "a first picture", isType("basins"))
	c.send(map[string]any{"type": "cancel", "task": "basins"})
	// The task ends cancelled (or, on a machine fast enough, whole before
	// the cancel came).
	c.until(time.Minute, "the cancelled progress", func(m wire) bool {
		if m.Type == "basins" {
			return !decodeRaw[mapWire[maps.Basins]](t, m).Partial
		}
		p := decodeRaw[progressWire](t, m)
		return m.Type == "progress" && p.Task == "basins" && p.Note == "cancelled"
	})
	c.send(map[string]any{"type": "basins", "run": 1, "n": 24, "steps": 199})
	ms := c.until(time.Minute, "the gd basins", func(m wire) bool {
		if m.Type != "basins" {
			return false
		}
		b := decodeRaw[mapWire[maps.Basins]](t, m)
		if b.Map.N != 24 {
			t.Fatalf("a picture of the cancelled map (n %d) came after the cancel", b.Map.N)
		}
		return !b.Partial
	})
	b := decodeRaw[mapWire[maps.Basins]](t, last(ms))
	if b.Run != 1 || b.Map.N != 24 || b.Map.Optimizer != "gd" || len(b.Map.Counts) != 4 {
		t.Fatalf("run %d n %d optimizer %q counts %v", b.Run, b.Map.N, b.Map.Optimizer, b.Map.Counts)
	}
	for q, n := range b.Map.Counts {
		if n == 0 {
			t.Errorf("minimum %d has no cell", q)
		}
	}
}

func TestMapTaskBadInput(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "quadratic"},
		Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	for _, tc := range []struct {
		msg   map[string]any
		field string
	}{
		{map[string]any{"type": "hypermap"}, "run"},
		{map[string]any{"type": "hypermap", "run": 3}, "run"},
		{map[string]any{"type": "hypermap", "run": 0, "y": map[string]any{"name": "momentum"}}, "y.name"},
		{map[string]any{"type": "hypermap", "run": 0, "measure": "speed"}, "measure"},
		{map[string]any{"type": "hypermap", "run": 0, "cells": 4}, "cells"},
		{map[string]any{"type": "basins", "run": 0, "n": 1000}, "n"},
		{map[string]any{"type": "basins", "run": 0, "steps": 0}, "steps"},
		{map[string]any{"type": "cancel", "task": "maps"}, "task"},
	} {
		c.send(tc.msg)
		m := last(c.until(time.Minute, "an error", isType("error")))
		if m.Field != tc.field {
			t.Errorf("%v: field %q (%s), want %q", tc.msg, m.Field, m.Error, tc.field)
		}
	}
}
