package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/saddle-viz/saddle/internal/lessons"
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
		d.Embed = EmbedFromQuery(q.Get("controls"), q.Get("autoplay"), q.Get("theme"))
		if id := q.Get("lesson"); id != "" {
			l, ok := lessons.Get(id)
			if !ok {
				http.Error(w, "no such lesson "+id+"; see "+base+"/lessons", http.StatusNotFound)
				return
			}
			d.Lesson = LessonData(l, base)
		}
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

// EmbedFromQuery reads /embed's options; a value it does not know falls
// back to the default, so an old snippet never breaks a course page.
func EmbedFromQuery(controls, autoplay, theme string) *templates.EmbedOptions {
	pick := func(v string, allowed []string) string {
		for _, a := range allowed {
			if v == a {
				return v
			}
		}
		return allowed[0]
	}
	return &templates.EmbedOptions{
		Controls: pick(controls, templates.EmbedControls),
		Autoplay: autoplay == "1" || autoplay == "true",
		Theme:    pick(theme, templates.EmbedThemes),
	}
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
