// Package stream runs live sessions: a scene of racing runs stepped at a
// chosen speed and streamed as batched frames over a WebSocket (GET /ws,
// API.md "Live sessions"). Scenes are built by package scene, as /api/run
// builds them, so a session's points are /api/run's points, bit for bit.
//
// # Protocol
//
// Text messages, one JSON object each, with a "type". Everything API.md
// lists is here unchanged; the rest extends it.
//
// From the page:
//
//	start   {objective, start, runs, seed} as /api/run without steps, plus
//	        optional "view": {"x": [lo, hi], "y": [lo, hi], "nx", "ny"}
//	        (default: the objective's domain at 256×256; nx, ny ≤ 512),
//	        "steps_per_second" (1..10000, default 60), "max_steps"
//	        (1..100000, default 10000) and "paused": true to set up
//	        without playing. A new start replaces the scene. For a
//	        projected objective (mlp, deep_linear, hd_quadratic) also
//	        "plane": "random" | "pca" | "hessian" or {"kind", "seed"}
//	        (default random with the scene's seed), "start" is [a, b] on
//	        the plane or left out (θ₀ drawn from seed), and the default
//	        view is the plane's domain at 51×51 (nx, ny ≤ 101).
//	pause, resume
//	step    {"n": 1..10000} (default 1): pauses, then advances every
//	        unfinished run n steps.
//	reset   every run back to k = 0 with fresh state; the hyperparameters
//	        set live are kept; playing or paused stays as it was.
//	speed   {"steps_per_second": 1..10000}
//	set     {"run": i, "hyper": {...}, "clip": {...}, "schedule": {...}}
//	        changes run i from its next step on, keeping its state; the
//	        server answers with a new "scene" message.
//	view    {"x", "y", "nx", "ny"}: a new "landscape" for zoom and pan.
//	hessian {"at": [x, y]} or {"run": i} (run i's current point): a
//	        "geometry" message.
//
// From the server:
//
//	scene     after start and set: {"objective": Info, "spec", "start",
//	          "seed", "steps_per_second", "max_steps", "runs": [{"run",
//	          "optimizer", "name", "label", "hyper" (every hyperparameter,
//	          defaults filled in), "clip", "schedule"}]}. Labels are the
//	          run's own or the optimizer's name, numbered when repeated.
//	          A projected scene adds "plane" (zoo.PlaneInfo without its
//	          vectors) and its "start" is [a, b].
//	landscape as /api/landscape answers (x, y, nx, ny, values row-major
//	          with y outermost, min, max), after start and each view; a
//	          projected scene's adds "plane" without origin and axes.
//	frame     {"t": ms since the Unix epoch when the frame's oldest points
//	          were made, "points": [scene.Point ...]} ordered by run, then
//	          k. The last point of each run in a frame has full detail
//	          (grad, update, lr, state ...); the others are compact. A
//	          projected scene's points never carry full-dimensional
//	          vectors: xy is (a, b), full detail adds lr, evals and gthg.
//	status    {"run": i, "status", "reason", "k"}: a run's status when the
//	          scene starts or resets (running, or converged at a
//	          stationary start) and when it ends (converged | diverged |
//	          max_steps). "run": -1 is the whole session: "paused" or
//	          "running", sent on every change; a session pauses itself
//	          with reason "every run has ended".
//	geometry  {"at", "run"?} plus landscape.Geometry (loss, grad, hessian,
//	          eigenvalues ascending, eigenvectors, condition, gtg, gthg).
//	error     {"error", "field", "offset"?} for a bad message; the session
//	          carries on. Fields are JSON paths within the message:
//	          "runs[0].hyper.lr", "n", "steps_per_second", "view.x".
//
// # Pacing and backpressure
//
// Runs race in lock-step: each tick advances every unfinished run by the
// same number of steps, as many as the speed owes since the last tick. A
// tick comes once per frame (1/60 s) or once per step when steps are
// slower; each tick sends at most one frame, so a page gets at most about
// 60 frames a second. A tick's frame holds every step, or past 200 steps
// per run an evenly thinned set ending at the newest step. A late tick
// catches up at most a quarter second of steps.
//
// Each session has three goroutines: the handler reads and parses
// messages, an engine owns the scene and steps it, and a writer writes.
// The engine never blocks on the page: it puts messages into an outbox,
// where a frame still waiting is merged with the next one (at most
// Options.MaxPendingPerRun points per run, thinned beyond, the newest
// always kept), a waiting landscape is replaced by a newer one, and more
// than Options.MaxQueued waiting messages close the session
// (StatusPolicyViolation, "too many unread messages"). Each write has its
// own timeout (Options.WriteTimeout); a page that cannot take one is
// dropped. When the page goes, its reader fails, and the engine and writer
// end with it.
//
// # Limits
//
// A message is at most Options.ReadLimit bytes (64 KiB). Only pages from
// the server's own host or Options.OriginPatterns may connect (403
// otherwise; "*" is refused). Past Options.MaxSessions live sessions a new
// page is accepted and closed at once with StatusTryAgainLater and the
// reason "server full: N live sessions" (a browser cannot read the body of
// a refused upgrade, but it sees a close reason). Shutdown closes every
// session with StatusGoingAway, "server shutting down", and refuses new
// ones with 503.
package stream
