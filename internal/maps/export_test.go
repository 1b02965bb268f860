package maps

import (
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

func optimRun(j *HyperJob) (*optim.Run, error) {
	cfg := j.cfg
	cfg.Hyper = map[string]float64{}
	for k, v := range j.cfg.Hyper {
		cfg.Hyper[k] = v
	}
	return optim.NewRun(j.sc.Obj, j.sc.Start, cfg, 1)
}

func firstHyper(sc *scene.Scene) string {
	x, _ := DefaultAxes(sc.Runs[0].Info())
	return x
}
