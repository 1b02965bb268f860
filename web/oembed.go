package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/web/templates"
)

// oEmbed (https://oembed.com): a page of this server pasted into a
// platform that speaks it (WordPress, Moodle, Notion, ...) becomes the
// iframe of the matching /embed. The explorer and the lesson pages link
// their oEmbed URL in the head (discovery); GET /oembed answers it.

// The default size of an embed (the aspect an /embed page is laid out
// for), shrunk to maxwidth and maxheight.
const (
	OEmbedWidth  = 800
	OEmbedHeight = 500
)

// RequestOrigin is the scheme and host a request reached this server by:
// https when it came over TLS or a proxy says so (X-Forwarded-Proto).
func RequestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// oembedLink is the discovery URL of the page r asks for.
func oembedLink(r *http.Request, base string) string {
	origin := RequestOrigin(r)
	return origin + base + "/oembed?url=" + url.QueryEscape(origin+r.URL.RequestURI()) + "&format=json"
}

// oembedAnswer is the JSON of a rich oEmbed response (oEmbed 1.0 §2.3.4).
type oembedAnswer struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	Title           string `json:"title"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
	CacheAge        int    `json:"cache_age"`
}

// oembedParams are the parameters GET /oembed takes.
var oembedParams = []string{"url", "maxwidth", "maxheight", "format"}

// oembed answers GET /oembed?url=&maxwidth=&maxheight=&format=json.
func oembed(opts Options) http.HandlerFunc {
	base := strings.TrimRight(opts.BasePath, "/")
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for name, vs := range q {
			if !slices.Contains(oembedParams, name) {
				http.Error(w, name+": unknown parameter; /oembed takes url, maxwidth, maxheight and format", http.StatusBadRequest)
				return
			}
			if len(vs) > 1 {
				http.Error(w, name+": given more than once", http.StatusBadRequest)
				return
			}
		}
		if f := q.Get("format"); f != "" && f != "json" {
			// oEmbed 1.0 §2.3.5: a format the provider does not answer in.
			http.Error(w, "format: only json is answered, not "+strconv.Quote(f), http.StatusNotImplemented)
			return
		}
		maxW, err := positive("maxwidth", q.Get("maxwidth"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		maxH, err := positive("maxheight", q.Get("maxheight"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		raw := q.Get("url")
		if raw == "" {
			http.Error(w, "url: missing: give the address of a Saddle page, e.g. url="+url.QueryEscape(RequestOrigin(r)+base+"/lessons/cliffs"), http.StatusBadRequest)
			return
		}
		emb, title, lesson, why := embedOf(r, base, raw)
		if why != "" {
			// oEmbed 1.0 §2.3.5: the provider has no answer for this url.
			http.Error(w, "url: "+why, http.StatusNotFound)
			return
		}
		width, height := fit(OEmbedWidth, OEmbedHeight, maxW, maxH)
		origin := RequestOrigin(r)
		src := origin + base + "/embed"
		if emb != "" {
			src += "?" + emb
		}
		a := oembedAnswer{
			Version: "1.0", Type: "rich", Title: title,
			ProviderName: "Saddle", ProviderURL: origin + base + "/",
			HTML: fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" style="border:0" loading="lazy" allowfullscreen></iframe>`,
				html.EscapeString(src), width, height, html.EscapeString(title)),
			Width: width, Height: height,
			CacheAge: 3600,
		}
		if lesson != "" {
			tw, th := fit(templates.ThumbWidth, templates.ThumbHeight, maxW, maxH)
			if tw == templates.ThumbWidth {
				// A thumbnail is offered only at its size (§2.3.4: it must respect maxwidth and maxheight).
				a.ThumbnailURL = origin + base + "/lessons/" + lesson + "/thumb.png"
				a.ThumbnailWidth, a.ThumbnailHeight = tw, th
			}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(a)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		// Any page may read it: it says only what the page itself shows.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(buf.Bytes())
	}
}

// embedOf maps a page URL of this server to its /embed query, its title
// and its lesson ("" if none); why says why the URL is not one, if not.
func embedOf(r *http.Request, base, raw string) (query, title, lesson, why string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", "", fmt.Sprintf("%q is not an http(s) address", raw)
	}
	if !strings.EqualFold(u.Host, r.Host) {
		return "", "", "", fmt.Sprintf("%s is not this server (%s)", u.Host, r.Host)
	}
	path := strings.TrimSuffix(u.Path, "/")
	if !strings.HasPrefix(path+"/", base+"/") {
		return "", "", "", fmt.Sprintf("%s is not a Saddle page (they are under %s/)", u.Path, base)
	}
	path = strings.TrimPrefix(path, base)
	q := u.Query()
	var l *lessons.Lesson
	switch {
	case path == "" || path == "/embed":
		if id := q.Get("lesson"); id != "" {
			found, ok := lessons.Get(id)
			if !ok {
				return "", "", "", "no such lesson " + strconv.Quote(id)
			}
			l = &found
		}
	case strings.HasPrefix(path, "/lessons/") && !strings.Contains(path[len("/lessons/"):], "/"):
		id := path[len("/lessons/"):]
		found, ok := lessons.Get(id)
		if !ok {
			return "", "", "", "no such lesson " + strconv.Quote(id)
		}
		l = &found
		q.Set("lesson", id)
		if !q.Has("caption") {
			q.Set("caption", "1")
		}
	default:
		return "", "", "", fmt.Sprintf("%s is not a page that embeds (the explorer, a lesson or /embed)", u.Path)
	}
	if _, err := ParseEmbed(q, l); err != nil {
		return "", "", "", "the page's embed would be refused: " + err.Error()
	}
	d := templates.PageData{}
	if l != nil {
		d.Lesson = &templates.LessonData{Lesson: *l}
		lesson = l.ID
	}
	title = templates.PageTitle(d)
	if l == nil {
		for _, s := range templates.Scenes() {
			if s.ID == q.Get("scene") {
				title = s.Title + " — Saddle"
			}
		}
	}
	return q.Encode(), title, lesson, ""
}

// positive reads an optional whole-number parameter ≥ 1.
func positive(name, v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100_000 {
		return 0, fmt.Errorf("%s: want a whole number of pixels from 1 to 100000, got %q", name, v)
	}
	return n, nil
}

// fit scales w×h down, keeping its aspect, to at most maxW×maxH (0: no
// bound), never to less than 1 pixel.
func fit(w, h, maxW, maxH int) (int, int) {
	fw, fh := float64(w), float64(h)
	if maxW > 0 && fw > float64(maxW) {
		fh, fw = fh*float64(maxW)/fw, float64(maxW)
	}
	if maxH > 0 && fh > float64(maxH) {
		fw, fh = fw*float64(maxH)/fh, float64(maxH)
	}
	// Rounding down keeps both within their bounds.
	return max(1, int(fw)), max(1, int(fh))
}
