package stream

import (
	"fmt"
	"math"
	"time"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Limits of the analysis messages.
const (
	MinRegionsSide     = 8
	MaxRegionsSide     = 128
	DefaultRegionsSide = 64
	// MaxFidelityPoints bounds the steps a fidelity message compares.
	MaxFidelityPoints = 100
	// HistoryBudget bounds, in bytes, the parameter vectors a session keeps
	// of its runs' paths for fidelity (all runs together).
	HistoryBudget = 32 << 20
)

// Messages from the page.

type cancelMsg struct {
	Type string  `json:"type"`
	Task *string `json:"task"`
}

type spectrumMsg struct {
	Type string  `json:"type"`
	At   *string `json:"at"`
	Run  *int    `json:"run"`
	K    *int    `json:"k"`
}

type interpolateMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	N    *int   `json:"n"`
	Eigs *int   `json:"eigs"`
}

type fidelityMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
}

type regionsMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	NX   *int   `json:"nx"`
}

type (
	cancelCmd   struct{ task string }
	spectrumCmd struct {
		current bool
		run, k  int
	}
	interpolateCmd struct{ run, n, eigs int }
	fidelityCmd    struct{ run int }
	regionsCmd     struct{ run, nx int }
)

// parseAnalysis parses the messages of long computations and subscriptions.
func parseAnalysis(typ string, b []byte) (any, error) {
	needRun := func(run *int) (int, error) {
		if run == nil {
			return 0, fielderr.New("run", "missing: which run (0, 1, ...)")
		}
		return *run, nil
	}
	switch typ {
	case "cancel":
		var m cancelMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Task == nil {
			return nil, fielderr.New("task", `missing: "landscape", "spectrum", "sharpness", "hypermap", "basins" or "honest"`)
		}
		if t := *m.Task; t != taskLandscape && t != taskSpectrum && t != taskSharpness && t != taskHypermap && t != taskBasins && t != taskHonest {
			return nil, fielderr.New("task", `must be "landscape", "spectrum", "sharpness", "hypermap", "basins" or "honest", got %q`, *m.Task)
		}
		return cancelCmd{task: *m.Task}, nil
	case "spectrum":
		var m spectrumMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		c := spectrumCmd{k: zoo.DefaultEigenpairs, run: -1}
		at := "start"
		if m.At != nil {
			at = *m.At
		}
		switch at {
		case "start":
			if m.Run != nil {
				return nil, fielderr.New("run", `a spectrum "at": "start" is at the scene's start, for every run; give "run" only with "at": "current"`)
			}
		case "current":
			run, err := needRun(m.Run)
			if err != nil {
				return nil, err
			}
			c.current, c.run = true, run
		default:
			return nil, fielderr.New("at", `must be "start" or "current", got %q`, at)
		}
		if m.K != nil {
			c.k = *m.K
		}
		if c.k < 1 || c.k > hd.MaxEigenpairs {
			return nil, fielderr.New("k", "must be a whole number from 1 to %d, got %d", hd.MaxEigenpairs, c.k)
		}
		return c, nil
	case "interpolate":
		var m interpolateMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		run, err := needRun(m.Run)
		if err != nil {
			return nil, err
		}
		c := interpolateCmd{run: run, n: zoo.DefaultLinePoints, eigs: zoo.DefaultEigenLines}
		if m.N != nil {
			c.n = *m.N
		}
		if c.n < zoo.MinLinePoints || c.n > zoo.MaxLinePoints {
			return nil, fielderr.New("n", "must be a whole number from %d to %d, got %d", zoo.MinLinePoints, zoo.MaxLinePoints, c.n)
		}
		if m.Eigs != nil {
			c.eigs = *m.Eigs
		}
		if c.eigs < 0 || c.eigs > zoo.MaxEigenLines {
			return nil, fielderr.New("eigs", "must be a whole number from 0 to %d (top Hessian eigenvectors to follow), got %d", zoo.MaxEigenLines, c.eigs)
		}
		return c, nil
	case "fidelity":
		var m fidelityMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		run, err := needRun(m.Run)
		if err != nil {
			return nil, err
		}
		return fidelityCmd{run: run}, nil
	case "regions":
		var m regionsMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		run, err := needRun(m.Run)
		if err != nil {
			return nil, err
		}
		if run < -1 {
			return nil, fielderr.New("run", "must be a run (0, 1, ...) or -1 to stop, got %d", run)
		}
		c := regionsCmd{run: run, nx: DefaultRegionsSide}
		if m.NX != nil {
			c.nx = *m.NX
		}
		if c.nx < MinRegionsSide || c.nx > MaxRegionsSide {
			return nil, fielderr.New("nx", "must be a whole number from %d to %d, got %d", MinRegionsSide, MaxRegionsSide, c.nx)
		}
		return c, nil
	}
	panic("stream: parseAnalysis: " + typ)
}

// checkRun refuses a run the scene does not have.
func (e *engine) checkRun(run int) error {
	if run < 0 || run >= len(e.sc.Runs) {
		return fielderr.New("run", "no run %d: the scene has runs 0 to %d", run, len(e.sc.Runs)-1)
	}
	return nil
}

// currentTheta is a copy of run i's parameters now, and its step.
func (e *engine) currentTheta(i int) ([]float64, int) {
	st := e.sc.Runs[i].Current()
	return append([]float64(nil), st.Theta...), st.K
}

// Messages to the page.

type spectrumOut struct {
	Type string `json:"type"`
	At   string `json:"at"`
	Run  *int   `json:"run,omitempty"`
	K    int    `json:"k"`
	*zoo.Spectrum
}

type interpolationOut struct {
	Type string `json:"type"`
	Run  int    `json:"run"`
	K    int    `json:"k"`
	*zoo.Interpolation
}

type fidelityOut struct {
	Type      string    `json:"type"`
	Run       int       `json:"run"`
	K         []int     `json:"k"`
	TrueLoss  []float64 `json:"true_loss"`
	PlaneLoss []float64 `json:"plane_loss"`
	InPlane   float64   `json:"in_plane"`
}

type datasetOut struct {
	Type    string       `json:"type"`
	X       [2]float64   `json:"x"`
	Y       [2]float64   `json:"y"`
	Points  [][3]float64 `json:"points"`
	Classes int          `json:"classes"`
}

type regionsOut struct {
	Type     string     `json:"type"`
	Run      int        `json:"run"`
	K        int        `json:"k"`
	NX       int        `json:"nx"`
	NY       int        `json:"ny"`
	X        [2]float64 `json:"x"`
	Y        [2]float64 `json:"y"`
	Classes  []int      `json:"classes"`
	Accuracy float64    `json:"accuracy"`
}

func (e *engine) spectrum(c spectrumCmd) {
	sc := e.sc
	theta, k, at := sc.Start, 0, "start"
	var run *int
	if c.current {
		if err := e.checkRun(c.run); err != nil {
			e.sendErr(err)
			return
		}
		theta, k = e.currentTheta(c.run)
		at, run = "current", &c.run
	}
	n := sc.Obj.Dim()
	if c.k > n {
		e.sendErr(fielderr.New("k", "must be at most the dimension %d, got %d", n, c.k))
		return
	}
	_, hv := sc.Obj.(landscape.HessVecer)
	_, h := sc.Obj.(landscape.Hessianer)
	if !hv && !h {
		e.sendErr(fielderr.New("", "this objective gives no Hessian, so its spectrum cannot be computed"))
		return
	}
	key := landscape.SpecKey(sc.Request.Objective)
	if sc.View != nil {
		key = sc.View.Model.Key()
	}
	obj := sc.Obj
	note := fmt.Sprintf("top %d eigenvalues by Lanczos, then the density by quadrature", c.k)
	e.launch(taskSpectrum, true, zoo.SpectrumWork(n, c.k), note, func(t *task) error {
		s, err := zoo.ComputeSpectrum(t.ctx, obj, key, theta, c.k, t.count)
		if err != nil {
			return err
		}
		t.send("spectrum", spectrumOut{Type: "spectrum", At: at, Run: run, K: k, Spectrum: s}, true)
		return nil
	}, heavyTask)
}

func (e *engine) interpolate(c interpolateCmd) {
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	sc := e.sc
	from := sc.Start
	to, k := e.currentTheta(c.run)
	e.launch(taskInterpolate, false, 0, "", func(t *task) error {
		in, err := zoo.InterpolateAlong(t.ctx, sc.Obj, from, to, c.n, c.eigs)
		if err != nil {
			return err
		}
		t.send("interpolation", interpolationOut{Type: "interpolation", Run: c.run, K: k, Interpolation: in}, true)
		return nil
	}, heavyTask)
}

// history is a bounded, evenly thinned record of one run's path: the
// parameters every stride-th step (stride doubling whenever more than
// limit are kept), and, over every step, the squared step lengths in the
// plane and in full, for the in-plane fraction.
type history struct {
	limit, stride int
	ks            []int
	thetas        [][]float64 // never modified once recorded
	in, all       float64
	a, b          float64 // plane coordinates of the last step
}

// newHistories makes one history per run, sharing HistoryBudget.
func newHistories(runs, dim int) []*history {
	limit := HistoryBudget / max(1, 8*dim*runs)
	limit = max(3, min(limit, MaxFidelityPoints-1))
	hs := make([]*history, runs)
	for i := range hs {
		hs[i] = &history{limit: limit, stride: 1}
	}
	return hs
}

// track records step st of run i.
func (e *engine) track(i int, st *optim.Step) {
	if e.hist == nil {
		return
	}
	h, v := e.hist[i], e.sc.View
	a, b := v.Coords(st.Theta)
	if st.K > 0 {
		h.in += v.Norm2(a-h.a, b-h.b)
		for _, u := range st.Update {
			h.all += u * u
		}
	}
	h.a, h.b = a, b
	if st.K%h.stride != 0 {
		return
	}
	h.ks = append(h.ks, st.K)
	h.thetas = append(h.thetas, append([]float64(nil), st.Theta...))
	if len(h.thetas) > h.limit {
		// Keep every other point (the first among them): the kept steps are
		// the multiples of twice the stride.
		ks := make([]int, 0, h.limit)
		ths := make([][]float64, 0, h.limit)
		for j := 0; j < len(h.ks); j += 2 {
			ks = append(ks, h.ks[j])
			ths = append(ths, h.thetas[j])
		}
		h.ks, h.thetas = ks, ths
		h.stride *= 2
	}
}

// inPlane is the fraction of the path's displacement in the plane, as
// /api/run's in_plane.
func (h *history) inPlane() float64 {
	if h.all > 0 && !math.IsInf(h.all, 0) && !math.IsNaN(h.in) {
		return min(1, h.in/h.all)
	}
	return 1
}

func (e *engine) fidelity(c fidelityCmd) {
	sc := e.sc
	if sc.View == nil {
		e.sendErr(fielderr.New("", "fidelity compares a projected objective's plane with its true loss; %s is drawn on its own axes, exactly", sc.Info.ID))
		return
	}
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	h := e.hist[c.run]
	ks := append([]int(nil), h.ks...)
	traj := append([][]float64(nil), h.thetas...)
	if theta, k := e.currentTheta(c.run); len(ks) == 0 || ks[len(ks)-1] != k {
		ks, traj = append(ks, k), append(traj, theta)
	}
	inPlane := h.inPlane()
	plane := sc.View.Plane
	e.launch(taskFidelity, false, 0, "", func(t *task) error {
		proj := plane.Project(traj)
		tl, pl, err := hd.Fidelity(t.ctx, sc.Obj.Value, plane, traj, proj)
		if err != nil {
			return err
		}
		t.send("fidelity", fidelityOut{Type: "fidelity", Run: c.run, K: ks, TrueLoss: tl, PlaneLoss: pl, InPlane: inPlane}, true)
		return nil
	}, heavyTask)
}

// regionsSub is the page's subscription to one run's decision regions.
type regionsSub struct {
	run, nx, ny int
	x, y        [2]float64
	lastK       int // the step last drawn; -1: none yet
	lastAt      time.Time
}

// classifier is the scene's model as a classifier of 2-D points, or nil.
func (e *engine) classifier() zoo.Classifier {
	if e.sc == nil || e.sc.View == nil {
		return nil
	}
	return e.sc.View.Model.Classifier()
}

// sendDataset sends the training points of a model trained on a 2-D data
// set (after start).
func (e *engine) sendDataset() {
	c := e.classifier()
	if c == nil {
		return
	}
	d := c.Data()
	m := datasetOut{Type: "dataset", Classes: d.Classes, Points: make([][3]float64, d.N())}
	m.X, m.Y = zoo.DataBox(d)
	for i := range d.N() {
		m.Points[i] = [3]float64{d.X.At(i, 0), d.X.At(i, 1), float64(d.Labels[i])}
	}
	e.send("dataset", m)
}

func (e *engine) subscribeRegions(c regionsCmd) {
	if c.run == -1 {
		e.regions = nil
		e.stopTask(taskRegions, false)
		return
	}
	cl := e.classifier()
	if cl == nil {
		e.sendErr(fielderr.New("", "%s is not trained on a 2-D data set, so it has no decision regions", e.sc.Info.ID))
		return
	}
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	side := zoo.RegionsSide(c.nx, e.sc.Obj.Dim())
	sub := &regionsSub{run: c.run, nx: side, ny: side, lastK: -1}
	sub.x, sub.y = zoo.DataBox(cl.Data())
	e.regions = sub
	e.stopTask(taskRegions, false)
	e.drawRegions(time.Now(), true)
	e.startChores()
}

// keepRegions keeps a subscription across a new scene when its run is
// still there and the model still classifies points; otherwise it ends.
func (e *engine) keepRegions() {
	sub := e.regions
	if sub == nil {
		return
	}
	cl := e.classifier()
	if cl == nil || sub.run >= len(e.sc.Runs) {
		e.regions = nil
		return
	}
	side := zoo.RegionsSide(sub.nx, e.sc.Obj.Dim())
	sub.nx, sub.ny, sub.lastK = side, side, -1
	sub.x, sub.y = zoo.DataBox(cl.Data())
}

// drawRegions starts drawing the subscribed run's decision regions when
// the run moved since the last picture, no picture is being drawn, and
// (unless now) the last one is old enough.
func (e *engine) drawRegions(now time.Time, force bool) {
	sub := e.regions
	if sub == nil || e.running(taskRegions) {
		return
	}
	if !force && now.Sub(sub.lastAt) < regionsInterval {
		return
	}
	st := e.sc.Runs[sub.run].Current()
	if st.K == sub.lastK && !force {
		return
	}
	theta, k := e.currentTheta(sub.run)
	sub.lastK, sub.lastAt = k, now
	cl, s := e.classifier(), *sub
	e.launch(taskRegions, false, 0, "", func(t *task) error {
		m := regionsOut{Type: "regions", Run: s.run, K: k, NX: s.nx, NY: s.ny, X: s.x, Y: s.y,
			Classes: make([]int, s.nx*s.ny)}
		zoo.Regions(m.Classes, cl, theta, s.x, s.y, s.nx, s.ny)
		if m.Accuracy = cl.Accuracy(theta); math.IsNaN(m.Accuracy) {
			m.Accuracy = 0
		}
		t.send("regions", m, true)
		return nil
	})
}
