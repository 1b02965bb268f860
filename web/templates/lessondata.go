package templates

import (
	"github.com/saddle-viz/saddle/internal/lessons"
)

// LessonData is a lesson as its page shows it and hands it to the scripts:
// the lesson itself, where it lives, and the one after it.
type LessonData struct {
	lessons.Lesson
	URL  string         `json:"url"`            // the lesson's page, base path included
	Next *lessons.Entry `json:"next,omitempty"` // nil for the last lesson
	// NextURL is the next lesson's page; "" when there is none.
	NextURL string `json:"next_url,omitempty"`
}

// Where is "§8.6.1 (draft 8.5.1) · the figure of …": the published
// section (the draft's in brackets where it differs) and the figure, by its
// content; a lesson the book has no section on cites its paper, without §.
func (l LessonData) Where() string {
	s := l.Section
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "§" + s
	}
	if l.Figure != "" {
		s += " · " + l.Figure
	}
	return s
}

// EmbedOptions are the query parameters of /embed that choose what an
// author keeps around the figure.
type EmbedOptions struct {
	// Controls is "play" (play, step, reset, speed), "sliders" (every
	// control), "none", or "pick": only those in Pick.
	Controls string `json:"controls"`
	// Pick lists the chosen controls of Controls "pick": "play", "speed",
	// "runN.<hyperparameter>" (N from 0) and "p.<objective parameter>".
	Pick     []string `json:"pick,omitempty"`
	Autoplay bool     `json:"autoplay"` // start playing once connected
	Theme    string   `json:"theme"`    // "light" or "dark"
	Caption  bool     `json:"caption"`  // show the lesson's (or ready scene's) caption
	Cues     bool     `json:"cues"`     // show the lesson's current cue
}

// EmbedControls (besides a list of chosen controls) and EmbedThemes are
// the values /embed accepts; the first of each is the default.
var (
	EmbedControls = []string{"play", "sliders", "none"}
	EmbedThemes   = []string{"light", "dark"}
)

// IndexData is what the lessons index renders.
type IndexData struct {
	Base   string
	Groups []lessons.Group
}

// PageTitle is the document title of an explorer-shaped page.
func PageTitle(d PageData) string {
	if d.Lesson != nil {
		return d.Lesson.Title + " — Saddle lesson " + d.Lesson.Section
	}
	return "Saddle: loss landscapes and optimizers"
}

// The size of a lesson's thumbnail in pixels.
const (
	ThumbWidth  = 240
	ThumbHeight = 180
)
