// Package web serves Saddle's pages (templ components in web/templates) and
// its static ES modules and CSS, embedded in the binary.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"

	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
	"github.com/saddle-viz/saddle/web/templates"
)

//go:embed static
var staticFiles embed.FS

// Options configure the pages.
type Options struct {
	// BasePath is the path prefix the server is reached under behind a
	// reverse proxy ("" or "/saddle"); links and the WebSocket URL follow it.
	BasePath string
	// FrameAncestors are the CSP sources allowed to frame /embed ("" is
	// DefaultFrameAncestors, any site); no site may frame the other pages.
	FrameAncestors string
	// Sources serves the scripts and styles as they are in the repo, for
	// a developer reading them in the browser (-minify=false); else they
	// are served minified.
	Sources bool
}

// favicon is the site's icon (static/favicon.svg).
var favicon = func() []byte {
	b, err := staticFiles.ReadFile("static/favicon.svg")
	if err != nil {
		panic("web: " + err.Error())
	}
	return b
}()

// Static returns the embedded static files (ES modules and CSS).
func Static() fs.FS {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("web: " + err.Error())
	}
	return static
}

// servedFile is a static file as the page gets it, with its ETag.
type servedFile struct {
	body []byte
	etag string
}

// minifier minifies the page's ES modules and styles.
func minifier() *minify.M {
	m := minify.New()
	m.Add("text/javascript", &js.Minifier{})
	m.Add("text/css", &css.Minifier{})
	return m
}

// minifiable returns the media type a static file is minified as, or ""
// for one served as it is (images, and the tests, which are not served).
func minifiable(name string) string {
	switch {
	case strings.HasSuffix(name, ".test.mjs"):
		return ""
	case path.Ext(name) == ".mjs":
		return "text/javascript"
	case path.Ext(name) == ".css":
		return "text/css"
	}
	return ""
}

// Minified returns the page's scripts and styles minified, by their name
// under static/ ("app.mjs"). The sources in the repo stay readable (and
// node --test imports them); the page gets these, about a third smaller.
// A file the minifier refuses is an error naming it.
func Minified(fsys fs.FS) (map[string][]byte, error) {
	m := minifier()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || minifiable(name) == "" {
			return err
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := m.Minify(minifiable(name), &buf, bytes.NewReader(src)); err != nil {
			return fmt.Errorf("minifying static/%s: %w", name, err)
		}
		out[name] = buf.Bytes()
		return nil
	})
	return out, err
}

// served is what /static/ answers with for the scripts and styles:
// minified once per process, at the first Routes; a file that does not
// minify stops the server at start (and fails TestMinified).
var served = sync.OnceValue(func() map[string]servedFile {
	files, err := Minified(Static())
	if err != nil {
		panic("web: " + err.Error())
	}
	out := make(map[string]servedFile, len(files))
	for name, body := range files {
		sum := sha256.Sum256(body)
		out[name] = servedFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return out
})

// Data returns what the explorer renders and hands to its scripts.
func Data(opts Options) templates.PageData {
	return templates.PageData{
		Base:       strings.TrimRight(opts.BasePath, "/"),
		Objectives: zoo.Catalogue(), // the 2-D ones and the projected models
		Optimizers: optim.Catalogue(),
		Scenes:     templates.Scenes(),
	}
}

// Routes mounts the explorer on "/", the lessons on "/lessons" and
// "/lessons/{id}", the embeddable figure on "/embed", the static files
// on "/static/*" and the icon on "/favicon.ico". Their security headers
// come from SecurityHeaders, which the caller puts in front of every route.
func Routes(r chi.Router, opts Options) {
	files := http.FileServerFS(Static())
	var small map[string]servedFile // nil: the sources, as embedded
	if !opts.Sources {
		small = served()
	}
	r.Handle("/static/*", http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// The file's name is what the route matched after "/static/": the
		// request's path still holds the base path when mounted under one.
		name := chi.URLParam(req, "*")
		// Tests skip *.test.mjs; they are part of the repo, not of the page.
		if strings.HasSuffix(name, ".test.mjs") {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		if f, ok := small[name]; ok {
			// Revalidated by its ETag: a new build's files differ.
			w.Header().Set("ETag", f.etag)
			http.ServeContent(w, req, name, time.Time{}, bytes.NewReader(f.body))
			return
		}
		r2 := new(http.Request)
		*r2 = *req
		u := *req.URL
		u.Path, u.RawPath = "/"+name, ""
		r2.URL = &u
		files.ServeHTTP(w, r2)
	}))
	// The projected objectives' forms and panels, fetched with model.mjs (model.templ).
	r.Get("/partials/model-controls", func(w http.ResponseWriter, req *http.Request) {
		writePage(w, req, templates.ModelParts(Data(opts)))
	})
	r.Get("/partials/share-dialog", func(w http.ResponseWriter, req *http.Request) {
		writePage(w, req, templates.ShareDialog())
	})
	// The page links its icon (/static/favicon.svg); browsers and tools
	// that ask for /favicon.ico get the same image.
	r.Get("/favicon.ico", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "max-age=86400")
		_, _ = w.Write(favicon)
	})
	r.Get("/oembed", oembed(opts))
	r.Get("/", func(w http.ResponseWriter, req *http.Request) {
		d := Data(opts)
		d.OEmbed = oembedLink(req, d.Base)
		// Render into a buffer so a failure is a clean 500, not half a page.
		var buf bytes.Buffer
		if err := templates.Explorer(d).Render(req.Context(), &buf); err != nil {
			slog.Error("render explorer", "err", err)
			http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(buf.Bytes())
	})
	lessonRoutes(r, opts)
}
