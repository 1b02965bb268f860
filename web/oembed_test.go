package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/web"
)

type oembedAnswer struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	ThumbnailURL string `json:"thumbnail_url"`
}

// oembedLinks are the page's oEmbed discovery links.
func oembedLinks(t *testing.T, body string) []string {
	var out []string
	for _, n := range find(parse(t, body), func(n *html.Node) bool {
		return n.Data == "link" && attrOf(n, "rel") == "alternate" && attrOf(n, "type") == "application/json+oembed"
	}) {
		out = append(out, attrOf(n, "href"))
	}
	return out
}

var iframeRe = regexp.MustCompile(`^<iframe src="([^"]+)" width="(\d+)" height="(\d+)" title="[^"]+"[^>]*></iframe>$`)

// TestOEmbedDiscoveryAndAnswer: a lesson page and explorer pages (a ready
// scene, a scene of its own) link their oEmbed URL; following it answers a
// rich oEmbed whose iframe is the /embed of the same scene, and that embed
// is served. Under a base path, everything is under it.
func TestOEmbedDiscoveryAndAnswer(t *testing.T) {
	for _, base := range []string{"", "/saddle"} {
		h := api.NewHandler(api.Options{BasePath: base})
		for _, tc := range []struct {
			page  string
			embed url.Values // what the embed's query must hold
			title string
		}{
			{page: "/lessons/cliffs", embed: url.Values{"lesson": {"cliffs"}, "caption": {"1"}}, title: "Cliffs"},
			{page: "/lessons/cliffs?k=40&speed=30", embed: url.Values{"lesson": {"cliffs"}, "k": {"40"}, "speed": {"30"}}, title: "Cliffs"},
			{page: "/?scene=newton-vs-gd", embed: url.Values{"scene": {"newton-vs-gd"}}, title: "Newton"},
			{page: "/?obj=rosenbrock&run=adam|lr=0.05&k=12", embed: url.Values{"obj": {"rosenbrock"}, "run": {"adam|lr=0.05"}, "k": {"12"}}, title: "Saddle"},
		} {
			rec := get(t, h, base+tc.page)
			if rec.Code != 200 {
				t.Fatalf("GET %s%s: %d", base, tc.page, rec.Code)
			}
			links := oembedLinks(t, rec.Body.String())
			if len(links) != 1 {
				t.Fatalf("%s%s has %d oEmbed links, want 1", base, tc.page, len(links))
			}
			link, err := url.Parse(links[0])
			if err != nil || link.Scheme != "http" || link.Host != "example.com" || link.Path != base+"/oembed" {
				t.Fatalf("oEmbed link %q: want http://example.com%s/oembed?...", links[0], base)
			}
			if got, want := link.Query().Get("url"), "http://example.com"+base+tc.page; got != want {
				t.Errorf("oEmbed link's url = %q, want the page's %q", got, want)
			}
			ans := get(t, h, link.RequestURI())
			if ans.Code != 200 || ans.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("GET %s: %d %q: %s", link.RequestURI(), ans.Code, ans.Header().Get("Content-Type"), ans.Body)
			}
			var a oembedAnswer
			if err := json.Unmarshal(ans.Body.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			if a.Version != "1.0" || a.Type != "rich" || a.ProviderName != "Saddle" || !strings.Contains(a.Title, tc.title) {
				t.Errorf("%s: version %q type %q provider %q title %q", tc.page, a.Version, a.Type, a.ProviderName, a.Title)
			}
			m := iframeRe.FindStringSubmatch(a.HTML)
			if m == nil {
				t.Fatalf("html is not one iframe: %s", a.HTML)
			}
			if m[2] != strconv.Itoa(a.Width) || m[3] != strconv.Itoa(a.Height) || a.Width != web.OEmbedWidth || a.Height != web.OEmbedHeight {
				t.Errorf("iframe %s×%s, answer %d×%d, want %d×%d", m[2], m[3], a.Width, a.Height, web.OEmbedWidth, web.OEmbedHeight)
			}
			src, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil || src.Host != "example.com" || src.Path != base+"/embed" {
				t.Fatalf("iframe src %q: want http://example.com%s/embed?...", m[1], base)
			}
			for k, v := range tc.embed {
				if got := src.Query()[k]; strings.Join(got, ",") != strings.Join(v, ",") {
					t.Errorf("%s: embed %s=%q, want %q (src %s)", tc.page, k, got, v, src)
				}
			}
			if e := get(t, h, src.RequestURI()); e.Code != 200 {
				t.Errorf("the iframe's %s: %d %s", src.RequestURI(), e.Code, e.Body)
			}
		}
		// The embed itself and the index are not offered for oEmbed.
		for _, page := range []string{"/embed?lesson=cliffs", "/lessons"} {
			if links := oembedLinks(t, get(t, h, base+page).Body.String()); len(links) != 0 {
				t.Errorf("%s links oEmbed %q", page, links)
			}
		}
	}
}

// TestOEmbedSizes: maxwidth and maxheight bound the iframe, keeping its
// aspect; the thumbnail is left out when it would not fit.
func TestOEmbedSizes(t *testing.T) {
	h := api.NewHandler(api.Options{})
	page := url.QueryEscape("http://example.com/lessons/cliffs")
	for _, tc := range []struct{ maxW, maxH int }{{400, 0}, {0, 100}, {300, 300}, {2000, 2000}, {1, 1}, {799, 0}} {
		q := "/oembed?url=" + page
		if tc.maxW > 0 {
			q += "&maxwidth=" + strconv.Itoa(tc.maxW)
		}
		if tc.maxH > 0 {
			q += "&maxheight=" + strconv.Itoa(tc.maxH)
		}
		rec := get(t, h, q)
		var a oembedAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != 200 {
			t.Fatalf("%s: %d %s", q, rec.Code, rec.Body)
		}
		if (tc.maxW > 0 && a.Width > tc.maxW) || (tc.maxH > 0 && a.Height > tc.maxH) || a.Width < 1 || a.Height < 1 {
			t.Errorf("%s: %d×%d", q, a.Width, a.Height)
		}
		// The aspect is kept (to the pixel rounding).
		if r := float64(a.Width) / float64(a.Height); a.Height > 20 && (r < 1.55 || r > 1.65) {
			t.Errorf("%s: %d×%d is not 8:5", q, a.Width, a.Height)
		}
		// As large as allowed: one bound is reached, or the default size.
		if a.Width != min(web.OEmbedWidth, orBig(tc.maxW)) && a.Height != min(web.OEmbedHeight, orBig(tc.maxH)) {
			t.Errorf("%s: %d×%d is smaller than it need be", q, a.Width, a.Height)
		}
		m := iframeRe.FindStringSubmatch(a.HTML)
		if m == nil || m[2] != strconv.Itoa(a.Width) || m[3] != strconv.Itoa(a.Height) {
			t.Errorf("%s: iframe %q does not say %d×%d", q, a.HTML, a.Width, a.Height)
		}
		if fits := (tc.maxW == 0 || tc.maxW >= 240) && (tc.maxH == 0 || tc.maxH >= 180); fits != (a.ThumbnailURL != "") {
			t.Errorf("%s: thumbnail %q", q, a.ThumbnailURL)
		}
	}
}

func orBig(n int) int {
	if n == 0 {
		return 1 << 30
	}
	return n
}

// TestOEmbedRefuses: a URL that is not a page of this server is a 404
// (oEmbed 1.0 §2.3.5), a format but json 501, bad parameters 400 naming
// the parameter.
func TestOEmbedRefuses(t *testing.T) {
	h := api.NewHandler(api.Options{BasePath: "/saddle"})
	for _, tc := range []struct {
		query  string
		status int
		msg    string
	}{
		{"url=" + url.QueryEscape("http://other.example.org/saddle/lessons/cliffs"), 404, "not this server"},
		{"url=" + url.QueryEscape("http://example.com/lessons/cliffs"), 404, "not a Saddle page"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/nope"), 404, "no such lesson"},
		{"url=" + url.QueryEscape("http://example.com/saddle/api/run"), 404, "not a page that embeds"},
		{"url=" + url.QueryEscape("http://example.com/saddle/static/app.mjs"), 404, "not a page that embeds"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/cliffs?theme=pink"), 404, "theme"},
		{"url=" + url.QueryEscape("ftp://example.com/saddle/"), 404, "not an http"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/cliffs") + "&format=xml", 501, "format"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/cliffs") + "&maxwidth=wide", 400, "maxwidth"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/cliffs") + "&maxheight=0", 400, "maxheight"},
		{"url=" + url.QueryEscape("http://example.com/saddle/lessons/cliffs") + "&callback=f", 400, "callback"},
		{"url=a&url=b", 400, "url"},
		{"", 400, "url"},
	} {
		rec := get(t, h, "/saddle/oembed?"+tc.query)
		if rec.Code != tc.status || !strings.HasPrefix(rec.Body.String(), strings.Fields(tc.msg)[0]) && !strings.Contains(rec.Body.String(), tc.msg) {
			t.Errorf("?%s: %d %q, want %d mentioning %q", tc.query, rec.Code, rec.Body, tc.status, tc.msg)
		}
	}
}
