package web_test

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/web"
)

// TestMinified minifies every embedded script and style as the server
// does at start: each must minify, to something non-empty and smaller
// than its source (a module the minifier refuses fails here, not in a
// browser).
func TestMinified(t *testing.T) {
	min, err := web.Minified(web.Static())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	err = fs.WalkDir(web.Static(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".test.mjs") || !(strings.HasSuffix(name, ".mjs") || strings.HasSuffix(name, ".css")) {
			return err
		}
		want++
		src, err := fs.ReadFile(web.Static(), name)
		if err != nil {
			return err
		}
		got, ok := min[name]
		switch {
		case !ok:
			t.Errorf("%s: not minified", name)
		case len(got) == 0:
			t.Errorf("%s: minified to nothing", name)
		case len(got) >= len(src):
			t.Errorf("%s: minified to %d bytes from %d, want fewer", name, len(got), len(src))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want < 10 || len(min) != want {
		t.Errorf("minified %d files of %d scripts and styles", len(min), want)
	}
	for name := range min {
		if strings.HasSuffix(name, ".test.mjs") {
			t.Errorf("%s: a test is minified (and so would be served)", name)
		}
	}
}

// TestMinifiedRefusesBrokenModule: a module that does not parse is an
// error naming it (the server panics with it at start).
func TestMinifiedRefusesBrokenModule(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.mjs":     {Data: []byte("export const a = 1 + 2;\n")},
		"broken.mjs": {Data: []byte("export function (\n")},
	}
	_, err := web.Minified(fsys)
	if err == nil || !strings.Contains(err.Error(), "broken.mjs") {
		t.Fatalf("Minified of a broken module: %v, want an error naming broken.mjs", err)
	}
}

// TestStaticServedMinified: /static/ answers with the minified module,
// revalidated by its ETag (no-cache, then 304 for the same ETag).
func TestStaticServedMinified(t *testing.T) {
	min, err := web.Minified(web.Static())
	if err != nil {
		t.Fatal(err)
	}
	h := api.NewHandler(api.Options{BasePath: "/saddle"})
	for _, name := range []string{"app.mjs", "saddle.css"} {
		rec := get(t, h, "/saddle/static/"+name)
		if rec.Code != http.StatusOK || rec.Body.String() != string(min[name]) {
			t.Errorf("GET /static/%s = %d, %d bytes; want 200 and the %d minified bytes", name, rec.Code, rec.Body.Len(), len(min[name]))
		}
		etag := rec.Header().Get("ETag")
		if etag == "" || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET /static/%s: ETag %q, Cache-Control %q; want an ETag and no-cache", name, etag, rec.Header().Get("Cache-Control"))
			continue
		}
		if rec := get(t, h, "/saddle/static/"+name, "If-None-Match", etag); rec.Code != http.StatusNotModified {
			t.Errorf("GET /static/%s with its ETag = %d, want 304", name, rec.Code)
		}
	}
}

// TestStaticServedSources: -minify=false serves the files as they are in
// the repo, for a developer reading them in the browser.
func TestStaticServedSources(t *testing.T) {
	h := api.NewHandler(api.Options{StaticSources: true})
	for _, name := range []string{"app.mjs", "saddle.css"} {
		src, err := fs.ReadFile(web.Static(), name)
		if err != nil {
			t.Fatal(err)
		}
		if rec := get(t, h, "/static/"+name); rec.Code != http.StatusOK || rec.Body.String() != string(src) {
			t.Errorf("GET /static/%s with the sources = %d, %d bytes; want 200 and its %d source bytes", name, rec.Code, rec.Body.Len(), len(src))
		}
	}
}
