package stream

import (
	"errors"
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// sceneMsg echoes a started scene as the server resolved it, so the page
// can label runs and sliders: every hyperparameter with its default filled
// in, and a distinct label per run.
type sceneMsg struct {
	Type           string         `json:"type"`
	Objective      landscape.Info `json:"objective"`
	Spec           landscape.Spec `json:"spec"`
	Start          []float64      `json:"start"`
	Seed           uint64         `json:"seed"`
	StepsPerSecond float64        `json:"steps_per_second"`
	MaxSteps       int            `json:"max_steps"`
	Runs           []runInfo      `json:"runs"`
	// Plane is a projected objective's plane (Start is then on it).
	Plane *zoo.PlaneInfo `json:"plane,omitempty"`
}

type runInfo struct {
	Run       int            `json:"run"`
	Optimizer string         `json:"optimizer"`
	Name      string         `json:"name"`
	Label     string         `json:"label"`
	Hyper     map[string]any `json:"hyper"`
	Clip      optim.Clip     `json:"clip,omitzero"`
	Schedule  optim.Schedule `json:"schedule,omitzero"`
}

func (e *engine) sendScene() {
	sc := e.sc
	m := sceneMsg{Type: "scene", Objective: sc.Info, Spec: sc.Request.Objective, Start: sc.StartXY(),
		Seed: sc.Request.Seed, StepsPerSecond: e.speed, MaxSteps: e.maxSteps}
	if sc.View != nil {
		pi := sc.View.Info(false)
		m.Plane = &pi
	}
	names := map[string]int{}
	for i, r := range sc.Runs {
		info, cfg := r.Info(), r.Config()
		hyper := make(map[string]any, len(info.Hyper))
		for _, h := range info.Hyper {
			if h.Choices != nil {
				hyper[h.Name] = h.DefaultStr
				if c, ok := cfg.Choice[h.Name]; ok {
					hyper[h.Name] = c
				}
				continue
			}
			hyper[h.Name] = h.Default
			if x, ok := cfg.Hyper[h.Name]; ok {
				hyper[h.Name] = x
			}
		}
		label := sc.Request.Runs[i].Label
		if label == "" {
			label = info.Name
		}
		names[label]++
		m.Runs = append(m.Runs, runInfo{Run: i, Optimizer: info.ID, Name: info.Name, Label: label,
			Hyper: hyper, Clip: cfg.Clip, Schedule: cfg.Schedule})
	}
	// Two runs of one optimizer get numbered labels: "Adam 1", "Adam 2".
	seen := map[string]int{}
	for i := range m.Runs {
		if l := m.Runs[i].Label; names[l] > 1 {
			seen[l]++
			m.Runs[i].Label = fmt.Sprintf("%s %d", l, seen[l])
		}
	}
	e.send("scene", m)
}

// sendLandscape queues the landscape of the current view: at once when
// cached, else from a task beside the runs (landscapeTask).
func (e *engine) sendLandscape() { e.landscapeTask() }

// geometryMsg is the local geometry at a point, as POST /api/hessian
// answers it, for the page's eigen-direction overlay.
type geometryMsg struct {
	Type string    `json:"type"`
	At   []float64 `json:"at"`
	Run  *int      `json:"run,omitempty"` // when asked at a run's current point
	landscape.Geometry
}

func (e *engine) geometry(c hessianCmd) {
	sc := e.sc
	if sc.Projected() {
		e.sendErr(fielderr.New("", "the local geometry is shown for 2-D objectives; this one has %d parameters (its plane may be \"hessian\": the top two eigenvectors)", sc.Obj.Dim()))
		return
	}
	m := geometryMsg{Type: "geometry", At: c.at}
	if c.at == nil {
		if c.run < 0 || c.run >= len(sc.Runs) {
			e.sendErr(fielderr.New("run", "no run %d: the scene has runs 0 to %d", c.run, len(sc.Runs)-1))
			return
		}
		m.At = append([]float64(nil), sc.Runs[c.run].Current().Theta...)
		m.Run = &c.run
	}
	g, err := landscape.Curvature(sc.Obj, m.At)
	if errors.Is(err, landscape.ErrNoHessian) {
		err = fielderr.New("", "this objective gives no Hessian to analyse")
	}
	if err != nil {
		e.sendErr(err)
		return
	}
	m.Geometry = g
	e.send("geometry", m)
}
