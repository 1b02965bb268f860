package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Defaults of Options.
const (
	DefaultMaxSessions  = 1000
	DefaultReadLimit    = 64 << 10
	DefaultWriteTimeout = 10 * time.Second
	// A waiting frame keeps at most this many points per run (older ones
	// are thinned), and at most this many messages wait for the writer.
	DefaultMaxPendingPerRun = 256
	DefaultMaxQueued        = 64
	// A session pings its page this often and drops it when the pong has
	// not come back by the next ping: a peer that vanished without a FIN
	// (a closed laptop lid, lost Wi-Fi) frees its slot within two intervals.
	DefaultPingInterval = 20 * time.Second
	// A session whose page has sent no message for this long is closed
	// (StatusGoingAway, "idle for …"); pages answering pings alone do not
	// keep a slot forever.
	DefaultIdleTimeout = time.Hour
)

// Options configure the live-session server.
type Options struct {
	// OriginPatterns are the hosts (besides the server's own) whose pages may
	// open a session, as coder/websocket's AcceptOptions.OriginPatterns.
	// Never "*": New refuses it.
	OriginPatterns []string
	// MaxSessions caps live sessions on this server; 0 means
	// DefaultMaxSessions. A page over the cap is accepted and closed at once
	// with StatusTryAgainLater and the reason "server full: N live
	// sessions", so a browser (which cannot read a refused upgrade's body)
	// learns why.
	MaxSessions int
	Logger      *slog.Logger

	// ReadLimit caps one message from the page in bytes (0: DefaultReadLimit).
	ReadLimit int64
	// WriteTimeout bounds each write to the page (0: DefaultWriteTimeout);
	// a page that takes longer is dropped (by the server's write watch,
	// which looks every quarter of it: within 1.25 × WriteTimeout).
	WriteTimeout time.Duration
	// MaxPendingPerRun and MaxQueued bound what waits for a slow page
	// (0: the defaults).
	MaxPendingPerRun, MaxQueued int
	// Grids computes landscapes; share one with the HTTP API so a scene's
	// grid is computed once (nil: a cache of the server's own).
	Grids *landscape.GridCache
	// PingInterval is how often a page is pinged (0: DefaultPingInterval;
	// negative: never); a page that has not answered by the next ping is
	// dropped.
	PingInterval time.Duration
	// IdleTimeout closes a session whose page has sent nothing for that
	// long (0: DefaultIdleTimeout; negative: never).
	IdleTimeout time.Duration
	// Relay carries rooms between replicas (nil: rooms live in this
	// process); RoomGrace is how long a room waits for its teacher's page
	// to come back (0: DefaultRoomGrace).
	Relay     Relay
	RoomGrace time.Duration
	// Heavy bounds the sessions' heavy tasks (heavy.go); share the HTTP
	// API's pool so both draw on one budget (nil: a pool of the server's
	// own, DefaultHeavySlots, DefaultHeavyWaiting, DefaultHeavyPerClient).
	Heavy *budget.Pool
}

// Server accepts WebSocket sessions on GET /ws.
type Server struct {
	opts Options
	log  *slog.Logger
	// beforeFinalLandscape, when set (by tests only), runs before a
	// computed landscape's final message is sent: a test holds it there to
	// see the runs step while the landscape is still being computed.
	beforeFinalLandscape func(ctx context.Context)

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	wg       sync.WaitGroup // one per live session's handler

	grids   *landscape.GridCache
	encoded encodedCache
	rooms   *rooms
	clock   clock      // ticks of the sessions playing at frame rate (clock.go)
	watch   writeWatch // drops pages whose write is stuck (clock.go)
	heavy   *budget.Pool
}

// New returns a session server. It panics if OriginPatterns holds "*",
// which would let any site drive a student's session.
func New(opts Options) *Server {
	for _, p := range opts.OriginPatterns {
		if p == "*" {
			panic(`stream: OriginPatterns must not contain "*"`)
		}
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = DefaultReadLimit
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.MaxPendingPerRun <= 0 {
		opts.MaxPendingPerRun = DefaultMaxPendingPerRun
	}
	if opts.MaxQueued <= 0 {
		opts.MaxQueued = DefaultMaxQueued
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = DefaultPingInterval
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	grids := opts.Grids
	if grids == nil {
		grids = landscape.NewGridCache(32)
	}
	if opts.RoomGrace <= 0 {
		opts.RoomGrace = DefaultRoomGrace
	}
	heavy := opts.Heavy
	if heavy == nil {
		heavy = budget.New(DefaultHeavySlots, DefaultHeavyWaiting, DefaultHeavyPerClient)
	}
	s := &Server{opts: opts, log: log, sessions: map[*session]struct{}{}, grids: grids, heavy: heavy}
	s.rooms = newRooms(s, opts.Relay, opts.RoomGrace)
	s.watch.srv = s
	return s
}

// session is one live page: the handler goroutine reads, an engine
// goroutine steps, a writer goroutine writes.
type session struct {
	srv    *Server
	conn   *websocket.Conn
	out    *outbox
	ctx    context.Context // ends when the session does
	cancel context.CancelFunc

	closeOnce sync.Once
	closed    chan struct{} // closed when the close handshake is over

	lastRead atomic.Int64 // UnixNano of the page's last message, for the idle limit
	pongs    atomic.Int64 // pings the page has answered (tests wait on it)
	writing  atomic.Int64 // UnixNano when the write in progress began; 0 between writes
	idled    atomic.Int64 // times the engine's chores went idle (tests wait on it)

	rmu  sync.Mutex
	room roomPart // its part in a room (roomsession.go)

	heavy heavyShare // its heavy tasks' admission (heavy.go)
}

// ServeHTTP upgrades the request to a live session and serves it until the
// page leaves, the server shuts down, or the page stops reading.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.opts.OriginPatterns})
	if err != nil {
		// Accept has answered (403 for a foreign origin, 426 ...).
		s.log.Info("stream: refused a session", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"), "err", err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	ss := &session{srv: s, conn: conn, ctx: ctx, cancel: cancel, closed: make(chan struct{}),
		out: newOutbox(s.opts.MaxQueued, s.opts.MaxPendingPerRun), heavy: newHeavyShare(r.RemoteAddr)}
	if n, err := s.add(ss); err != nil {
		cancel()
		code, reason := websocket.StatusTryAgainLater, fmt.Sprintf("server full: %d live sessions", n)
		if errors.Is(err, errClosing) {
			code, reason = websocket.StatusGoingAway, "server shutting down"
		}
		s.log.Warn("stream: refused a session: "+reason, "remote", r.RemoteAddr)
		conn.Close(code, reason)
		return
	}
	defer s.wg.Done()
	defer s.remove(ss)
	ss.serve()
}

var (
	errFull    = errors.New("stream: server full")
	errClosing = errors.New("stream: server shutting down")
)

// add registers a session unless the server is full or closing; it returns
// the number of live sessions.
func (s *Server) add(ss *session) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sessions)
	switch {
	case s.closing:
		return n, errClosing
	case n >= s.opts.MaxSessions:
		return n, errFull
	}
	s.sessions[ss] = struct{}{}
	s.watch.start()
	s.wg.Add(1)
	return n + 1, nil
}

func (s *Server) remove(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, ss)
	if len(s.sessions) == 0 {
		s.watch.end()
	}
}

// stats returns the outbox counters of every live session.
func (s *Server) stats() []outboxStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]outboxStats, 0, len(s.sessions))
	for ss := range s.sessions {
		out = append(out, ss.out.stats())
	}
	return out
}

// Live returns the number of live sessions.
func (s *Server) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown sends a close frame (StatusGoingAway, "server shutting down")
// to every open session and waits for their goroutines to end, or for ctx.
// New sessions are refused with 503 from the first call on.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	live := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		live = append(live, ss)
	}
	s.mu.Unlock()
	for _, ss := range live {
		ss.close(websocket.StatusGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// serve runs the session: it starts the engine and the writer, then reads
// messages until the connection ends; on return every goroutine of the
// session has ended.
func (ss *session) serve() {
	s := ss.srv
	ss.conn.SetReadLimit(s.opts.ReadLimit)
	cmds := make(chan any, 4)
	var wg sync.WaitGroup
	eng := newEngine(s, ss.out, ss.overflow)
	eng.ss = ss
	wg.Go(func() { eng.loop(ss.ctx, cmds) })
	wg.Go(ss.writeLoop)
	ss.lastRead.Store(time.Now().UnixNano())
	wg.Go(ss.heartbeat)

	// The reader's context is not the session's: cancelling a read closes
	// the connection at once, and a shutdown still has a close frame to send.
	for {
		typ, b, err := ss.conn.Read(context.Background())
		if err != nil {
			ss.end(err)
			break
		}
		ss.lastRead.Store(time.Now().UnixNano())
		if typ != websocket.MessageText {
			pushErr(ss.out, errors.New("send JSON in text messages"), ss.overflow)
			continue
		}
		if !utf8.Valid(b) {
			// RFC 6455 §8.1: fail the connection with 1007 (coder/websocket
			// leaves UTF-8 to the application). The next Read ends the loop.
			ss.close(websocket.StatusInvalidFramePayloadData, "a text message must be valid UTF-8")
			continue
		}
		if ss.ctx.Err() != nil {
			continue // closing: nothing more is read into the session
		}
		c, err := parse(b)
		if err == nil && isRoomCmd(c) {
			c, err = ss.roomCommand(c)
			if c == nil && err == nil {
				continue
			}
		} else if err == nil {
			if role, code := ss.roomRole(); role == roleFollowing {
				var head bareMsg
				json.Unmarshal(b, &head)
				err = refuseWhileFollowing(code, head.Type)
			}
		}
		if err != nil {
			pushErr(ss.out, err, ss.overflow)
			continue
		}
		select {
		case cmds <- c:
		case <-ss.ctx.Done():
		}
	}
	ss.cancel()
	wg.Wait()
	ss.endRoom()
	ss.out.close()
	// Wait for a close handshake another goroutine started; then release
	// the connection for good.
	ss.closeOnce.Do(func() { close(ss.closed) })
	<-ss.closed
	ss.conn.CloseNow()
}

// end records why the session ended and logs it: a page that leaves is
// normal, anything else is worth a line.
func (ss *session) end(err error) {
	switch st := websocket.CloseStatus(err); {
	case st == websocket.StatusNormalClosure || st == websocket.StatusGoingAway:
		ss.srv.log.Debug("stream: page left", "status", st)
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, context.Canceled):
		ss.srv.log.Debug("stream: connection ended", "err", err)
	case ss.ctx.Err() != nil:
		// The session was ended on purpose (shutdown, a page not reading).
	default:
		ss.srv.log.Warn("stream: session ended", "err", err)
	}
}

// overflow ends a session whose page has stopped reading.
func (ss *session) overflow(error) {
	ss.srv.log.Warn("stream: closing a session whose page stopped reading")
	ss.close(websocket.StatusPolicyViolation, "too many unread messages")
}

// close stops the session's engine and writer and starts the close
// handshake in its own goroutine (it may wait on a page that does not
// answer); serve waits for it.
func (ss *session) close(code websocket.StatusCode, reason string) {
	ss.closeOnce.Do(func() {
		ss.cancel()
		go func() {
			defer close(ss.closed)
			ss.conn.Close(code, reason)
		}()
	})
}

// heartbeat pings the page every PingInterval and drops it when a pong
// has not come back by the next ping (coder/websocket answers a ping only
// while the peer reads, so a page that stopped reading is dropped too);
// it closes a session whose page has sent nothing for IdleTimeout.
func (ss *session) heartbeat() {
	o := ss.srv.opts
	every := o.PingInterval
	if every < 0 {
		if o.IdleTimeout < 0 {
			return
		}
		every = o.IdleTimeout
	}
	if o.IdleTimeout > 0 && o.IdleTimeout < every {
		every = o.IdleTimeout
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ss.ctx.Done():
			return
		case <-t.C:
		}
		if o.IdleTimeout > 0 {
			if idle := time.Since(time.Unix(0, ss.lastRead.Load())); idle >= o.IdleTimeout {
				ss.srv.log.Info("stream: closing an idle session", "idle", idle.Round(time.Second))
				ss.close(websocket.StatusGoingAway, fmt.Sprintf("idle: no message for %s", o.IdleTimeout))
				return
			}
		}
		if o.PingInterval < 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(ss.ctx, o.PingInterval)
		err := ss.conn.Ping(ctx)
		cancel()
		if err != nil {
			if ss.ctx.Err() == nil {
				ss.srv.log.Info("stream: the page did not answer a ping; dropping it", "err", err)
				ss.conn.CloseNow() // the reader sees it and ends the session
			}
			return
		}
		ss.pongs.Add(1)
	}
}

// writeLoop writes what the outbox holds, one message at a time, each
// bounded by WriteTimeout (the server's write watch, clock.go). A failed
// write ends the session.
func (ss *session) writeLoop() {
	var buf []byte
	for {
		select {
		case <-ss.ctx.Done():
			return
		case <-ss.out.wake:
		}
		for _, it := range ss.out.take() {
			if ss.ctx.Err() != nil {
				return
			}
			b := it.msg
			if it.frame != nil {
				buf = appendFrame(buf[:0], it.frame)
				ss.out.done(it.frame)
				b = buf
			}
			// Not the session's context: cancelling a write closes the
			// connection, and Shutdown still has a close frame to send.
			ss.writing.Store(time.Now().UnixNano())
			err := ss.conn.Write(context.Background(), websocket.MessageText, b)
			ss.writing.Store(0)
			if err != nil {
				if ss.ctx.Err() == nil {
					ss.srv.log.Info("stream: write failed; dropping the page", "err", err)
				}
				ss.conn.CloseNow() // the reader sees it and ends the session
				return
			}
		}
	}
}
