package web_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/apidoc"
)

// TestAPIDocumentURLParameters: the query parameters the page reads and
// writes (static/urlstate.mjs, which owns the URL) and those the server
// reads for /embed are docs/API.md's.
func TestAPIDocumentURLParameters(t *testing.T) {
	doc, err := apidoc.Names("URL parameters")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var code []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			code = append(code, name)
		}
	}
	js, err := os.ReadFile("static/urlstate.mjs")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\bq\.(?:get|getAll|has|set|append)\('([a-z]+)'`).FindAllStringSubmatch(string(js), -1) {
		add(m[1])
	}
	// int('name', ...) reads q.get(name) through a helper.
	for _, m := range regexp.MustCompile(`\bint\('([a-z]+)'`).FindAllStringSubmatch(string(js), -1) {
		add(m[1])
	}
	page := regexp.MustCompile(`PAGE_PARAMS = \[([^\]]*)\]`).FindStringSubmatch(string(js))
	if page == nil {
		t.Fatal("urlstate.mjs has no PAGE_PARAMS")
	}
	for _, m := range regexp.MustCompile(`'([a-z]+)'`).FindAllStringSubmatch(page[1], -1) {
		add(m[1])
	}
	for _, f := range []string{"lessons.go", "web.go", "oembed.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`\bq\.Get\("([a-z]+)"\)`).FindAllStringSubmatch(string(src), -1) {
			add(m[1])
		}
	}
	if len(code) < 10 {
		t.Fatalf("read only %q off the page's code", code)
	}
	if err := apidoc.Diff("URL parameters", doc, code); err != nil {
		t.Error(strings.ReplaceAll(err.Error(), "; ", ";\n"))
	}
}
