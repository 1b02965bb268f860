package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// In the saddle-points lesson Newton's method converges onto the saddle
// (8.2.4). The legend and the read-out must say it stopped at a saddle, with
// the λmin the server's Hessian gives there, not that it "converged".
func TestSaddleLessonSaysNewtonStoppedAtASaddle(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)
	b.do(chromedp.Navigate(b.srv.URL + "/lessons/saddle-points?speed=3000"))
	b.wait("the lesson's landscape and first points",
		`window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
	r := eval[int](b, `saddle.state.runs.findIndex(r => r.optimizer === 'newton')`)
	if r < 0 {
		t.Fatal("the lesson has no Newton run")
	}
	rs := strconv.Itoa(r)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("Newton's end", `saddle.status[`+rs+`]?.status === 'converged'`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=legend-item]:nth-child(` + strconv.Itoa(r+1) + `)`)))
	b.wait("Newton selected", `saddle.state.sel === `+rs+` && /status/.test(document.querySelector('[data-testid=readout]').textContent)`)

	legend := eval[string](b, `document.querySelectorAll('[data-testid=legend-item]')[`+rs+`].textContent`)
	readout := eval[string](b, `document.querySelector('[data-testid=readout]').textContent`)
	b.screenshot("40-saddle-lesson-newton-at-saddle")
	if !strings.Contains(legend, "stopped at a saddle (λmin = ") || strings.Contains(legend, "converged") {
		t.Errorf("legend %q; want Newton stopped at a saddle with its λmin", legend)
	}
	if !strings.Contains(readout, "stopped at a saddle") {
		t.Errorf("read-out %q does not say the run stopped at a saddle", readout)
	}
	// The λmin shown is the Hessian's smallest eigenvalue where Newton stopped.
	want := evalAsync[float64](b, `(async () => {
		const t = saddle.tracks[`+rs+`], at = [t.x[t.n - 1], t.y[t.n - 1]];
		const res = await fetch('/api/hessian', {method: 'POST', headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({objective: saddle.state.objective, at})});
		return (await res.json()).eigenvalues[0];
	})()`)
	i := strings.Index(legend, "λmin = ")
	shown := strings.TrimSuffix(strings.ReplaceAll(legend[i+len("λmin = "):], "−", "-"), ")")
	got, err := strconv.ParseFloat(shown, 64)
	if err != nil || got != want {
		t.Errorf("legend shows λmin = %q, the Hessian there has %g", shown, want)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// A diverged run's message says what happened once: "GD diverged: the loss
// reached 1.58e+16 at step 12.", not the loss twice.
func TestDivergenceSaysItOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)
	b.open("?obj=quadratic&start=-2.5,1.5&run=gd|lr=1")
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("the run to diverge", `saddle.status[0]?.status === 'diverged' && !document.getElementById('divergence').hidden`)
	// The sentence, without the explanation in <em> after it.
	text := eval[string](b, `[...document.getElementById('divergence').querySelector('p').childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')`)
	reason := eval[string](b, `saddle.status[0].reason`)
	if !strings.Contains(text, reason) {
		t.Errorf("divergence box %q lacks the server's reason %q", text, reason)
	}
	if n := strings.Count(text, "reached"); n != 1 {
		t.Errorf("divergence box %q says the loss %d times", text, n)
	}
	if n := strings.Count(text, "step"); n != 1 {
		t.Errorf("divergence box %q names the step %d times", text, n)
	}
}

// The geometry read-out shows the Hessian at any point, so it names the
// surface's curvature there and never a kind of point: at (0, 0) on
// Himmelblau (the basins lesson's start) both curvatures are negative but
// the gradient is not zero, so it is "concave here", not "a maximum".
func TestGeometryReadOutNamesCurvatureNotAPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.do(chromedp.Navigate(b.srv.URL + "/lessons/basins"))
	b.wait("the geometry read-out at the start", `document.getElementById('geometry').textContent.includes('κ')`)
	s := eval[string](b, `document.getElementById('geometry').textContent`)
	if !strings.Contains(s, "at the start") || !strings.Contains(s, "curving down both ways here (concave)") {
		t.Errorf("read-out %q; want the start's curvature named as concave", s)
	}
	if strings.Contains(s, "a maximum") || strings.Contains(s, "a saddle") {
		t.Errorf("read-out %q names a kind of point where the gradient is not zero", s)
	}
}
