// Package api serves Saddle's HTTP JSON API (API.md) with chi: the routes,
// strict JSON decoding, errors as {"error", "field"}, and the middleware every
// request goes through. NewHandler builds the whole router, pages and /ws
// included, so tests exercise the real wiring.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/stream"
	"github.com/saddle-viz/saddle/web"
)

// Options configure the handler. The zero value works.
type Options struct {
	// BasePath is the prefix every route lives under ("" or "/saddle").
	BasePath string
	// Stream serves GET /ws; nil builds a default stream.Server (same-origin only).
	Stream http.Handler
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// Grids caches landscapes; share it with the stream server so a scene's
	// grid is computed once. nil: a cache of GridCacheEntries of its own.
	Grids *landscape.GridCache
	// ReadTimeout and WriteTimeout bound each API request (not /ws, which
	// lives long). Zero means DefaultReadTimeout and DefaultWriteTimeout.
	ReadTimeout, WriteTimeout time.Duration
	// FrameAncestors are the CSP sources that may frame /embed
	// (web.ParseFrameAncestors); "" lets any site. No site may frame the rest.
	FrameAncestors string
	// AllowedHosts, when set, are the only Host names (without port) the
	// server answers; any other gets 421. It defends a server bound to
	// loopback against DNS rebinding: a foreign page whose name resolves
	// to 127.0.0.1 sends its own Host. nil: any host.
	AllowedHosts []string
	// StaticSources serves the page's scripts and styles as they are in
	// the repo (-minify=false), not minified (web.Options.Sources).
	StaticSources bool
	// Heavy bounds heavy work (budget.go); nil: a pool of HeavySlots,
	// HeavyWaiting and HeavyPerClient.
	Heavy *budget.Pool
}

// Defaults of Options.
const (
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// NormalizeBasePath turns "", "/", "saddle", "/saddle/" into "" or "/saddle".
func NormalizeBasePath(p string) (string, error) {
	p = strings.Trim(strings.TrimSpace(p), "/")
	if p == "" {
		return "", nil
	}
	if strings.ContainsAny(p, "?#{}* \t") || strings.Contains(p, "//") {
		return "", fmt.Errorf("base path %q may hold only plain path segments, such as /saddle", p)
	}
	return "/" + p, nil
}

// NewHandler returns the whole router: /healthz, /api/..., /ws and the pages,
// under opts.BasePath.
func NewHandler(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	base, err := NormalizeBasePath(opts.BasePath)
	if err != nil {
		panic("api: " + err.Error()) // a programmer error: cmd/server validates the flag
	}
	if opts.Grids == nil {
		opts.Grids = landscape.NewGridCache(GridCacheEntries)
	}
	if opts.Heavy == nil {
		opts.Heavy = budget.New(HeavySlots, HeavyWaiting, HeavyPerClient)
	}
	if opts.Stream == nil {
		// One pool for the heavy routes and the sessions' heavy tasks.
		opts.Stream = stream.New(stream.Options{Logger: opts.Logger, Grids: opts.Grids, Heavy: opts.Heavy})
	}
	h := &handlers{log: opts.Logger, grids: &grids{cache: opts.Grids}, pool: opts.Heavy}

	pages := web.Options{BasePath: base, FrameAncestors: opts.FrameAncestors, Sources: opts.StaticSources}
	r := chi.NewRouter()
	r.Use(middleware.RequestID, logRequests(opts.Logger), recoverJSON(opts.Logger), allowHosts(opts.AllowedHosts), middleware.GetHead, web.SecurityHeaders(pages))
	r.NotFound(notFound)
	r.MethodNotAllowed(methodNotAllowed)

	site := chi.NewRouter()
	site.NotFound(notFound)
	site.MethodNotAllowed(methodNotAllowed)
	site.Get("/healthz", healthz)
	site.Group(func(r chi.Router) {
		r.Use(deadlines(opts.ReadTimeout, opts.WriteTimeout))
		r.Get("/api/objectives", h.objectives)
		r.Get("/api/optimizers", h.optimizers)
		r.Get("/api/lessons", h.lessons)
		r.Get("/api/lessons/{id}", h.lesson)
		r.Get("/api/openapi.json", openapiDoc(base))
		r.Post("/api/run", h.run)
		r.Post("/api/hessian", h.hessian)
		r.Post("/api/landscape", h.landscape)
		r.Post("/api/spectrum", h.spectrum)
		r.Post("/api/interpolate", h.interpolate)
		r.Post("/api/suggest", h.suggest)
		r.Post("/api/sharpness", h.sharpness)
		r.Get("/api/sharpness", h.sharpnessGET)
		r.Post("/api/honest", h.honest)
		r.Get("/api/honest", h.honestGET)
		r.Post("/api/hypermap", h.hypermap)
		r.Post("/api/basins", h.basins)
		// GET forms keyed by the scene, cacheable forever (cached.go).
		r.Get("/api/run", h.runGET)
		r.Get("/api/landscape", h.landscapeGET)
		r.Get("/api/figure", h.figureGET(base))
		r.Get("/api/hypermap", h.hypermapGET)
		r.Get("/api/basins", h.basinsGET)
		r.Post("/api/decay", h.decay)
		r.Get("/api/decay", h.decayGET)
	})
	site.Handle("/ws", opts.Stream)
	site.Get("/r/{code}", roomJoin(opts.Stream, base)) // a room's join link (rooms.go)
	site.Get("/r/{code}/qr.png", roomQR(opts.Stream, base))
	web.Routes(site, pages)

	if base == "" {
		r.Mount("/", site)
	} else {
		r.Mount(base, site)
		r.Get("/healthz", healthz) // probes need not know the prefix
	}
	return r
}

// allowed names the methods of each API route, for the Allow header of a 405.
var allowed = map[string]string{
	"/healthz": "GET, HEAD", "/api/objectives": "GET, HEAD", "/api/optimizers": "GET, HEAD", "/api/lessons": "GET, HEAD",
	"/api/run": "GET, HEAD, POST", "/api/hessian": "POST", "/api/landscape": "GET, HEAD, POST", "/ws": "GET",
	"/api/spectrum": "POST", "/api/interpolate": "POST", "/api/suggest": "POST", "/api/openapi.json": "GET, HEAD", "/api/figure": "GET, HEAD",
	"/api/sharpness": "GET, HEAD, POST", "/api/lessons/{id}": "GET, HEAD",
	"/api/decay":  "GET, HEAD, POST",
	"/api/honest": "GET, HEAD, POST",
}

// allowHosts answers 421 Misdirected Request to a Host not in hosts
// (compared case-insensitively, port ignored); with no hosts it lets all.
func allowHosts(hosts []string) func(http.Handler) http.Handler {
	ok := map[string]bool{}
	for _, h := range hosts {
		ok[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	return func(next http.Handler) http.Handler {
		if len(ok) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host := r.Host
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			if !ok[strings.ToLower(strings.Trim(host, "[]"))] {
				writeError(w, &httpError{Status: http.StatusMisdirectedRequest, Offset: -1,
					Msg: fmt.Sprintf("this server answers only for %s, not the host %q (see -allowed-hosts)", strings.Join(hosts, ", "), r.Host)})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}

func notFound(w http.ResponseWriter, r *http.Request) {
	if isAPI(r.URL.Path) {
		writeError(w, &httpError{Status: http.StatusNotFound, Offset: -1,
			Msg: fmt.Sprintf("no such endpoint %s; see GET /api/openapi.json (the whole API), /api/objectives, /api/optimizers, /api/lessons and POST /api/run, /api/hessian, /api/landscape, /api/spectrum, /api/interpolate, /api/sharpness", r.URL.Path)})
		return
	}
	http.Error(w, "404 page not found", http.StatusNotFound)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	for p, m := range allowed {
		if strings.HasSuffix(r.URL.Path, p) || (p == "/api/lessons/{id}" && strings.Contains(r.URL.Path, "/api/lessons/")) {
			w.Header().Set("Allow", m)
			writeError(w, &httpError{Status: http.StatusMethodNotAllowed, Offset: -1,
				Msg: fmt.Sprintf("%s takes %s, not %s", p, m, r.Method)})
			return
		}
	}
	writeError(w, &httpError{Status: http.StatusMethodNotAllowed, Offset: -1,
		Msg: fmt.Sprintf("%s is not allowed here", r.Method)})
}

func isAPI(path string) bool {
	return strings.Contains(path, "/api/") || strings.HasSuffix(path, "/api")
}

// errorBody is every error the API answers.
type errorBody struct {
	Error  string `json:"error"`
	Field  string `json:"field"`
	Offset *int   `json:"offset,omitempty"`
}

func writeError(w http.ResponseWriter, e *httpError) {
	b := errorBody{Error: e.Msg, Field: e.Field}
	if e.Offset >= 0 {
		off := e.Offset
		b.Offset = &off
	}
	writeJSON(w, e.Status, b)
}

// writeJSON encodes v before writing anything, so an encoding failure (a
// non-finite number that slipped through: a bug) is a clean 500. The
// after functions run once v is encoded, before the write: a heavy
// request's release, so its slot covers the encoding (CPU) but not the
// client's reading of the answer.
func writeJSON(w http.ResponseWriter, status int, v any, after ...func()) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(errorBody{Error: "the answer could not be encoded; this is a bug, please report it"})
	}
	for _, f := range after {
		f()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// deadlines bounds an API request: reading its body, writing its answer, and
// (through the context) the computation in between. /ws is not under it.
func deadlines(read, write time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			now := time.Now()
			rc := http.NewResponseController(w)
			// Recorders in tests do not support deadlines; real connections do.
			_ = rc.SetReadDeadline(now.Add(read))
			_ = rc.SetWriteDeadline(now.Add(write))
			ctx, cancel := context.WithTimeout(r.Context(), write)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// statusWriter records the status and size of an answer. Unwrap lets
// http.ResponseController and the WebSocket upgrade reach the connection.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs one line per request when it ends (for /ws: when the
// session ends; frames are not requests).
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				status := sw.status
				if status == 0 {
					status = http.StatusSwitchingProtocols // hijacked by /ws, or nothing written
					if r.Header.Get("Upgrade") == "" {
						status = http.StatusOK
					}
				}
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", status), slog.Int("bytes", sw.bytes),
					slog.Duration("duration", time.Since(start)),
					slog.String("remote", r.RemoteAddr),
					slog.String("request_id", middleware.GetReqID(r.Context())))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// recoverJSON turns a panic (a bug) into a logged stack and a JSON 500 that
// shows no stack to the user.
func recoverJSON(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", slog.Any("panic", v),
					slog.String("path", r.URL.Path), slog.String("request_id", middleware.GetReqID(r.Context())),
					slog.String("stack", string(debug.Stack())))
				if r.Header.Get("Upgrade") == "" {
					writeError(w, &httpError{Status: http.StatusInternalServerError, Offset: -1,
						Msg: "internal error (request " + middleware.GetReqID(r.Context()) + "); this is a bug, please report it"})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// timeoutError is the answer when a computation outlives its request.
func timeoutError(err error) *httpError {
	if errors.Is(err, context.DeadlineExceeded) {
		return &httpError{Status: http.StatusServiceUnavailable, Offset: -1,
			Msg: "the computation took too long; ask for fewer steps, runs or grid points"}
	}
	// The client went away: nobody reads this answer.
	return &httpError{Status: 499, Offset: -1, Msg: "the request was cancelled"}
}
