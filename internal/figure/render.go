package figure

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"sync"

	"github.com/saddle-viz/saddle/web"
)

// The player (player.mjs) and its style (figure.css), inlined in every file.
var (
	//go:embed player.mjs
	playerJS string
	//go:embed figure.css
	figureCSS string
)

// Policy is the file's Content-Security-Policy: its inline scripts and
// styles and the data: modules, nothing from any network.
const Policy = "default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"

// importRe finds a static import of a sibling module: `import … from
// './x.mjs'` or `import './x.mjs'`.
var importRe = regexp.MustCompile(`(import\s*(?:[^'";]*?from\s*)?)['"]\./([a-z0-9]+\.mjs)['"]`)

// specifier is the bare name a module is imported by in the file.
func specifier(name string) string { return "saddle/" + name }

// importMap returns the file's import map: every module the player needs
// (and what they import) as a data: URL, their imports rewritten to bare
// specifiers the map resolves (a data: URL is no base for './x.mjs').
var importMap = sync.OnceValues(func() ([]byte, error) {
	// The modules as the page gets them: minified (web.Minified).
	small, err := web.Minified(web.Static())
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	mods := map[string]string{}
	var visit func(name string) error
	visit = func(name string) error {
		if _, ok := mods[name]; ok {
			return nil
		}
		src, ok := small[name]
		if !ok {
			return fmt.Errorf("figure: no module %s in web/static", name)
		}
		mods[name] = "" // visiting
		var deps []string
		out := importRe.ReplaceAllStringFunc(string(src), func(m string) string {
			sub := importRe.FindStringSubmatch(m)
			deps = append(deps, sub[2])
			return sub[1] + "'" + specifier(sub[2]) + "'"
		})
		mods[name] = out
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, name := range playerModules {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(mods))
	for n := range mods {
		names = append(names, n)
	}
	slices.Sort(names)
	// Written by hand so the order is fixed: the same bytes every time.
	var b bytes.Buffer
	b.WriteString(`{"imports":{`)
	for i, n := range names {
		if i > 0 {
			b.WriteString(",")
		}
		key, _ := json.Marshal(specifier(n))
		b.Write(key)
		b.WriteString(`:"data:text/javascript;base64,`)
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(mods[n])))
		b.WriteString(`"`)
	}
	b.WriteString(`}}`)
	return b.Bytes(), nil
})

// playerModules are the page's modules player.mjs imports.
var playerModules = []string{"panel.mjs", "colormap.mjs", "contour.mjs", "track.mjs", "ticks.mjs", "plots.mjs", "curves.mjs"}

// render writes the file.
func render(d data) ([]byte, error) {
	imap, err := importMap()
	if err != nil {
		return nil, err
	}
	js, err := encodeData(d)
	if err != nil {
		return nil, err
	}
	esc := html.EscapeString
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + Policy + `">` + "\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<meta name=\"generator\" content=\"Saddle\">\n")
	b.WriteString("<title>" + esc(d.Title) + " — Saddle figure</title>\n")
	b.WriteString("<style>\n" + figureCSS + "</style>\n")
	b.WriteString("<script type=\"importmap\">")
	b.Write(imap)
	b.WriteString("</script>\n</head>\n<body>\n<header>\n<h1>" + esc(d.Title) + "</h1>\n")
	if l := d.Lesson; l != nil {
		sec := "§" + l.Section
		if l.Figure != "" {
			sec += ", " + l.Figure
		}
		b.WriteString("<p class=\"section\">" + esc(sec) + " of the Deep Learning book, chapter 8</p>\n")
	}
	b.WriteString("</header>\n<main>\n<figure>\n<div id=\"stage\" class=\"stage\"></div>\n")
	b.WriteString(`<div class="controls">` +
		`<button type="button" id="play" aria-pressed="false">▶ play</button>` +
		`<button type="button" id="step">step</button>` +
		`<button type="button" id="reset">reset</button>` +
		fmt.Sprintf(`<input type="range" id="scrub" min="0" max="%d" value="%d" aria-label="step">`, d.Steps, d.K) +
		`<output id="k" for="scrub">k = 0</output></div>` + "\n")
	b.WriteString("<ul id=\"legend\" class=\"legend\"></ul>\n<p id=\"cue\" class=\"cue\" aria-live=\"polite\"></p>\n")
	b.WriteString("<div class=\"curve\"><h2>Loss J(θ<sub>k</sub>)</h2><canvas id=\"plot-loss\" class=\"plot\"></canvas></div>\n")
	if l := d.Lesson; l != nil {
		b.WriteString("<figcaption>" + esc(l.Caption) + "</figcaption>\n")
	} else if d.Caption != "" {
		b.WriteString("<figcaption>" + esc(d.Caption) + "</figcaption>\n")
	}
	b.WriteString("</figure>\n")
	if l := d.Lesson; l != nil && len(l.Cues) > 0 {
		b.WriteString("<section class=\"script\"><h2>As it plays</h2>\n<ol>\n")
		for _, c := range l.Cues {
			fmt.Fprintf(&b, "<li data-at=\"%d\"><span class=\"at\">k = %d</span> %s</li>\n", c.At, c.At, esc(c.Text))
		}
		b.WriteString("</ol>\n</section>\n")
	}
	b.WriteString("</main>\n<footer><p>A recorded replay of " + esc(d.Objective) + ", computed by Saddle. " +
		"<a id=\"live\" href=\"" + esc(d.Link) + "\">Open the live version</a> to change the scene.</p></footer>\n")
	b.WriteString("<script type=\"application/json\" id=\"figure-data\">")
	b.Write(js)
	b.WriteString("</script>\n<script type=\"module\">\n" + playerJS + "</script>\n</body>\n</html>\n")
	return b.Bytes(), nil
}
