package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/render"
	"github.com/saddle-viz/saddle/web"
	"github.com/saddle-viz/saddle/web/templates"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// find returns the elements for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func testID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attrOf(n, "data-testid") == id }
}

// pageData returns the JSON the page hands its scripts.
func pageData(t *testing.T, doc *html.Node) templates.PageData {
	t.Helper()
	s := find(doc, func(n *html.Node) bool { return n.Data == "script" && attrOf(n, "id") == "saddle-data" })
	if len(s) != 1 || s[0].FirstChild == nil {
		t.Fatal("no #saddle-data script")
	}
	var d templates.PageData
	if err := json.Unmarshal([]byte(s[0].FirstChild.Data), &d); err != nil {
		t.Fatalf("#saddle-data: %v", err)
	}
	return d
}

func TestLessonsIndexUnderABasePath(t *testing.T) {
	h := api.NewHandler(api.Options{BasePath: "/saddle"})
	rec := get(t, h, "/saddle/lessons")
	if rec.Code != 200 {
		t.Fatalf("GET /saddle/lessons = %d", rec.Code)
	}
	doc := parse(t, rec.Body.String())
	groups := find(doc, testID("lesson-group"))
	want := lessons.Groups()
	if len(groups) != len(want) {
		t.Fatalf("%d sections shown, want %d", len(groups), len(want))
	}
	n := 0
	for i, g := range groups {
		if s := attrOf(g, "data-section"); s != want[i].Section {
			t.Errorf("section %d is %q, want %q (chapter order)", i, s, want[i].Section)
		}
		cards := find(g, testID("lesson-card"))
		if len(cards) != len(want[i].Lessons) {
			t.Errorf("section %s shows %d lessons, want %d", want[i].Section, len(cards), len(want[i].Lessons))
			continue
		}
		for j, c := range cards {
			id := want[i].Lessons[j].ID
			link := find(c, testID("lesson-link"))
			img := find(c, testID("lesson-thumb"))
			if len(link) != 1 || attrOf(link[0], "href") != "/saddle/lessons/"+id {
				t.Errorf("lesson %s: link %v, want /saddle/lessons/%s", id, link, id)
			}
			if len(img) != 1 || attrOf(img[0], "src") != "/saddle/lessons/"+id+"/thumb.png" || attrOf(img[0], "alt") == "" {
				t.Errorf("lesson %s: thumbnail missing, without alt text or off the base path", id)
				continue
			}
			// Every thumbnail the index points at is served, as a PNG.
			if rec := get(t, h, attrOf(img[0], "src")); rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
				t.Errorf("GET %s = %d %s", attrOf(img[0], "src"), rec.Code, rec.Header().Get("Content-Type"))
			}
			n++
		}
	}
	if n != len(lessons.All()) {
		t.Errorf("%d lessons on the index, the catalogue has %d", n, len(lessons.All()))
	}
}

func TestLessonPage(t *testing.T) {
	h := api.NewHandler(api.Options{BasePath: "/saddle"})
	all := lessons.All()
	tests := []struct {
		name     string
		lesson   lessons.Lesson
		wantNext string
	}{
		{"the first lesson links to the second", all[0], all[1].ID},
		{"a middle lesson links to the one after it", all[4], all[5].ID},
		{"the last lesson has no next link", all[len(all)-1], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, "/saddle/lessons/"+tt.lesson.ID)
			if rec.Code != 200 {
				t.Fatalf("GET = %d", rec.Code)
			}
			doc := parse(t, rec.Body.String())
			title := find(doc, testID("lesson-title"))
			if len(title) != 1 || title[0].FirstChild == nil || title[0].FirstChild.Data != tt.lesson.Title {
				t.Errorf("lesson title missing, want %q", tt.lesson.Title)
			}
			if cues := find(doc, testID("cue")); len(cues) != len(tt.lesson.Script) {
				t.Errorf("%d cues shown, the script has %d", len(cues), len(tt.lesson.Script))
			}
			next := find(doc, testID("next-lesson"))
			switch {
			case tt.wantNext == "" && len(next) != 0:
				t.Errorf("the last lesson links to %s", attrOf(next[0], "href"))
			case tt.wantNext != "" && (len(next) != 1 || attrOf(next[0], "href") != "/saddle/lessons/"+tt.wantNext):
				t.Errorf("next link %v, want /saddle/lessons/%s", next, tt.wantNext)
			}
			d := pageData(t, doc)
			if d.Base != "/saddle" || d.Lesson == nil || d.Lesson.ID != tt.lesson.ID || d.Lesson.Steps != tt.lesson.Steps ||
				len(d.Lesson.Scene.Runs) != len(tt.lesson.Scene.Runs) || d.Lesson.Scene.Objective.ID != tt.lesson.Scene.Objective.ID {
				t.Errorf("the scripts get base %q and lesson %+v, want /saddle and lesson %s with its scene", d.Base, d.Lesson, tt.lesson.ID)
			}
			if d.Embed != nil {
				t.Error("a lesson page is marked as an embed")
			}
		})
	}
	if rec := get(t, h, "/saddle/lessons/no-such-lesson"); rec.Code != 404 {
		t.Errorf("an unknown lesson = %d, want 404", rec.Code)
	}
}

func TestThumbnail(t *testing.T) {
	h := api.NewHandler(api.Options{})
	l, _ := lessons.Get("ill-conditioning")
	rec := get(t, h, "/lessons/"+l.ID+"/thumb.png")
	if rec.Code != 200 {
		t.Fatalf("GET thumb.png = %d: %s", rec.Code, rec.Body)
	}
	img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != templates.ThumbWidth || b.Dy() != templates.ThumbHeight {
		t.Fatalf("thumbnail is %v, want %d×%d", b, templates.ThumbWidth, templates.ThumbHeight)
	}
	// The paths change pixels: compare with the landscape alone.
	f := render.Frame{X: l.View.X, Y: l.View.Y, W: templates.ThumbWidth, H: templates.ThumbHeight}
	obj, _, err := landscape.New(l.Scene.Objective)
	if err != nil {
		t.Fatal(err)
	}
	g, err := landscape.EvalGrid(context.Background(), obj, f.X, f.Y, f.W, f.H)
	if err != nil {
		t.Fatal(err)
	}
	bare := image.NewRGBA(image.Rect(0, 0, f.W, f.H))
	render.Landscape(bare, g, 14)
	changed := 0
	for y := 0; y < f.H; y++ {
		for x := 0; x < f.W; x++ {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, _ := bare.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				changed++
			}
		}
	}
	if changed < 200 || changed > f.W*f.H/4 {
		t.Errorf("%d pixels differ from the bare landscape, want a path's worth (200 to a quarter of the image)", changed)
	}
	// The start is marked in white.
	sx, sy := f.Px(l.Scene.Start[0], l.Scene.Start[1])
	if r, g, b, _ := img.At(int(sx), int(sy)).RGBA(); r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Errorf("the start pixel is (%d, %d, %d), want white", r>>8, g>>8, b>>8)
	}
	// Cached and revalidated by its ETag.
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if rec := get(t, h, "/lessons/"+l.ID+"/thumb.png", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("revalidation = %d, want 304", rec.Code)
	}
	if rec := get(t, h, "/lessons/nope/thumb.png"); rec.Code != 404 {
		t.Errorf("thumbnail of an unknown lesson = %d, want 404", rec.Code)
	}
}

func TestEveryLessonHasAThumbnail(t *testing.T) {
	for _, l := range lessons.All() {
		t.Run(l.ID, func(t *testing.T) {
			img, err := web.LessonImage(context.Background(), l, 120, 90)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 120 || b.Dy() != 90 {
				t.Errorf("size %v", b)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	tests := []struct {
		name      string
		opts      api.Options
		path      string
		ancestors string // the frame-ancestors the answer must carry
		deny      bool   // X-Frame-Options: DENY
	}{
		{"the explorer may not be framed", api.Options{}, "/", "'none'", true},
		{"a lesson may not be framed", api.Options{}, "/lessons/cliffs", "'none'", true},
		{"the lessons index may not be framed", api.Options{}, "/lessons", "'none'", true},
		{"the API may not be framed", api.Options{}, "/api/lessons", "'none'", true},
		{"any site may frame the embed by default", api.Options{}, "/embed?lesson=cliffs", "*", false},
		{"the configured sites may frame the embed", api.Options{FrameAncestors: "https://course.example.org https://*.example.edu"},
			"/embed", "https://course.example.org https://*.example.edu", false},
		{"the embed under a base path", api.Options{BasePath: "/saddle", FrameAncestors: "'self'"}, "/saddle/embed?controls=none", "'self'", false},
		{"a page under a base path", api.Options{BasePath: "/saddle", FrameAncestors: "'self'"}, "/saddle/lessons", "'none'", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, api.NewHandler(tt.opts), tt.path)
			if rec.Code != 200 {
				t.Fatalf("GET %s = %d", tt.path, rec.Code)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			var fa string
			for _, d := range strings.Split(csp, ";") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(d), "frame-ancestors "); ok {
					fa = v
				}
			}
			if fa != tt.ancestors {
				t.Errorf("frame-ancestors %q, want %q (CSP %q)", fa, tt.ancestors, csp)
			}
			if deny := rec.Header().Get("X-Frame-Options") == "DENY"; deny != tt.deny {
				t.Errorf("X-Frame-Options %q, want DENY = %v", rec.Header().Get("X-Frame-Options"), tt.deny)
			}
			// Nothing from other sites: every source is the page's own.
			for _, d := range []string{"default-src 'self'", "script-src 'self'", "img-src 'self' data:", "connect-src 'self' ws://example.com wss://example.com"} {
				if !strings.Contains(csp, d) {
					t.Errorf("CSP %q lacks %q", csp, d)
				}
			}
			if c := rec.Header().Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("sets cookies: %q", c)
			}
		})
	}
}

func TestEmbedPage(t *testing.T) {
	h := api.NewHandler(api.Options{BasePath: "/saddle"})
	tests := []struct {
		name   string
		query  string
		want   templates.EmbedOptions
		lesson string
	}{
		{"defaults", "", templates.EmbedOptions{Controls: "play", Theme: "light"}, ""},
		{"a lesson, no controls, autoplay, dark", "lesson=cliffs&controls=none&autoplay=1&theme=dark", templates.EmbedOptions{Controls: "none", Autoplay: true, Theme: "dark"}, "cliffs"},
		{"sliders with a permalink's state", "obj=rosenbrock&run=gd|lr=0.001&controls=sliders", templates.EmbedOptions{Controls: "sliders", Theme: "light"}, ""},
		{"a lesson's caption and cues, chosen controls", "lesson=cliffs&caption=1&cues=1&controls=play,run1.lr", templates.EmbedOptions{Controls: "pick", Pick: []string{"play", "run1.lr"}, Theme: "light", Caption: true, Cues: true}, "cliffs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, "/saddle/embed?"+tt.query)
			if rec.Code != 200 {
				t.Fatalf("GET = %d", rec.Code)
			}
			doc := parse(t, rec.Body.String())
			d := pageData(t, doc)
			if d.Embed == nil || !reflect.DeepEqual(*d.Embed, tt.want) {
				t.Errorf("embed options %+v, want %+v", d.Embed, tt.want)
			}
			flag := find(doc, testID("embed"))
			if len(flag) != 1 || attrOf(flag[0], "data-controls") != tt.want.Controls || attrOf(flag[0], "data-theme") != tt.want.Theme {
				t.Errorf("the page's embed marker is %v, want controls %s theme %s", flag, tt.want.Controls, tt.want.Theme)
			}
			if got := ""; d.Lesson != nil {
				got = d.Lesson.ID
				if got != tt.lesson {
					t.Errorf("lesson %q, want %q", got, tt.lesson)
				}
			} else if tt.lesson != "" {
				t.Errorf("no lesson handed to the page, want %q", tt.lesson)
			}
			// The page's own files come from under the base path.
			for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "link" }) {
				if u := attrOf(n, "src") + attrOf(n, "href"); u != "" && !strings.HasPrefix(u, "/saddle/static/") && !strings.HasPrefix(u, "data:") {
					t.Errorf("%s loads %s, not under /saddle/static/", n.Data, u)
				}
			}
		})
	}
	if rec := get(t, h, "/saddle/embed?lesson=nope"); rec.Code != 404 {
		t.Errorf("an unknown lesson = %d, want 404", rec.Code)
	}
}

func TestParseFrameAncestors(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: "*"},
		{in: "*", want: "*"},
		{in: "'self'", want: "'self'"},
		{in: "https:", want: "https:"},
		{in: "https://course.example.org, https://*.example.edu", want: "https://course.example.org https://*.example.edu"},
		{in: "localhost:8080 'self'", want: "localhost:8080 'self'"},
		{in: "a.example; script-src *", bad: true},
		{in: "'unsafe-inline'", bad: true},
		{in: "'none' a.example", bad: true},
		{in: "https://a.example/path", bad: true},
	}
	for _, tt := range tests {
		got, err := web.ParseFrameAncestors(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want %q (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestStaticFilesUnderABasePath(t *testing.T) {
	for _, base := range []string{"", "/saddle", "/a/b"} {
		h := api.NewHandler(api.Options{BasePath: base})
		tests := []struct {
			path string
			code int
			ct   string
		}{
			{"/static/app.mjs", 200, "text/javascript"},
			{"/static/saddle.css", 200, "text/css"},
			{"/static/lesson.mjs", 200, "text/javascript"},
			{"/static/lesson.test.mjs", 404, ""},
			{"/static/nope.mjs", 404, ""},
		}
		for _, tt := range tests {
			rec := get(t, h, base+tt.path)
			if rec.Code != tt.code || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ct) {
				t.Errorf("GET %s%s = %d %s, want %d %s", base, tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.code, tt.ct)
			}
		}
	}
}
