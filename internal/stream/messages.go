package stream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/strictjson"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Limits on what one message may ask for.
const (
	MinSpeed        = 1      // steps per second
	MaxSpeed        = 10_000 // steps per second
	DefaultSpeed    = 60
	DefaultMaxSteps = 10_000
	MaxStepN        = 10_000 // largest n of one "step" message
	DefaultGrid     = 256    // nx and ny of the default view
	MaxGrid         = 512    // largest nx or ny of a view
	MinGrid         = 2
)

// Messages from the page. Every one is decoded strictly: unknown fields are
// refused with an error naming them.

type startMsg struct {
	Type           string            `json:"type"`
	Objective      landscape.Spec    `json:"objective"`
	Start          []float64         `json:"start"`
	Runs           []json.RawMessage `json:"runs"`
	Seed           uint64            `json:"seed"`
	View           *viewMsg          `json:"view"`
	StepsPerSecond *float64          `json:"steps_per_second"`
	MaxSteps       *int              `json:"max_steps"`
	Paused         bool              `json:"paused"`
	Plane          *zoo.PlaneSpec    `json:"plane"` // for a projected objective
}

type viewMsg struct {
	Type string     `json:"type,omitempty"`
	X    [2]float64 `json:"x"`
	Y    [2]float64 `json:"y"`
	NX   int        `json:"nx"`
	NY   int        `json:"ny"`
}

type bareMsg struct {
	Type string `json:"type"`
}

type stepMsg struct {
	Type string `json:"type"`
	N    *int   `json:"n"`
}

type speedMsg struct {
	Type           string   `json:"type"`
	StepsPerSecond *float64 `json:"steps_per_second"`
}

type setMsg struct {
	Type     string          `json:"type"`
	Run      *int            `json:"run"`
	Hyper    json.RawMessage `json:"hyper"`
	Clip     *optim.Clip     `json:"clip"`
	Schedule *optim.Schedule `json:"schedule"`
}

// planeMsg redraws a projected scene on another plane: the fields of a
// zoo.PlaneSpec, with k defaulting to run's current step.
type planeMsg struct {
	Type string  `json:"type"`
	Kind string  `json:"kind"`
	Seed *uint64 `json:"seed"`
	Run  *int    `json:"run"`
	K    *int    `json:"k"`
}

type hessianMsg struct {
	Type string    `json:"type"`
	At   []float64 `json:"at"`
	Run  *int      `json:"run"`
}

// Commands are what the reader hands the stepping loop, already checked for
// everything that does not need the scene.
type (
	startCmd struct {
		req      scene.Request
		view     *viewMsg // nil: the objective's domain
		speed    float64
		maxSteps int
		paused   bool
	}
	pauseCmd  struct{}
	resumeCmd struct{}
	resetCmd  struct{}
	stepCmd   struct{ n int }
	speedCmd  struct{ speed float64 }
	setCmd    struct {
		run      int
		hyper    scene.Hyper
		clip     *optim.Clip
		schedule *optim.Schedule
	}
	viewCmd  struct{ view viewMsg }
	planeCmd struct {
		plane zoo.PlaneSpec
		now   bool // k is run's current step
	}
	hessianCmd struct {
		at  []float64 // nil: at run's current point
		run int
	}
)

// messageTypes lists what the page may send, for the error on an unknown type.
const messageTypes = "start, pause, resume, step, reset, speed, set, view, plane, hessian, cancel, spectrum, interpolate, fidelity, regions, sharpness, hypermap, basins, decay, honest, room_open, room_join, room_close, fork, follow, room_state"

// parse turns one text message into a command, or a *fielderr.Error naming
// what is wrong.
func parse(b []byte) (any, error) {
	// Duplicated keys and invalid UTF-8 anywhere, before the type is read
	// (the decoders below refuse keys in another case, with the message's
	// type known).
	if fe := strictjson.Check(b, nil); fe != nil {
		return nil, fe
	}
	var head bareMsg
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, jsonErr("", err)
	}
	switch head.Type {
	case "start":
		return parseStart(b)
	case "pause", "resume", "reset":
		if err := strict(b, &bareMsg{}); err != nil {
			return nil, err
		}
		switch head.Type {
		case "pause":
			return pauseCmd{}, nil
		case "resume":
			return resumeCmd{}, nil
		}
		return resetCmd{}, nil
	case "step":
		var m stepMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		n := 1
		if m.N != nil {
			n = *m.N
		}
		if n < 1 || n > MaxStepN {
			return nil, fielderr.New("n", "must be a whole number from 1 to %d, got %d", MaxStepN, n)
		}
		return stepCmd{n: n}, nil
	case "speed":
		var m speedMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.StepsPerSecond == nil {
			return nil, fielderr.New("steps_per_second", "missing: give a speed from %d to %d steps per second", MinSpeed, MaxSpeed)
		}
		if err := fielderr.Range("steps_per_second", *m.StepsPerSecond, MinSpeed, MaxSpeed); err != nil {
			return nil, err
		}
		return speedCmd{speed: *m.StepsPerSecond}, nil
	case "set":
		var m setMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if m.Run == nil {
			return nil, fielderr.New("run", "missing: which run to change (0, 1, ...)")
		}
		c := setCmd{run: *m.Run, clip: m.Clip, schedule: m.Schedule}
		if len(m.Hyper) > 0 && string(m.Hyper) != "null" {
			if err := strictjson.Decode(m.Hyper, &c.hyper); err != nil {
				return nil, jsonErr("hyper", err)
			}
		}
		if c.hyper.IsZero() && c.clip == nil && c.schedule == nil {
			return nil, fielderr.New("", `a "set" changes "hyper", "clip" or "schedule"; it has none`)
		}
		return c, nil
	case "view":
		var m viewMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		if err := checkView("", m); err != nil {
			return nil, err
		}
		return viewCmd{view: m}, nil
	case "plane":
		var m planeMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		c := planeCmd{plane: zoo.PlaneSpec{Kind: m.Kind, Seed: m.Seed, Run: m.Run}}
		if m.K != nil {
			c.plane.K = *m.K
		}
		c.now = m.K == nil && m.Run != nil
		if c.plane.Kind == "" {
			return nil, fielderr.New("kind", "missing: the plane to draw on (%s)", strings.Join(zoo.PlaneKinds, ", "))
		}
		if err := c.plane.Validate(); err != nil {
			return nil, err
		}
		return c, nil
	case "hessian":
		var m hessianMsg
		if err := strict(b, &m); err != nil {
			return nil, err
		}
		switch {
		case m.At != nil && m.Run != nil:
			return nil, fielderr.New("", `give "at" or "run", not both`)
		case m.At != nil:
			if err := fielderr.Finite("at", m.At); err != nil {
				return nil, err
			}
			return hessianCmd{at: m.At, run: -1}, nil
		case m.Run != nil:
			return hessianCmd{run: *m.Run}, nil
		}
		return nil, fielderr.New("at", `missing: give "at": [x, y] or "run": i`)
	case "cancel", "spectrum", "interpolate", "fidelity", "regions":
		return parseAnalysis(head.Type, b)
	case "sharpness":
		return parseSharpness(b)
	case taskHypermap, taskBasins:
		return parseMaps(head.Type, b)
	case msgDecay:
		return parseDecay(b)
	case taskHonest:
		return parseHonest(b)
	case "room_open", "room_join", "room_close", "fork", "follow", "room_state":
		return parseRoom(head.Type, b)
	case "":
		return nil, fielderr.New("type", "missing: every message needs a \"type\" (%s)", messageTypes)
	}
	return nil, fielderr.New("type", "unknown message type %q; known: %s", head.Type, messageTypes)
}

func parseStart(b []byte) (any, error) {
	var m startMsg
	if err := strict(b, &m); err != nil {
		return nil, err
	}
	c := startCmd{
		req:      scene.Request{Objective: m.Objective, Start: m.Start, Seed: m.Seed, Plane: m.Plane},
		view:     m.View,
		speed:    DefaultSpeed,
		maxSteps: DefaultMaxSteps,
		paused:   m.Paused,
	}
	for i, raw := range m.Runs {
		var rs scene.RunSpec
		if err := strictjson.Decode(raw, &rs); err != nil {
			// Its errors' fields are relative to the run; their byte offsets,
			// to the run's JSON, not the message's.
			var fe *fielderr.Error
			if errors.As(err, &fe) {
				cp := *fe
				cp.Offset = -1
				err = &cp
			}
			return nil, jsonErr(fmt.Sprintf("runs[%d]", i), err)
		}
		c.req.Runs = append(c.req.Runs, rs)
	}
	if m.StepsPerSecond != nil {
		if err := fielderr.Range("steps_per_second", *m.StepsPerSecond, MinSpeed, MaxSpeed); err != nil {
			return nil, err
		}
		c.speed = *m.StepsPerSecond
	}
	if m.MaxSteps != nil {
		// 0 is the start alone, as "steps": 0 is for /api/run.
		if *m.MaxSteps < 0 || *m.MaxSteps > scene.MaxSteps {
			return nil, fielderr.New("max_steps", "must be from 0 (the start alone) to %d, got %d", scene.MaxSteps, *m.MaxSteps)
		}
		c.maxSteps = *m.MaxSteps
	}
	if m.View != nil {
		if err := checkView("view", *m.View); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func checkView(prefix string, v viewMsg) error {
	field := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	for _, ax := range []struct {
		name string
		r    [2]float64
	}{{"x", v.X}, {"y", v.Y}} {
		if err := fielderr.Finite(field(ax.name), ax.r[:]); err != nil {
			return err
		}
		if !(ax.r[0] < ax.r[1]) {
			return fielderr.New(field(ax.name), "must be [lo, hi] with lo < hi, got [%g, %g]", ax.r[0], ax.r[1])
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"nx", v.NX}, {"ny", v.NY}} {
		if n.v < MinGrid || n.v > MaxGrid {
			return fielderr.New(field(n.name), "must be from %d to %d, got %d", MinGrid, MaxGrid, n.v)
		}
	}
	return nil
}

// strict decodes exactly one JSON object into v with strictjson (the API's
// decoder: unknown keys, keys in another case and duplicated keys refused)
// and explains what is wrong as a *fielderr.Error.
func strict(b []byte, v any) error { return jsonErr("", strictjson.Decode(b, v)) }

const jsonMsgPrefix = "bad JSON"

// jsonErr turns a decoding error into a *fielderr.Error under prefix.
func jsonErr(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fielderr.Prefix(prefix, fe)
	}
	var tr *strictjson.TrailingError
	if errors.As(err, &tr) {
		return &fielderr.Error{Field: prefix, Msg: jsonMsgPrefix + ": one object per message, found more after it", Offset: tr.Offset}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fielderr.Prefix(prefix, &fielderr.Error{Field: te.Field,
			Msg: fmt.Sprintf("must be a %s, got %s", jsonKind(te.Type.String()), te.Value), Offset: -1})
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &fielderr.Error{Field: prefix, Msg: jsonMsgPrefix + ": " + se.Error(), Offset: int(se.Offset)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if uq, e := strconv.Unquote(name); e == nil {
			name = uq
		}
		return fielderr.Prefix(prefix, fielderr.New(name, "unknown field"))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fielderr.New(prefix, "%s: the message is empty or cut short", jsonMsgPrefix)
	}
	return fielderr.New(prefix, "%s: %v", jsonMsgPrefix, err)
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "float"):
		return "number"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "whole number"
	case goType == "string":
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "["):
		return "list"
	}
	return "JSON object"
}
