package web

import (
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/lessons"
)

// The tests draw every lesson's thumbnail while other tests and programs
// load the machine: 20 s of wall clock is not enough there, and a
// thumbnail's time is not what they check.
func init() { thumbTimeout = 10 * time.Minute }

// A thumbnail that ran out of time is made again on the next request, not
// kept as an error for the life of the server.
func TestThumbnailTimeoutIsNotKept(t *testing.T) {
	l, ok := lessons.Get("ill-conditioning")
	if !ok {
		t.Fatal("no ill-conditioning lesson")
	}
	saved := thumbTimeout
	defer func() { thumbTimeout = saved }()
	var ts thumbs
	thumbTimeout = time.Nanosecond
	if th := ts.get(l, -1); th.err == nil {
		t.Skip("the thumbnail was made within a nanosecond")
	}
	thumbTimeout = saved
	if th := ts.get(l, -1); th.err != nil || len(th.png) == 0 {
		t.Errorf("after a timeout the thumbnail stays an error: %v", th.err)
	}
}
