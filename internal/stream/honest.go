package stream

import (
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// The honest-saddle task (issue 11 §5): one run's current point of a
// projected objective on a random plane and on the plane of the Hessian's
// extreme eigenvectors, with tr(H)/n beside λmin and λmax
// (zoo.ComputeHonest), progress in Hessian-vector products and grid points.

const taskHonest = "honest"

type honestMsg struct {
	Type string `json:"type"`
	Run  *int   `json:"run"`
	zoo.HonestParams
}

type honestCmd struct {
	run int
	p   zoo.HonestParams
}

// honestOut is the honest message: the run and step it is of, and the
// picture as POST /api/honest answers it.
type honestOut struct {
	Type string `json:"type"`
	Run  int    `json:"run"`
	K    int    `json:"k"`
	*zoo.Honest
}

func parseHonest(b []byte) (any, error) {
	var m honestMsg
	if err := strict(b, &m); err != nil {
		return nil, err
	}
	if m.Run == nil {
		return nil, fielderr.New("run", "missing: whose current point (0, 1, ...)")
	}
	if err := m.HonestParams.Check(); err != nil {
		return nil, err
	}
	return honestCmd{run: *m.Run, p: m.HonestParams}, nil
}

func (e *engine) honest(c honestCmd) {
	sc := e.sc
	var model *zoo.Model
	if sc.View != nil {
		model = sc.View.Model
	}
	if err := zoo.CheckHonest(model, sc.Info.ID); err != nil {
		e.sendErr(err)
		return
	}
	if err := e.checkRun(c.run); err != nil {
		e.sendErr(err)
		return
	}
	theta, k := e.currentTheta(c.run)
	side := *c.p.Canonical().N
	note := fmt.Sprintf("tr(H), λmin and λmax at step %d, then two %d×%d planes", k, side, side)
	e.launch(taskHonest, true, zoo.HonestWork(len(theta), side), note, func(t *task) error {
		h, err := zoo.ComputeHonest(t.ctx, model, theta, c.p, t.count)
		if err != nil {
			return err
		}
		t.send(taskHonest, honestOut{Type: "honest", Run: c.run, K: k, Honest: h}, true)
		return nil
	}, quietStart, heavyTask)
}
