package stream

import (
	"context"
	"log/slog"
	"net/http"
)

// Options configure the live-session server.
type Options struct {
	// OriginPatterns are the hosts (besides the server's own) whose pages may
	// open a session, as coder/websocket's AcceptOptions.OriginPatterns.
	OriginPatterns []string
	// MaxSessions caps live sessions on this server; 0 means the default.
	MaxSessions int
	Logger      *slog.Logger
}

// Server accepts WebSocket sessions on GET /ws.
// PLACEHOLDER: sessions are being written.
type Server struct{ opts Options }

// New returns a session server.
func New(opts Options) *Server { return &Server{opts: opts} }

// ServeHTTP upgrades the request to a live session.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "live sessions are not implemented yet", http.StatusNotImplemented)
}

// Shutdown sends a close frame to every open session and waits for their
// goroutines to end, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error { return nil }
