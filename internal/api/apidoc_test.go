package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/saddle-viz/saddle/internal/apidoc"
)

// TestAPIDocumentRoutes: every route the router serves is in docs/API.md's
// "Routes" table, and every route there is served.
func TestAPIDocumentRoutes(t *testing.T) {
	doc, err := apidoc.Names("Routes")
	if err != nil {
		t.Fatal(err)
	}
	r, ok := NewHandler(Options{}).(chi.Routes)
	if !ok {
		t.Fatal("NewHandler's router does not list its routes")
	}
	methods := map[string][]string{} // route -> methods
	err = chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// Mounted routers report "/sub/*" patterns with the mount point
		// doubled as "//"; a GET also answers HEAD, which is not listed.
		route = strings.ReplaceAll(route, "/*/", "/")
		if route != "/" {
			route = strings.TrimSuffix(route, "/")
		}
		if method == http.MethodHead {
			return nil
		}
		methods[route] = append(methods[route], method)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var code []string
	for route, ms := range methods {
		if len(ms) > 4 {
			ms = []string{"GET"} // a Handle (any method): /ws and /static/* answer GET
		}
		for _, m := range ms {
			code = append(code, m+" "+route)
		}
	}
	if err := apidoc.Diff("routes", doc, code); err != nil {
		t.Error(err)
	}
}
