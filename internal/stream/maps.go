package stream

import (
	"encoding/json"
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/maps"
)

// The hypermap and basins tasks (issue 11): a hyperparameter map or a
// basins map of one run of the scene, computed by internal/maps with the
// run's current settings from the scene's start, streamed coarse to fine
// (a message after every pass, "partial": true before the last) with
// progress in cells. Finished maps are shared with the API's in
// maps.Shared.

const (
	taskHypermap = "hypermap"
	taskBasins   = "basins"
)

type hypermapMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	maps.HyperParams
}

type basinsMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	maps.BasinParams
}

type (
	hypermapCmd struct {
		run int
		p   maps.HyperParams
	}
	basinsCmd struct {
		run int
		p   maps.BasinParams
	}
)

// mapOut is a map message: the run it is of, whether finer pictures
// follow, and the map as /api/hypermap or /api/basins answers it.
type mapOut struct {
	Type    string          `json:"type"`
	Run     int             `json:"run"`
	Partial bool            `json:"partial"`
	Map     json.RawMessage `json:"map"`
}

// parseMaps parses the hypermap and basins messages; what depends on the
// run's optimizer is checked when the scene is known.
func parseMaps(typ string, b []byte) (any, error) {
	switch typ {
	case taskHypermap:
		var m hypermapMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Run == nil {
			return nil, fielderr.New("run", "missing: which run's optimizer to map (0, 1, ...)")
		}
		return hypermapCmd{run: *m.Run, p: m.HyperParams}, nil
	case taskBasins:
		var m basinsMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Run == nil {
			return nil, fielderr.New("run", "missing: which run's optimizer to map (0, 1, ...)")
		}
		return basinsCmd{run: *m.Run, p: m.BasinParams}, nil
	}
	panic("stream: parseMaps: " + typ)
}

// mapJob is what both tasks need of a validated job.
type mapJob interface {
	Key() string
	Cells() int
}

func (e *engine) hypermap(c hypermapCmd) {
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	j, err := maps.NewHyperJob(e.sc, c.run, c.p)
	if err != nil {
		e.sendErr(err)
		return
	}
	e.launchMap(taskHypermap, mapOut{Type: "hypermap", Run: c.run}, j, func(t *task, opt maps.Options) (any, error) {
		return j.Compute(t.ctx, opt)
	})
}

func (e *engine) basins(c basinsCmd) {
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	j, err := maps.NewBasinJob(e.sc, c.run, c.p)
	if err != nil {
		e.sendErr(err)
		return
	}
	e.launchMap(taskBasins, mapOut{Type: "basins", Run: c.run}, j, func(t *task, opt maps.Options) (any, error) {
		return j.Compute(t.ctx, opt)
	})
}

// launchMap answers from maps.Shared when the map was computed before, and
// otherwise starts the task that computes, streams and stores it.
func (e *engine) launchMap(name string, out mapOut, j mapJob, compute func(t *task, opt maps.Options) (any, error)) {
	key := j.Key()
	if b, ok := maps.Shared.Get(key); ok {
		e.stopTask(name, false)
		out.Map = b
		e.send(name, out)
		return
	}
	note := fmt.Sprintf("%d runs, coarse to fine", j.Cells())
	e.launch(name, true, j.Cells(), note, func(t *task) error {
		frame := func(m any, _ int, final bool) {
			if !final {
				t.sendMap(name, out, m)
			}
		}
		v, err := compute(t, maps.Options{Count: t.count, Frame: frame})
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		maps.Shared.Put(key, b)
		out.Map = b
		t.sendBytes(name, mustMarshal(out), true)
		return nil
	}, heavyTask)
}

// sendMap sends a partial picture of a map.
func (t *task) sendMap(name string, out mapOut, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	out.Partial, out.Map = true, b
	t.sendBytes(name, mustMarshal(out), false)
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("stream: " + err.Error())
	}
	return b
}
