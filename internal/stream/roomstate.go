package stream

import (
	"encoding/json"
	"slices"

	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// roomKeepPerRun is how many points of each run a room keeps for late
// joiners: the path so far, thinned (every other point dropped, the first
// and the newest kept) when longer.
const roomKeepPerRun = 1024

// roomState is what a late joiner (or a follower catching up) gets: the
// latest message of each kind that describes the scene, and the runs' paths
// so far, compactly. It is built from the messages the room broadcasts, on
// the driver's replica and on every replica that mirrors the room alike.
type roomState struct {
	byKind map[string][]byte // room, room_state, scene, dataset, landscape, geometry, spectrum, ...
	status map[int][]byte    // each run's last status, and the session's (-1)
	runs   [][]scene.Point   // compact, thinned
	full   []scene.Point     // each run's newest point, full detail
	t      float64           // the last frame's t
	recipe []byte            // how to rebuild the scene at its current step (fork)
}

// stateKinds is the order a joiner gets the state in: the page's state
// first (so the page builds its panels), then the scene.
var stateKinds = []string{"room", "room_state", "scene", "dataset", "landscape"}

// lateKinds come after the paths: analyses drawn over them.
var lateKinds = []string{"geometry", "spectrum", "interpolation", "fidelity", "regions"}

func newRoomState() *roomState {
	return &roomState{byKind: map[string][]byte{}, status: map[int][]byte{}}
}

// apply records one broadcast message; f, when not nil, is the frame b
// encodes (the driver's replica has it; a mirror decodes b).
func (s *roomState) apply(kind string, b []byte, f *frame) {
	switch kind {
	case "_start":
		for k := range s.byKind {
			if k != "room" && k != "room_state" {
				delete(s.byKind, k)
			}
		}
		clear(s.status)
		s.runs, s.full = nil, nil
	case "_recipe":
		s.recipe = b
	case "_close", "progress", "error":
	case "frame":
		if f == nil {
			var m struct {
				T      float64       `json:"t"`
				Points []scene.Point `json:"points"`
			}
			if json.Unmarshal(b, &m) != nil {
				return
			}
			s.t = m.T
			s.addPoints(m.Points)
			return
		}
		s.t = f.t
		for _, pts := range f.runs {
			s.addPoints(pts)
		}
	case "status":
		var m struct {
			Run int `json:"run"`
		}
		if json.Unmarshal(b, &m) == nil {
			s.status[m.Run] = b
		}
	default:
		s.byKind[kind] = b
	}
}

// addPoints appends points (ordered by run, then k); a point at k = 0
// starts its run's path afresh (a start or a reset).
func (s *roomState) addPoints(pts []scene.Point) {
	for _, p := range pts {
		r := p.Run
		if r < 0 || r >= scene.MaxRuns {
			continue
		}
		for len(s.runs) <= r {
			s.runs = append(s.runs, nil)
			s.full = append(s.full, scene.Point{Run: len(s.full), K: -1})
		}
		if p.K == 0 {
			s.runs[r] = s.runs[r][:0]
		}
		s.full[r] = p
		c := p
		compact(&c)
		// Its own copy of xy: a point's vectors share a chunk with other
		// points' (scene's arena), which a path kept for long must not pin.
		c.XY = append([]float64(nil), c.XY...)
		s.runs[r] = append(s.runs[r], c)
		if len(s.runs[r]) > roomKeepPerRun {
			s.runs[r] = thinKeepEnds(s.runs[r])
		}
	}
}

// thinKeepEnds drops every other point, keeping the first and the last.
func thinKeepEnds(p []scene.Point) []scene.Point {
	last := p[len(p)-1]
	kept := p[:0]
	for j := 0; j < len(p)-1; j += 2 {
		kept = append(kept, p[j])
	}
	kept = append(kept, last)
	clear(p[len(kept):])
	return kept
}

// k is the step the room's runs have reached (the largest k).
func (s *roomState) k() int {
	k := 0
	for _, p := range s.full {
		k = max(k, p.K)
	}
	return k
}

// messages is the state as the messages a joiner gets, in order: the
// scene, a frame with every run's path so far (the newest point of each in
// full detail), the statuses, the analyses.
func (s *roomState) messages() [][]byte {
	var out [][]byte
	for _, k := range stateKinds {
		if b := s.byKind[k]; b != nil {
			out = append(out, b)
		}
	}
	if len(s.runs) > 0 {
		f := &frame{t: s.t, runs: make([][]scene.Point, len(s.runs))}
		for i, pts := range s.runs {
			if len(pts) == 0 {
				continue
			}
			f.runs[i] = append(slices.Clip(pts[:len(pts)-1]), s.full[i])
		}
		out = append(out, appendFrame(nil, f))
	}
	runs := make([]int, 0, len(s.status))
	for r := range s.status {
		runs = append(runs, r)
	}
	slices.Sort(runs) // the session's (-1) first: it may say "paused" before a run's end
	for _, r := range runs {
		if r >= 0 {
			out = append(out, s.status[r])
		}
	}
	if b := s.status[sessionWide]; b != nil {
		out = append(out, b)
	}
	for _, k := range lateKinds {
		if b := s.byKind[k]; b != nil {
			out = append(out, b)
		}
	}
	return out
}

// recipe is how a fork rebuilds the driver's scene at its current step:
// the scene as started, then what changed it on the way (a hyperparameter
// set at step k, a reset), replayed deterministically (the same seed gives
// the same steps), so the fork's runs pass through the driver's points.
type recipe struct {
	// Start is the scene as started, encoded at once: runs change their
	// configuration (and so the request's maps) as they are set live.
	Start    json.RawMessage `json:"start"`
	Speed    float64         `json:"steps_per_second"`
	MaxSteps int             `json:"max_steps"`
	View     viewMsg         `json:"view"`
	Events   []recipeEvent   `json:"events,omitempty"`
}

type recipeEvent struct {
	K        int             `json:"k"`
	Reset    bool            `json:"reset,omitempty"`
	Run      int             `json:"run,omitempty"`
	Hyper    json.RawMessage `json:"hyper,omitempty"` // encoded at once, as Start`
	Clip     *optim.Clip     `json:"clip,omitempty"`
	Schedule *optim.Schedule `json:"schedule,omitempty"`
}

// maxRecipeEvents bounds a recipe; past it, a fork replays the scene as
// now configured from its start (the path may then differ from the
// driver's before the last change).
const maxRecipeEvents = 4096

// script is the commands that rebuild the scene at step k, paused.
func (r *recipe) script(k int) ([]any, error) {
	var req scene.Request
	if err := json.Unmarshal(r.Start, &req); err != nil {
		return nil, err
	}
	view := r.View
	cmds := []any{startCmd{req: req, view: &view, speed: r.Speed, maxSteps: r.MaxSteps, paused: true}}
	cur := 0
	for _, ev := range r.Events {
		if ev.K > cur {
			cmds = append(cmds, stepCmd{n: ev.K - cur})
			cur = ev.K
		}
		if ev.Reset {
			cmds = append(cmds, resetCmd{})
			cur = 0
			continue
		}
		c := setCmd{run: ev.Run, clip: ev.Clip, schedule: ev.Schedule}
		if len(ev.Hyper) > 0 {
			if err := json.Unmarshal(ev.Hyper, &c.hyper); err != nil {
				return nil, err
			}
		}
		cmds = append(cmds, c)
	}
	if k > cur {
		cmds = append(cmds, stepCmd{n: k - cur})
	}
	return cmds, nil
}
