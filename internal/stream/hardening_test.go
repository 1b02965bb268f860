package stream

import (
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestStrictMessages (issue 14, defect 2): keys in another case, keys given
// twice and a clipping threshold of 0 are refused with the field named, as
// the API refuses them; the session carries on.
func TestStrictMessages(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	const objective = `"objective":{"id":"quadratic"}`
	cases := []struct {
		name, msg, field, words string
	}{
		{"type in capitals", `{"TYPE":"pause"}`, "TYPE", `did you mean "type"`},
		{"a key in capitals beside the real one", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd"}],"RUNS":[{"optimizer":"adam"}]}`, "RUNS", `did you mean "runs"`},
		{"objective's id in capitals", `{"type":"start","objective":{"ID":"rosenbrock"},"runs":[{"optimizer":"gd"}]}`, "objective.ID", `did you mean "id"`},
		{"run's key in capitals", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd"},{"Optimizer":"adam"}]}`, "runs[1].Optimizer", "case-sensitive"},
		{"view's key in capitals", `{"type":"view","x":[0,1],"y":[0,1],"nx":8,"NY":8}`, "NY", `did you mean "ny"`},
		{"duplicate type", `{"type":"pause","type":"start"}`, "type", "duplicate"},
		{"duplicate hyperparameter", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd","hyper":{"lr":0.1,"lr":5}}]}`, "runs[0].hyper.lr", "duplicate"},
		{"duplicate in a set", `{"type":"set","run":0,"run":1,"hyper":{"lr":0.1}}`, "run", "duplicate"},
		{"clip by a norm of 0", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd","clip":{"norm":0}}]}`, "runs[0].clip.norm", "above 0"},
		{"clip by a value of 0", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd","clip":{"value":0}}]}`, "runs[0].clip.value", "above 0"},
		{"negative max_steps", `{"type":"start",` + objective + `,"runs":[{"optimizer":"gd"}],"max_steps":-1}`, "max_steps", "from 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.send(tc.msg)
			m, err := c.read(5 * time.Second)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if m.Type != "error" || m.Field != tc.field || !strings.Contains(m.Error, tc.words) {
				t.Errorf("got %s, want an error on %q saying %q", m.Raw, tc.field, tc.words)
			}
		})
	}
	c.t = t
	// After the errors, a scene plays; a live "set" with a 0 threshold is
	// refused, and {} turns clipping off as before.
	c.send(`{"type":"start",` + objective + `,"runs":[{"optimizer":"gd","clip":{"norm":1}}],"paused":true,"view":{"x":[-3,3],"y":[-3,3],"nx":8,"ny":8}}`)
	c.untilAll(5*time.Second, "paused status and landscape", isSession("paused"), isFinalLandscape)
	c.send(`{"type":"set","run":0,"clip":{"norm":0}}`)
	if m, err := c.read(5 * time.Second); err != nil || m.Type != "error" || m.Field != "clip.norm" {
		t.Errorf("set clip norm 0: got %s (%v), want an error on clip.norm", m.Raw, err)
	}
	c.send(`{"type":"set","run":0,"clip":{}}`)
	ms := c.until(5*time.Second, "a scene", func(m wire) bool { return m.Type == "scene" || m.Type == "error" })
	if last := ms[len(ms)-1]; last.Type != "scene" || strings.Contains(string(last.Raw), `"clip":{"norm"`) {
		t.Errorf("set clip {}: got %s, want a scene without clipping", last.Raw)
	}
}

// TestMaxStepsZeroIsTheStartAlone: "max_steps": 0 answers the start and
// ends every run at once as max_steps, as "steps": 0 does on /api/run.
func TestMaxStepsZeroIsTheStartAlone(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(`{"type":"start","objective":{"id":"quadratic"},"start":[1,2],"runs":[{"optimizer":"gd"}],"max_steps":0,"view":{"x":[-3,3],"y":[-3,3],"nx":8,"ny":8}}`)
	ms := c.untilAll(5*time.Second, "the run's status and the session paused",
		func(m wire) bool { return m.Type == "status" && m.Run != nil && *m.Run == 0 },
		isSession("paused"))
	for _, m := range ms {
		if m.Type == "status" && *m.Run == 0 && (m.Status != "max_steps" || m.K == nil || *m.K != 0) {
			t.Errorf("run 0: %s, want max_steps at k = 0", m.Raw)
		}
	}
	if k := lastK(ms, 0); k != 0 {
		t.Errorf("last k = %d, want only the start", k)
	}
	c.send(`{"type":"step","n":5}`)
	m := c.until(5*time.Second, "an answer to step", func(m wire) bool { return m.Type == "status" || m.Type == "frame" })
	if last := m[len(m)-1]; last.Type != "status" || last.Status != "paused" {
		t.Errorf("step after max_steps 0: %s, want the session to stay paused", last.Raw)
	}
}

// TestOverflowingSceneOverTheSocket (issue 14, defect 1): the scene that
// answered 500 on /api/run plays over /ws: no NaN or Inf on the wire (the
// pump checks every message), a run that leaves every bound ends as
// diverged with its reason, and a start whose gradient is infinite is an
// error on "start"; the session carries on.
func TestOverflowingSceneOverTheSocket(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	view := `"view":{"x":[-3,3],"y":[-3,3],"nx":8,"ny":8}`
	c.send(`{"type":"start","objective":{"expr":"1e200*x"},"start":[0,0],"runs":[{"optimizer":"gd"},{"optimizer":"adam"}],"steps_per_second":1000,` + view + `}`)
	ms := c.until(10*time.Second, "every run to end", isSession("paused"))
	var diverged bool
	for _, m := range ms {
		if m.Type == "error" {
			t.Fatalf("error: %s", m.Raw)
		}
		if m.Type == "status" && *m.Run == 0 {
			diverged = m.Status == "diverged" && m.Reason != ""
		}
		for _, p := range m.Points {
			if p.K == 0 && p.GradNorm != 1e200 {
				t.Errorf("start's grad_norm %g, want 1e200", p.GradNorm)
			}
		}
	}
	if !diverged {
		t.Error("gd on 1e200·x did not end as diverged with a reason")
	}
	c.send(`{"type":"start","objective":{"expr":"1e308*x + 1.7e308*y"},"start":[0,0],"runs":[{"optimizer":"gd"}],` + view + `}`)
	if m, err := c.read(5 * time.Second); err != nil || m.Type != "error" || m.Field != "start" {
		t.Errorf("gradient norm beyond float64: got %s (%v), want an error on start", m.Raw, err)
	}
	c.send(`{"type":"hessian","at":[0,0]}`)
	m := c.until(5*time.Second, "geometry or error", func(m wire) bool { return m.Type == "geometry" || m.Type == "error" })
	if last := m[len(m)-1]; last.Type != "error" {
		t.Errorf("hessian where gᵀg overflows: %s, want an error", last.Raw)
	}
}

// TestInvalidUTF8Closes1007 (issue 14, defect 7): a text message that is
// not UTF-8 fails the connection with 1007, as RFC 6455 §8.1 asks.
func TestInvalidUTF8Closes1007(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send("{\"type\":\"start\",\"objective\":{\"id\":\"quadratic\"},\"runs\":[{\"optimizer\":\"gd\",\"label\":\"\xff\xfe\"}]}")
	for {
		m, err := c.read(10 * time.Second)
		if err == errTimeout {
			t.Fatal("the session stayed open")
		}
		if err != nil {
			if st := websocket.CloseStatus(err); st != websocket.StatusInvalidFramePayloadData {
				t.Fatalf("closed with %v (%v), want 1007", st, err)
			}
			return
		}
		if m.Type != "error" {
			t.Fatalf("got %s before the close", m.Raw)
		}
	}
}

// A step the method could not take ends the run where it stood: the page
// gets that point once (a repeated k would draw it twice, put a duplicate
// row in its CSV and a zero-length segment on its loss curve) and a
// diverged status that says why.
func TestFailedStepSendsNoRepeatedPoint(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(`{"type":"start","objective":{"expr":"x^2 - y^2"},"start":[0.5,0.01],"runs":[{"optimizer":"newton","hyper":{"damping":2}},{"optimizer":"gd","hyper":{"lr":0.1}}],"steps_per_second":1000,"max_steps":30,"view":{"x":[-1,1],"y":[-1,1],"nx":8,"ny":8}}`)
	ms := c.until(10*time.Second, "every run to end", isSession("paused"))
	var ks []int
	var reason string
	for _, m := range ms {
		if m.Type == "status" && m.Run != nil && *m.Run == 0 {
			reason = m.Status + ": " + m.Reason
		}
		for _, p := range m.Points {
			if p.Run == 0 {
				ks = append(ks, p.K)
			}
		}
	}
	if len(ks) != 1 || ks[0] != 0 {
		t.Errorf("newton's points have k = %v, want the start's alone", ks)
	}
	if !strings.HasPrefix(reason, "diverged: ") || !strings.Contains(reason, "singular") {
		t.Errorf("newton's status is %q, want diverged with the singular matrix as its reason", reason)
	}
	if k := lastK(ms, 1); k != 30 {
		t.Errorf("gd beside it reached k = %d, want 30", k)
	}
}
