package figure

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/scene"
)

func build(t testing.TB, req Request) []byte {
	t.Helper()
	p, err := Prepare(req, Options{Origin: "https://course.example.org/saddle"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// figureData reads the player's data back out of a file.
func figureData(t *testing.T, b []byte) data {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="figure-data">(.*?)</script>`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no #figure-data")
	}
	var d data
	if err := json.Unmarshal(m[1], &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func decodeF32(t *testing.T, s string) []float32 {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// TestFigureIsTheScene: the file holds the scene as the API computes it
// (every run's points, to the step asked, to float32), the lesson's text,
// the live link, and no address the browser would fetch.
func TestFigureIsTheScene(t *testing.T) {
	const steps = 500
	b := build(t, Request{Lesson: "cliffs", Steps: ptr(steps)})
	d := figureData(t, b)
	l, _ := lessons.Get("cliffs")
	s, err := scene.Build(l.Scene)
	if err != nil {
		t.Fatal(err)
	}
	want := s.RunAll(steps)
	if len(d.Runs) != len(want) {
		t.Fatalf("%d runs, want %d", len(d.Runs), len(want))
	}
	for i, r := range d.Runs {
		if r.N != len(want[i].Points) || r.Status != want[i].Status {
			t.Errorf("run %d: %d points %s, want %d %s", i, r.N, r.Status, len(want[i].Points), want[i].Status)
		}
		xs, losses := decodeF32(t, r.X), decodeF32(t, r.Loss)
		for k, p := range want[i].Points {
			if xs[k] != float32(p.XY[0]) || losses[k] != float32(finite32(p.Loss)) {
				t.Fatalf("run %d step %d: x %g loss %g, want %g %g", i, k, xs[k], losses[k], p.XY[0], p.Loss)
			}
		}
		if got := len(decodeF32(t, r.ClipArrows)) / 5; got != want[i].Clips {
			t.Errorf("run %d clipped %d times, the file has %d clip arrows", i, want[i].Clips, got)
		}
	}
	if d.Lesson == nil || d.Lesson.Caption != l.Caption || len(d.Lesson.Cues) != len(l.Script) {
		t.Errorf("lesson text %+v", d.Lesson)
	}
	for _, c := range l.Script {
		if !bytes.Contains(b, []byte(htmlEscape(c.Text))) {
			t.Errorf("cue %q is not in the page's text", c.Text)
		}
	}
	if d.Link != "https://course.example.org/saddle/lessons/cliffs" || !bytes.Contains(b, []byte(`href="`+d.Link+`"`)) {
		t.Errorf("live link %q", d.Link)
	}
	if d.Land.NX != DefaultGrid || len(decodeF32(t, d.Land.Values)) != d.Land.NX*d.Land.NY {
		t.Errorf("landscape %d×%d", d.Land.NX, d.Land.NY)
	}
	// Nothing to fetch: no src= or url(), links only to the live version
	// (navigation, not a request), and a policy that forbids any.
	for _, re := range []string{`\ssrc=`, `url\(`, `@import`, `<link`, `fetch\(`, `new WebSocket`, `XMLHttpRequest`} {
		if loc := regexp.MustCompile(re).FindIndex(b); loc != nil {
			t.Errorf("the file has %s at %d: %.80s", re, loc[0], b[loc[0]:])
		}
	}
	if !bytes.Contains(b, []byte(`default-src 'none'`)) {
		t.Error("no Content-Security-Policy forbidding requests")
	}
	size := len(b)
	t.Logf("cliffs, %d steps, %d runs: %d bytes (%.0f KB)", steps, len(d.Runs), size, float64(size)/1024)
	if size > 300<<10 {
		t.Errorf("the figure of a 2-D lesson of %d steps is %d KB, over the 300 KB goal", steps, size>>10)
	}
	if out := os.Getenv("SADDLE_FIGURE_OUT"); out != "" {
		_ = os.WriteFile(out, b, 0o644)
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// TestFigureIsDeterministic: the same request gives the same bytes; another
// seed or step count gives others.
func TestFigureIsDeterministic(t *testing.T) {
	req := Request{Objective: ptrSpec("rosenbrock"), Runs: []scene.RunSpec{{Optimizer: "sgd"}, {Optimizer: "adam"}}, Seed: 3, Steps: ptr(120)}
	a, b := build(t, req), build(t, req)
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same request differ")
	}
	req.Seed = 4
	if bytes.Equal(a, build(t, req)) {
		t.Error("another seed (SGD's noise) gives the same file")
	}
	req.Caption = "Adam & SGD <race>"
	if c := build(t, req); !bytes.Contains(c, []byte("<figcaption>Adam &amp; SGD &lt;race&gt;</figcaption>")) {
		t.Error("the caption is not under the figure, escaped")
	}
}

func ptrSpec(id string) *lessonsSpec { return &lessonsSpec{ID: id} }

// TestFigureBadRequests: each refusal names its field.
func TestFigureBadRequests(t *testing.T) {
	gd := []scene.RunSpec{{Optimizer: "gd"}}
	for _, tc := range []struct {
		req   Request
		field string
	}{
		{Request{}, ""},
		{Request{Lesson: "nope"}, "lesson"},
		{Request{Lesson: "cliffs", Variant: ptr(99)}, "variant"},
		{Request{Variant: ptr(0), Objective: ptrSpec("rosenbrock"), Runs: gd}, "variant"},
		{Request{Runs: gd}, "objective"},
		{Request{Objective: ptrSpec("rosenbruck"), Runs: gd}, "objective.id"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, Steps: ptr(MaxSteps + 1)}, "steps"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: []scene.RunSpec{{Optimizer: "gd"}, {Optimizer: "gd"}, {Optimizer: "gd"}, {Optimizer: "gd"}}, Steps: ptr(MaxSteps)}, "steps"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, Steps: ptr(10), K: ptr(11)}, "k"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, View: &View{X: []float64{1, -1}}}, "view.x"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, View: &View{NX: ptr(1)}}, "view.nx"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, StepsPerSecond: ptr(0.0)}, "steps_per_second"},
		{Request{Objective: ptrSpec("rosenbrock"), Runs: gd, Link: "javascript:alert(1)"}, "link"},
		{Request{Lesson: "cliffs", Start: []float64{0, 0}}, "start"},
		{Request{Lesson: "cliffs", Mode: "phi"}, "mode"},
		{Request{Lesson: "cliffs", Caption: strings.Repeat("x", 2001)}, "caption"},
		{Request{Lesson: "cliffs", Pair: &[2]int{0, 2}}, "pair[1]"},
	} {
		_, err := Prepare(tc.req, Options{})
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: %v, want an error on %q", tc.req, err, tc.field)
		}
	}
}

type lessonsSpec = landscape.Spec
