package api

import (
	"net/http"
	"strings"

	"github.com/saddle-viz/saddle/internal/figure"
	"github.com/saddle-viz/saddle/web"
)

// figureGET answers GET /api/figure?scene=<base64url of a figure request>:
// one HTML file that replays the scene without a server (internal/figure),
// as a download. The same scene gives the same bytes, so it is cached as
// the other GET ?scene= answers are; the work goes through the heavy pool.
func (h *handlers) figureGET(base string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, e := sceneBody(r)
		if e != nil {
			writeError(w, e)
			return
		}
		var req figure.Request
		if e := decodeBytes(body, &req); e != nil {
			writeError(w, e)
			return
		}
		origin := web.RequestOrigin(r) + base
		p, err := figure.Prepare(req, figure.Options{Origin: origin})
		if err != nil {
			writeError(w, userError(err))
			return
		}
		// The default live link names the host asked, so it is part of the key.
		if cacheable(w, r, etagOf("figure", append(canonical(req), "\n"+origin...))) {
			return
		}
		release, ok := h.heavy(w, &r)
		if !ok {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
			return
		}
		defer release()
		b, err := figure.Build(r.Context(), p, figure.Options{Grids: h.grids.cache, Origin: origin})
		if err != nil {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
			writeError(w, gridError(err))
			return
		}
		name := "saddle-figure"
		if req.Lesson != "" {
			name = "saddle-" + req.Lesson
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`.html"`)
		// Opened in place rather than saved, it runs under its own policy.
		w.Header().Set("Content-Security-Policy", figure.Policy+"; frame-ancestors 'none'")
		_, _ = w.Write(b)
	}
}
