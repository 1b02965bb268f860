package templates

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/scene"
)

// twoLessons is a fixed, small set of lessons so the tests do not follow
// every change to the catalogue.
func twoLessons() []lessons.Lesson {
	return []lessons.Lesson{
		{ID: "valley", Title: "A <narrow> valley", Section: "8.6.1 (draft 8.5.1)", Figure: "the figure of a valley", Summary: "GD zig-zags.", Caption: "Steep across, shallow along.",
			Script: []lessons.Cue{{At: 0, Text: "Press play."}, {At: 10, Text: "The zig-zag."}}},
		{ID: "momentum", Title: "Momentum", Section: "8.3.3", Summary: "It rolls.", Caption: "Velocity builds up.",
			Scene: scene.Request{Runs: []scene.RunSpec{{Optimizer: "momentum"}}}},
	}
}

func TestLessonsIndexGroupsBySection(t *testing.T) {
	ls := twoLessons()
	groups := []lessons.Group{{Section: "8.2", Title: "Challenges", Lessons: ls[:1]}, {Section: "8.3", Title: "Basic algorithms", Lessons: ls[1:]}}
	var buf bytes.Buffer
	if err := LessonsIndex(IndexData{Base: "/saddle", Groups: groups}).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	gs := byTestID(doc, "lesson-group")
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2", len(gs))
	}
	for i, g := range gs {
		if s, _ := attr(g, "data-section"); s != groups[i].Section {
			t.Errorf("group %d section %q, want %q", i, s, groups[i].Section)
		}
		if !strings.Contains(text(g), groups[i].Title) {
			t.Errorf("group %d does not name its section %q", i, groups[i].Title)
		}
		cards := byTestID(g, "lesson-card")
		if len(cards) != 1 {
			t.Fatalf("group %d has %d cards, want 1", i, len(cards))
		}
		l := groups[i].Lessons[0]
		img := byTestID(cards[0], "lesson-thumb")[0]
		if src, _ := attr(img, "src"); src != "/saddle/lessons/"+l.ID+"/thumb.png" {
			t.Errorf("thumbnail %q", src)
		}
		if w, _ := attr(img, "width"); w != "240" {
			t.Errorf("thumbnail width %q, want 240 (the server renders 240×180)", w)
		}
		if href, _ := attr(byTestID(cards[0], "lesson-link")[0], "href"); href != "/saddle/lessons/"+l.ID {
			t.Errorf("link %q", href)
		}
		if !strings.Contains(text(cards[0]), l.Summary) || !strings.Contains(text(cards[0]), "§"+l.Section) {
			t.Errorf("card %q lacks the summary or section", text(cards[0]))
		}
	}
	if strings.Contains(buf.String(), "<narrow>") {
		t.Error("a title reached the page unescaped")
	}
	if !strings.Contains(text(gs[0]), "the figure of a valley") {
		t.Error("the figure is not shown")
	}
}

func TestLessonBar(t *testing.T) {
	ls := twoLessons()
	next := ls[1].Entry()
	d := fixture()
	d.Lesson = &LessonData{Lesson: ls[0], URL: "/saddle/lessons/valley", Next: &next, NextURL: "/saddle/lessons/momentum"}
	page, doc := render(t, d)
	checks := []struct {
		id, want string
	}{
		{"lesson-title", "A <narrow> valley"},
		{"lesson-where", "§8.6.1 (draft 8.5.1) · the figure of a valley"},
		{"lesson-caption", "Steep across, shallow along."},
		{"next-lesson", "next: Momentum →"},
	}
	for _, c := range checks {
		n := byTestID(doc, c.id)
		if len(n) != 1 || text(n[0]) != c.want {
			t.Errorf("data-testid=%s: %d elements, want 1 reading %q", c.id, len(n), c.want)
		}
	}
	if href, _ := attr(byTestID(doc, "next-lesson")[0], "href"); href != "/saddle/lessons/momentum" {
		t.Errorf("next lesson href %q", href)
	}
	// lesson.mjs finds the cues under #lesson.
	if bar := byTestID(doc, "lesson"); len(bar) != 1 {
		t.Error("no lesson bar")
	} else if id, _ := attr(bar[0], "id"); id != "lesson" {
		t.Errorf("the lesson bar's id is %q, the scripts look for #lesson", id)
	}
	cues := byTestID(doc, "cue")
	if len(cues) != 2 {
		t.Fatalf("%d cues, want 2", len(cues))
	}
	if at, _ := attr(cues[1], "data-at"); at != "10" || !strings.Contains(text(cues[1]), "The zig-zag.") {
		t.Errorf("second cue at %q: %q", at, text(cues[1]))
	}
	if !strings.Contains(page, "<title>A &lt;narrow&gt; valley — Saddle lesson 8.6.1 (draft 8.5.1)</title>") {
		t.Error("the document title is not the lesson's")
	}
	// The explorer's controls are all still there: a lesson is the explorer, preloaded.
	for _, id := range []string{"play", "step", "panels", "plot-loss", "share"} {
		if len(byTestID(doc, id)) != 1 {
			t.Errorf("a lesson page lacks %s", id)
		}
	}
	if len(byTestID(doc, "embed")) != 0 {
		t.Error("a lesson page is marked as an embed")
	}

	// The last lesson has no next link; the explorer has no lesson bar.
	d.Lesson = &LessonData{Lesson: ls[1]}
	_, doc = render(t, d)
	if len(byTestID(doc, "next-lesson")) != 0 || len(byTestID(doc, "script")) != 0 {
		t.Error("a lesson without a next lesson or script shows them")
	}
	_, doc = render(t, fixture())
	if len(byTestID(doc, "lesson")) != 0 {
		t.Error("the explorer shows a lesson bar")
	}
}

func TestEmbedFlag(t *testing.T) {
	d := fixture()
	d.Embed = &EmbedOptions{Controls: "none", Theme: "dark", Autoplay: true}
	_, doc := render(t, d)
	f := byTestID(doc, "embed")
	if len(f) != 1 {
		t.Fatalf("%d embed markers, want 1", len(f))
	}
	if c, _ := attr(f[0], "data-controls"); c != "none" {
		t.Errorf("data-controls %q", c)
	}
	if th, _ := attr(f[0], "data-theme"); th != "dark" {
		t.Errorf("data-theme %q", th)
	}
	// The scripts still find every element they drive (hidden by CSS).
	for _, id := range []string{"play", "panels", "legend", "step-count"} {
		if len(byTestID(doc, id)) != 1 {
			t.Errorf("an embed lacks %s", id)
		}
	}
}
