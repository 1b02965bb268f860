// Package stream runs live sessions: a scene of racing runs stepped at a
// chosen speed and streamed as batched frames over a WebSocket (GET /ws,
// API.md "Live sessions"). Scenes are built by package scene, as /api/run
// builds them, so a session's points are /api/run's points, bit for bit.
//
// # Protocol
//
// Text messages, one JSON object each, with a "type". Everything API.md
// lists is here unchanged; the rest extends it. Messages are decoded as
// the API's bodies are (package strictjson): a key that is no field of
// the message (keys are case-sensitive: "RUNS" is not "runs") or a key
// given twice in one object is an error naming it. A text message that is
// not valid UTF-8 closes the session with 1007
// (StatusInvalidFramePayloadData), as RFC 6455 §8.1 asks.
//
// From the page:
//
//	start   {objective, start, runs, seed} as /api/run without steps, plus
//	        optional "view": {"x": [lo, hi], "y": [lo, hi], "nx", "ny"}
//	        (default: the objective's domain at 256×256; nx, ny ≤ 512),
//	        "steps_per_second" (1..10000, default 60), "max_steps"
//	        (0..100000, default 10000; 0 is the start alone, every run
//	        ending at once as max_steps, as "steps": 0 does on /api/run)
//	        and "paused": true to set up
//	        without playing. A new start replaces the scene. For a
//	        projected objective (mlp, deep_linear, hd_quadratic, rnn) also
//	        "plane": "random" | "pca" | "hessian" | "three_points" or
//	        {"kind", "seed"} (default random with the scene's seed),
//	        "start" is [a, b] on the plane or left out (θ₀ drawn from
//	        seed), and the default view is the plane's domain at 51×51
//	        (nx, ny ≤ 101). The three-point plane passes through θ₀ (the
//	        origin), a current point and the solution (the PCA pilot's last
//	        point), by Gram–Schmidt (unit axes: d1 along current − θ₀);
//	        {"kind": "three_points", "run": i, "k": n} makes the current
//	        point run i's θ after n steps from θ₀ (replayed with the run's
//	        hyperparameters and seed, so run i passes through it at step n
//	        when it starts from θ₀); without run (or k = 0), the pilot's
//	        step 100.
//	pause, resume
//	step    {"n": 1..10000} (default 1): pauses, then advances every
//	        unfinished run n steps. Every step is sent, in frames of at
//	        most 200 points per run, each once the writer has taken the
//	        last (a page that reads slowly slows the replay; nothing is
//	        thinned); messages sent after a step are handled after its
//	        last frame.
//	reset   every run back to k = 0 with fresh state; the hyperparameters
//	        set live are kept; playing or paused stays as it was.
//	speed   {"steps_per_second": 1..10000}
//	set     {"run": i, "hyper": {...}, "clip": {...}, "schedule": {...}}
//	        changes run i from its next step on, keeping its state; the
//	        server answers with a new "scene" message. "clip": {} turns
//	        clipping off; a threshold given ({"norm": c} or {"value": c})
//	        must be above 0.
//	view    {"x", "y", "nx", "ny"}: a new "landscape" for zoom and pan.
//	plane   {"kind", "seed"?, "run"?, "k"?}: a projected scene starts
//	        again on another plane (a new "scene", "landscape", ...):
//	        the runs as now configured (hyperparameters set live
//	        included) from θ₀, at the same speed, playing or paused as
//	        before, on the new plane's domain. {"kind": "three_points",
//	        "run": i} without k takes run i's current step, so the new
//	        plane holds the point run i has reached, and run i passes
//	        through it again at that step.
//	hessian {"at": [x, y]} or {"run": i} (run i's current point): a
//	        "geometry" message.
//	cancel  {"task": "landscape" | "spectrum" | "sharpness"}: stops that
//	        computation (or ends the sharpness subscription); the page
//	        gets a last "progress" with "note": "cancelled".
//	        Cancelling what is not running is silently ignored.
//	spectrum {"at": "start" | "current" (default start), "run": i (only
//	        with current), "k": 1..20 (default 5)}: the Hessian's top-k
//	        eigenvalues (Lanczos) and eigenvalue density (stochastic
//	        Lanczos quadrature, 4 probes × 60 steps) at the scene's start
//	        or run i's current θ, computed beside the runs with progress.
//	        Any objective with Hessian(-vector product)s; cached server-wide
//	        by (objective, θ, k).
//	interpolate {"run": i, "n": 2..201 (default 51), "eigs": 0..5
//	        (default 3)}: the loss along θ(t) = (1−t)·θ_start + t·θ_k for
//	        run i at its current step k, and along each of the top "eigs"
//	        Hessian eigenvectors at θ_k.
//	fidelity {"run": i}: a projected objective's true loss against its
//	        plane's along run i's path.
//	regions {"run": i, "nx": 8..128 (default 64)}: subscribes to run i's
//	        decision regions (a model trained on a 2-D data set); replaces
//	        any earlier subscription; {"run": -1} ends it. It survives
//	        reset and set, and a new start when the new scene has run i
//	        and a data set.
//	sharpness {"run": i (left out: every run), "every": 1..1000 (default
//	        5)}: subscribes to run i's (or each run's) sharpness
//	        λmax(H(θₖ)) every "every" steps (sharpness.go); replaces any
//	        earlier subscription; {"run": -1} ends it. A
//	        reset or new start begins the trace again; set carries on.
//
// From the server:
//
//	scene     after start and set: {"objective": Info, "spec", "start",
//	          "seed", "steps_per_second", "max_steps", "runs": [{"run",
//	          "optimizer", "name", "label", "hyper" (every hyperparameter,
//	          defaults filled in), "clip", "schedule"}]}. Labels are the
//	          run's own or the optimizer's name, numbered when repeated.
//	          A projected scene adds "plane" (zoo.PlaneInfo without its
//	          vectors) and its "start" is [a, b]. A three-point plane's
//	          adds "current" and "solution" ([a, b] of those points; θ₀
//	          is "init"), "k" (the current point's step) and "run" (when
//	          it is a run's, not the pilot's).
//	landscape as /api/landscape answers (x, y, nx, ny, values row-major
//	          with y outermost, min, max), after start and each view; a
//	          projected scene's adds "plane" without origin and axes.
//	          Every landscape is computed beside the runs (stepping goes
//	          on), so it may come after the first frames. A projected one
//	          comes coarse to fine: passes of stride 8, 4, 2 come with
//	          "partial": true (every point filled from its evaluated
//	          neighbour above-left; the first after 1/64 of the work), the
//	          last without. A 2-D objective's comes whole; when its stride-8
//	          pass promises at least 100 ms of work (a blurred objective),
//	          that pass comes first with "partial": true. A newer start or
//	          view, a cancel, or the session ending abandons it; nothing of
//	          an abandoned landscape arrives later. Landscapes are cached
//	          by (objective, plane, seeds, view): a view seen before is one
//	          final landscape at once.
//	progress  {"task": "landscape" | "spectrum", "done", "total", "note"}
//	          when a long computation starts and every 200 ms while it runs
//	          (done counts grid points or Hessian-vector products; total is
//	          an upper bound); "note": "cancelled" ends a cancelled one. A
//	          2-D landscape reports only once it promises or takes a while
//	          (a quick grid sends none).
//	spectrum  {"at", "run" (with "current"), "k": the step, "eigenvalues":
//	          [top-k, descending], "density": {"x": [...], "y": [...]} (128
//	          points, integrating to 1), "min", "max" (λ estimates),
//	          "converged": false when Lanczos stopped at its cap first}.
//	interpolation {"run", "k", "t": [...] (n values from −0.25 to 1.25,
//	          the ones nearest 0 and 1 moved onto them), "loss": [...],
//	          "eigs": [{"t": [...] (−s to s in units of ‖θ_k − θ_start‖,
//	          s ≤ 0.5: the span over which ½|λᵢ|(s·‖θ_k − θ_start‖)² rises
//	          by the segment's range of loss, at least 0.005), "loss",
//	          "lambda": λᵢ}, ...] along the top Hessian
//	          eigenvectors at θ_k, λ descending (Lanczos, 30 steps and 2 more
//	          per further line at most), "eig": the first of them, for older
//	          pages; both left out when the objective has no Hessian-vector
//	          products or "eigs" is 0}.
//	fidelity  {"run", "k": [...], "true_loss": [...], "plane_loss": [...],
//	          "in_plane"}: J(θ_k) against J at the plane point of θ_k's
//	          projection for at most 100 thinned steps ending at the current
//	          one; in_plane is /api/run's fraction over every step.
//	sharpness {"run", "every", "rule", "preconditioned", "k": [...],
//	          "lambda": [...], "threshold": [...], "loss": [...],
//	          "products", "pending", "skipped"}: one run's whole trace so far,
//	          after each batch of measured points (at most every 200 ms
//	          while measuring); a waiting one is replaced by a newer one.
//	          While measuring lags the run, "progress" of task
//	          "sharpness" says how far it got.
//	dataset   {"x": [lo, hi], "y": [lo, hi], "points": [[x, y, label], ...],
//	          "classes"} after start, for a model trained on a 2-D data set;
//	          x × y is a square around the points with a tenth of padding.
//	regions   {"run", "k", "nx", "ny", "x", "y", "classes": [nx*ny class ids,
//	          row-major, y outermost], "accuracy": training accuracy} when
//	          subscribed: at once, then at most every 250 ms while the run
//	          moves; a waiting one is replaced by a newer one. nx = ny over
//	          the dataset's square; a big model draws a coarser grid
//	          (zoo.RegionsBudget), as its nx says.
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
//	          with reason "every run has ended". A converged run's
//	          status adds "stationary": {"kind": "minimum | saddle |
//	          maximum | degenerate | unknown", "lambda_min", "lambda_max",
//	          "zero_tol"} (scene.Stationary: the Hessian's extreme
//	          eigenvalues where it stopped, Lanczos estimates for a
//	          projected objective; |λ| ≤ zero_tol counts as 0; numbers
//	          left out when unknown), and its reason says the kind:
//	          "stopped at a saddle point: ‖g‖ = 0 < 1e-08, λmin = -2 < 0
//	          < λmax = 2". A diverged run's reason names the step.
//	geometry  {"at", "run"?} plus landscape.Geometry (loss, grad, hessian,
//	          eigenvalues ascending, eigenvectors, condition, gtg, gthg).
//	error     {"error", "field", "offset"?} for a bad message; the session
//	          carries on. Fields are JSON paths within the message:
//	          "runs[0].hyper.lr", "n", "steps_per_second", "view.x".
//
// # Rooms
//
// A session may broadcast as a room (room.go; API.md "Rooms"): room_open
// answers a "room" message with a code (roomcode.go) and the driver's
// token, and from then on the session's outbox tees every message but
// errors to the room's hub, which encodes each frame once and queues the
// same bytes for every follower. room_join makes a session a follower: its
// engine drops its own scene, and its page gets the room's state
// (roomstate.go: the latest scene, landscape, statuses and analyses, and
// each run's path thinned to 1024 points) and then the room's messages;
// anything but the room's messages is refused. A follower MaxQueued
// messages behind is given the state afresh. fork replays the room's
// recipe (the scene as started, then each live set and reset at its step)
// in the follower's own engine; follow joins again. With Options.Relay
// (package natsrelay) a replica mirrors rooms driven elsewhere
// (roomrelay.go).
//
// # Pacing and backpressure
//
// Runs race in lock-step: each tick advances every unfinished run by the
// same number of steps, as many as the speed owes since the last tick. A
// tick comes once per frame (1/60 s) or once per step when steps are
// slower; each tick sends at most one frame, so a page gets at most about
// 60 frames a second. A tick's frame holds every step, at most 200 per
// run: a late tick pays 200 and leaves the rest owed to the next ticks
// (at most a quarter second of steps is owed), so a busy server plays
// slower rather than drop steps.
//
// Each session has three goroutines: the handler reads and parses
// messages, an engine owns the scene and steps it, and a writer writes.
// Long computations (landscapes, spectrum, interpolation, fidelity,
// regions) run in task goroutines beside the engine, at most one per kind
// (a new one cancels the old); they take a copy of the θ they need, push
// into the outbox while live only, and end with the session (the engine
// waits for them before it returns).
// While playing, the engine never blocks on the page: it puts messages
// into an outbox, where a frame still waiting is merged with the next one
// (at most
// Options.MaxPendingPerRun points per run, thinned beyond, the newest
// always kept), a waiting landscape, regions, sharpness or progress of a task is
// replaced by a newer one, and more
// than Options.MaxQueued waiting messages close the session
// (StatusPolicyViolation, "too many unread messages"). Each write has its
// own timeout (Options.WriteTimeout); a page that cannot take one is
// dropped. When the page goes, its reader fails, and the engine and writer
// end with it.
//
// # Memory
//
// For fidelity, a projected session keeps each run's path thinned: θ every
// stride-th step, the stride doubling whenever more than a limit are kept
// (every other one dropped, step 0 always kept). The limit is
// HistoryBudget (32 MB) over dim × runs × 8 bytes, at most 99 and at least
// 3 per run; reset starts the record anew.
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
//
// A session pings its page every Options.PingInterval and drops a page
// whose pong has not come back by the next ping (a peer gone without a
// FIN); a page that sends nothing for Options.IdleTimeout is closed with
// StatusGoingAway, "idle: no message for …".
package stream
