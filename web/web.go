// Package web serves Saddle's pages (templ components in web/templates) and
// its static ES modules and CSS, embedded in the binary.
package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
)

//go:embed static
var staticFiles embed.FS

// Options configure the pages.
type Options struct {
	// BasePath is the path prefix the server is reached under behind a
	// reverse proxy ("" or "/saddle"); links and the WebSocket URL follow it.
	BasePath string
}

// Routes mounts the pages and static files on r.
// PLACEHOLDER: the explorer page is being written.
func Routes(r chi.Router, opts Options) {
	static, _ := fs.Sub(staticFiles, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>Saddle</title><p>Saddle: the explorer page is coming.</p>"))
	})
}
