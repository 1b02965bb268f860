package web

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
	"github.com/saddle-viz/saddle/web/templates"
)

// lessonRoutes mounts the lessons index, the lesson pages, their
// thumbnails and the /embed page.
func lessonRoutes(r chi.Router, opts Options) {
	base := strings.TrimRight(opts.BasePath, "/")
	th := &thumbs{}
	r.Get("/lessons", func(w http.ResponseWriter, req *http.Request) {
		writePage(w, req, templates.LessonsIndex(templates.IndexData{Base: base, Groups: lessons.Groups()}))
	})
	r.Get("/lessons/{id}", func(w http.ResponseWriter, req *http.Request) {
		l, ok := lessons.Get(chi.URLParam(req, "id"))
		if !ok {
			http.Error(w, "no such lesson; see "+base+"/lessons", http.StatusNotFound)
			return
		}
		d := Data(opts)
		d.Lesson = LessonData(l, base)
		d.OEmbed = oembedLink(req, base)
		writePage(w, req, templates.Explorer(d))
	})
	r.Get("/lessons/{id}/thumb.png", func(w http.ResponseWriter, req *http.Request) {
		l, ok := lessons.Get(chi.URLParam(req, "id"))
		if !ok {
			http.Error(w, "no such lesson", http.StatusNotFound)
			return
		}
		// ?variant=i draws one of the lesson's variants; none, the lesson as it opens.
		v := -1
		if q := req.URL.Query().Get("variant"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < -1 || n >= len(l.Variants) {
				http.Error(w, fmt.Sprintf("variant: want -1..%d, the lesson has %d variants", len(l.Variants)-1, len(l.Variants)), http.StatusNotFound)
				return
			}
			v = n
		}
		t := th.get(l, v)
		if t.err != nil {
			slog.Error("lesson thumbnail", "lesson", l.ID, "err", t.err)
			http.Error(w, "the thumbnail could not be drawn", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-cache") // revalidated by ETag: a new build may draw it anew
		w.Header().Set("ETag", t.etag)
		http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(t.png))
	})
	r.Get("/embed", func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		d := Data(opts)
		var lesson *lessons.Lesson
		if id := q.Get("lesson"); id != "" {
			l, ok := lessons.Get(id)
			if !ok {
				http.Error(w, "no such lesson "+id+"; see "+base+"/lessons", http.StatusNotFound)
				return
			}
			d.Lesson = LessonData(l, base)
			lesson = &l
		}
		e, err := ParseEmbed(q, lesson)
		if err != nil {
			// Strict: an author sees at once what the link got wrong.
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.Embed = e
		writePage(w, req, templates.Explorer(d))
	})
}

// LessonData is lesson l as its page shows it, with its URL and the next
// lesson's under base.
func LessonData(l lessons.Lesson, base string) *templates.LessonData {
	d := &templates.LessonData{Lesson: l, URL: base + "/lessons/" + l.ID}
	if n, ok := lessons.Next(l.ID); ok {
		e := n.Entry()
		d.Next = &e
		d.NextURL = base + "/lessons/" + n.ID
	}
	return d
}

// ParseEmbed reads /embed's options from its query, strictly: a value it
// does not know is an error whose text starts with the parameter's name.
// lesson is the lesson the embed shows (nil: none); the chosen controls
// (controls=play,run1.lr,...) are checked against the scene the page opens
// on, as app.mjs decides it: the link's runs, else the lesson's, else the
// ready scene's (scene=, or the first).
func ParseEmbed(q url.Values, lesson *lessons.Lesson) (*templates.EmbedOptions, error) {
	e := &templates.EmbedOptions{Controls: templates.EmbedControls[0], Theme: templates.EmbedThemes[0]}
	flag := func(name string) (bool, error) {
		switch v := q.Get(name); v {
		case "", "0", "false":
			return false, nil
		case "1", "true":
			return true, nil
		default:
			return false, fmt.Errorf("%s: %q is not 1 or 0", name, v)
		}
	}
	var err error
	if e.Autoplay, err = flag("autoplay"); err != nil {
		return nil, err
	}
	if e.Caption, err = flag("caption"); err != nil {
		return nil, err
	}
	if e.Cues, err = flag("cues"); err != nil {
		return nil, err
	}
	if v := q.Get("theme"); v != "" {
		if !slices.Contains(templates.EmbedThemes, v) {
			return nil, fmt.Errorf("theme: %q is not one of %s", v, strings.Join(templates.EmbedThemes, ", "))
		}
		e.Theme = v
	}
	sc := embedScene(q, lesson)
	if e.Cues && (lesson == nil || len(lesson.Script) == 0) {
		return nil, errors.New("cues: only a lesson's embed has cues (lesson=id with a script)")
	}
	if e.Caption && lesson == nil && sc.caption == "" {
		return nil, errors.New("caption: only a lesson (lesson=id) or a ready scene (scene=id) has a caption")
	}
	if v, ok := q["controls"]; ok {
		c := v[0]
		if slices.Contains(templates.EmbedControls, c) {
			e.Controls = c
		} else if e.Pick, err = parsePick(c, sc); err != nil {
			return nil, err
		} else {
			e.Controls = "pick"
		}
	}
	return e, nil
}

// embedView is what the chosen controls are checked against: the
// objective's slider parameters and each run's hyperparameters.
type embedView struct {
	params  []string
	runs    [][]string // hyperparameter names per run
	names   []string   // the optimizer of each run
	caption string     // the ready scene's caption, if the page opens on one
}

func embedScene(q url.Values, lesson *lessons.Lesson) embedView {
	var v embedView
	hyper := func(id string) {
		v.names = append(v.names, id)
		var hs []string
		for _, o := range optim.Catalogue() {
			if o.ID == id {
				for _, h := range o.Hyper {
					hs = append(hs, h.Name)
				}
			}
		}
		v.runs = append(v.runs, hs)
	}
	params := func(id string) {
		if info, ok := zoo.Lookup(id); ok && !info.Projected {
			for _, p := range info.Params {
				v.params = append(v.params, p.Name)
			}
		}
	}
	var runs []string
	for _, r := range q["run"] {
		if id, _, _ := strings.Cut(r, "|"); id != "" {
			runs = append(runs, id)
		}
	}
	scenes := templates.Scenes()
	switch {
	case len(runs) > 0: // the link's own scene, as urlstate.mjs decodes it
		for _, id := range runs {
			hyper(id)
		}
		if !q.Has("expr") {
			obj := "quadratic"
			if q.Has("obj") {
				obj = q.Get("obj")
			}
			params(obj)
		}
		if i := slices.IndexFunc(scenes, func(s templates.Scene) bool { return s.ID == q.Get("scene") }); i >= 0 {
			v.caption = scenes[i].Caption
		}
	case lesson != nil:
		for _, r := range lesson.Scene.Runs {
			hyper(r.Optimizer)
		}
		params(lesson.Scene.Objective.ID)
	default:
		i := slices.IndexFunc(scenes, func(s templates.Scene) bool { return s.ID == q.Get("scene") })
		if !q.Has("scene") && len(scenes) > 0 {
			i = 0
		}
		if i >= 0 {
			s := scenes[i]
			for _, r := range s.Runs {
				hyper(r.Optimizer)
			}
			params(s.Objective.ID)
			if q.Has("scene") {
				v.caption = s.Caption
			}
		}
	}
	return v
}

// parsePick reads a list of chosen controls: play (play, step, reset and
// the step counter), speed, runN.<hyperparameter> (N from 0, as in pair=)
// and p.<objective parameter>.
func parsePick(list string, sc embedView) ([]string, error) {
	const want = "want play, sliders, none, or a comma list of play, speed, runN.<hyperparameter> (N from 0), p.<parameter>"
	var out []string
	for _, c := range strings.Split(list, ",") {
		if slices.Contains(out, c) {
			return nil, fmt.Errorf("controls: %q is listed twice", c)
		}
		switch {
		case c == "play" || c == "speed":
		case c == "":
			return nil, fmt.Errorf("controls: an empty entry in %q; %s", list, want)
		case strings.HasPrefix(c, "p."):
			if !slices.Contains(sc.params, c[2:]) {
				return nil, fmt.Errorf("controls: %q: the objective has no slider %q (its sliders: %s)", c, c[2:], orNone(sc.params))
			}
		case strings.HasPrefix(c, "run"):
			n, name, ok := strings.Cut(c[3:], ".")
			r, err := strconv.Atoi(n)
			if !ok || err != nil || r < 0 || n != strconv.Itoa(r) {
				return nil, fmt.Errorf("controls: %q is not runN.<hyperparameter>; %s", c, want)
			}
			if r >= len(sc.runs) {
				return nil, fmt.Errorf("controls: %q: the scene has %d runs, run0 to run%d", c, len(sc.runs), len(sc.runs)-1)
			}
			if !slices.Contains(sc.runs[r], name) {
				return nil, fmt.Errorf("controls: %q: run %d is %s, whose hyperparameters are %s", c, r, sc.names[r], orNone(sc.runs[r]))
			}
		default:
			return nil, fmt.Errorf("controls: unknown control %q; %s", c, want)
		}
		out = append(out, c)
	}
	return out, nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// writePage renders c into a buffer first, so a failure is a clean 500 and
// not half a page.
func writePage(w http.ResponseWriter, req *http.Request, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(req.Context(), &buf); err != nil {
		slog.Error("render page", "path", req.URL.Path, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(buf.Bytes())
}
