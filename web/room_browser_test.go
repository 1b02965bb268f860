package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/natsrelay"
	"github.com/saddle-viz/saddle/internal/natsrelay/natstest"
	"github.com/saddle-viz/saddle/internal/stream"
)

// replicaServer is one Saddle handler whose rooms travel over the NATS
// server at url.
func replicaServer(t *testing.T, url string) *httptest.Server {
	t.Helper()
	rl, err := natsrelay.Dial(context.Background(), url, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sessions := stream.New(stream.Options{Relay: rl})
	ts := httptest.NewServer(api.NewHandler(api.Options{Stream: sessions}))
	t.Cleanup(func() {
		sessions.Shutdown(context.Background())
		ts.Close()
		rl.Close()
	})
	return ts
}

// TestRoomBrowser: a teacher broadcasts a lesson from one replica; one
// student follows on the same replica, another on a second replica over
// NATS. Both follow play, a step, a hyperparameter change and a zoom; one
// explores on its own and follows again, in step at once; the other's
// attempt to drive gets an error and changes nothing. The teacher's page in
// presentation mode shows the code and the QR code (screenshot).
func TestRoomBrowser(t *testing.T) {
	url := natstest.Start(t)
	a, bsrv := replicaServer(t, url), replicaServer(t, url)
	teacher := newBrowser(t, 1280, 720)
	teacher.srv = a
	lesson := lessons.All()[0]
	for _, l := range lessons.All() {
		if l.ID == "momentum" {
			lesson = l
		}
	}
	teacher.do(chromedp.Navigate(a.URL + "/lessons/" + lesson.ID + "?speed=20"))
	teacher.wait("the lesson's scene", `window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
	teacher.do(chromedp.Click(chromedp.CSS(`[data-testid=room]`)))
	teacher.wait("the classroom dialog", `document.querySelector('[data-testid=room-broadcast]')`)
	teacher.do(chromedp.Click(chromedp.CSS(`[data-testid=room-broadcast]`)))
	teacher.wait("the room's code", `saddle.room.role === 'driver' && document.querySelector('[data-testid=room-code]')?.textContent.length === 11`)
	code := eval[string](teacher, `saddle.room.code`)
	teacher.wait("the QR code drawn", `document.querySelector('.room-qr').complete && document.querySelector('.room-qr').naturalWidth > 0`)

	studentA := newBrowser(t, 1280, 720)
	studentA.srv = a
	studentB := newBrowser(t, 1280, 720)
	studentB.srv = bsrv
	// One types the code on the home page; the other opens the join link of the second replica.
	studentA.do(chromedp.Navigate(a.URL + "/"))
	studentA.wait("the home page", `window.saddle && saddle.land`)
	studentA.do(chromedp.Click(chromedp.CSS(`[data-testid=room]`)))
	studentA.wait("the classroom dialog", `document.querySelector('[data-testid=room-code-input]')`)
	studentA.do(chromedp.SendKeys(chromedp.CSS(`[data-testid=room-code-input]`), strings.ToLower(strings.ReplaceAll(code, "-", " "))),
		chromedp.Click(chromedp.CSS(`[data-testid=room-join]`)))
	studentB.do(chromedp.Navigate(bsrv.URL + "/r/" + code))
	for _, s := range []*browser{studentA, studentB} {
		s.wait("following the room on the lesson's page", `location.pathname.endsWith('/lessons/`+lesson.ID+`') && window.saddle && saddle.room?.role === 'follower' && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
	}
	teacher.wait("two students counted", `document.querySelector('[data-testid=room-followers]').textContent.startsWith('2 ')`)

	// inStep waits until a student shows the teacher's step and points.
	sameAsTeacher := func(s *browser, what string) {
		t.Helper()
		pts := eval[string](teacher, `JSON.stringify(saddle.tracks.map(t => [t.lastK, t.x[t.n-1], t.y[t.n-1]]))`)
		s.wait(what, fmt.Sprintf(`JSON.stringify(saddle.tracks.map(t => [t.lastK, t.x[t.n-1], t.y[t.n-1]])) === %q`, pts))
	}
	// Play, then pause.
	teacher.do(chromedp.Click(chromedp.CSS(`#play`)))
	teacher.wait("playing", `saddle.session === 'running' && saddle.currentK() > 20`)
	for _, s := range []*browser{studentA, studentB} {
		s.wait("the student sees it play", `saddle.session === 'running' && saddle.currentK() > 20`)
	}
	teacher.do(chromedp.Click(chromedp.CSS(`#play`)))
	teacher.wait("paused", `saddle.session === 'paused'`)
	for _, s := range []*browser{studentA, studentB} {
		s.wait("the student paused", `saddle.session === 'paused'`)
		sameAsTeacher(s, "the student at the teacher's step after play")
	}
	// A step.
	k0 := eval[int](teacher, `saddle.currentK()`)
	teacher.do(chromedp.Click(chromedp.CSS(`#step`)))
	teacher.wait("a step", fmt.Sprintf(`saddle.currentK() === %d`, k0+1))
	for _, s := range []*browser{studentA, studentB} {
		sameAsTeacher(s, "the student after a step")
	}
	// A hyperparameter change, then steps.
	teacher.do(chromedp.Evaluate[chromedp.Void](`(() => { const n = document.querySelectorAll('[data-testid=run]')[0].querySelector('[data-testid=hyper-lr-num]'); n.value = String(+n.value * 0.5); n.dispatchEvent(new Event('change')); })()`))
	lr := eval[float64](teacher, `saddle.state.runs[0].hyper.lr`)
	teacher.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(5)`))
	teacher.wait("five steps", fmt.Sprintf(`saddle.currentK() === %d`, k0+6))
	for _, s := range []*browser{studentA, studentB} {
		s.wait("the student's learning rate", fmt.Sprintf(`saddle.state.runs[0].hyper.lr === %v`, lr))
		sameAsTeacher(s, "the student after the change and five steps")
	}
	// A zoom.
	teacher.do(chromedp.Evaluate[chromedp.Void](`saddle.zoom(0.5)`))
	view := eval[string](teacher, `JSON.stringify(saddle.state.view)`)
	teacher.wait("the zoomed landscape", fmt.Sprintf(`JSON.stringify([saddle.landMsg.x[0], saddle.landMsg.x[1], saddle.landMsg.y[0], saddle.landMsg.y[1]]) === %q`, view))
	for _, s := range []*browser{studentA, studentB} {
		s.wait("the student's zoom", fmt.Sprintf(`JSON.stringify(saddle.state.view) === %q && JSON.stringify([saddle.landMsg.x[0], saddle.landMsg.x[1], saddle.landMsg.y[0], saddle.landMsg.y[1]]) === %q`, view, view))
	}

	// Student B (second replica) explores on its own, then follows again.
	studentB.do(chromedp.Click(chromedp.CSS(`[data-testid=room-fork]`)))
	studentB.wait("forked", `saddle.room.role === 'forked'`)
	sameAsTeacher(studentB, "the fork at the teacher's step")
	k := eval[int](teacher, `saddle.currentK()`)
	studentB.do(chromedp.Click(chromedp.CSS(`#step`)))
	studentB.wait("the fork's own step", fmt.Sprintf(`saddle.currentK() === %d`, k+1))
	if got := eval[int](teacher, `saddle.currentK()`); got != k {
		t.Errorf("a fork's step moved the teacher from %d to %d", k, got)
	}
	studentB.do(chromedp.Click(chromedp.CSS(`[data-testid=room-follow]`)))
	studentB.wait("following again", `saddle.room.role === 'follower'`)
	sameAsTeacher(studentB, "back at the teacher's step")

	// Student A tries to drive: an error, and nothing changes.
	studentA.do(chromedp.Click(chromedp.CSS(`#play`)))
	studentA.wait("the refusal", `!document.getElementById('error').hidden && document.getElementById('error').textContent.includes('only its teacher drives')`)
	teacher.do(chromedp.Click(chromedp.CSS(`#step`))) // an event to wait on: the room carries on
	teacher.wait("the teacher's step", fmt.Sprintf(`saddle.currentK() === %d`, k+1))
	for _, s := range []*browser{studentA, studentB} {
		s.wait("paused still", `saddle.session === 'paused'`)
		sameAsTeacher(s, "the room after a student's attempt to drive")
	}
	if st := eval[string](teacher, `saddle.session`); st != "paused" {
		t.Errorf("a student's play made the teacher's session %q", st)
	}

	teacher.wait("two students counted again", `document.querySelector('[data-testid=room-followers]').textContent.startsWith('2 ')`)
	studentA.wait("the play button as the room plays", `document.getElementById('play').textContent.includes('play')`)

	// The teacher's lesson in presentation mode, with the code and the QR code.
	teacher.do(chromedp.Evaluate[chromedp.Void](`saddle.togglePresentation()`))
	teacher.wait("presenting", `document.documentElement.classList.contains('presenting')`)
	legible := eval[bool](teacher, `(() => {
		const code = document.querySelector('[data-testid=room-code]').getBoundingClientRect();
		const qr = document.querySelector('.room-qr').getBoundingClientRect();
		const inView = (r) => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
		return inView(code) && inView(qr) && code.height >= 40 && qr.width >= 200;
	})()`)
	if !legible {
		t.Error("in presentation mode at 1280×720 the room code or the QR code is off screen or small")
	}
	teacher.screenshot("room-teacher-presenting-1280x720")
	studentA.screenshot("room-student-1280x720")
	studentB.do(chromedp.EmulateViewport(390, 844))
	studentB.wait("the banner on a phone", `(() => { const r = document.querySelector('[data-testid=room-panel]').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; })()`)
	studentB.screenshot("room-student-390x844")

	// The teacher ends the room: the students are told, and keep the scene.
	teacher.do(chromedp.Click(chromedp.CSS(`[data-testid=room-end]`)))
	for _, s := range []*browser{studentA, studentB} {
		s.wait("the room's end", `saddle.room.role === '' && document.querySelector('[data-testid=room-panel]').textContent.includes('closed the room')`)
	}
	for _, b := range []*browser{teacher, studentA, studentB} {
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	}
}
