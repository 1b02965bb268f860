package stream

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/apidoc"
)

// TestAPIDocumentMessages: the message types a page may send, and those the
// server sends, are docs/API.md's, no more and no fewer.
func TestAPIDocumentMessages(t *testing.T) {
	doc, err := apidoc.Names("Messages from the page")
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Split(messageTypes, ", ")
	if err := apidoc.Diff("messages from the page", doc, page); err != nil {
		t.Error(err)
	}
	// Each listed type is one parse knows (messageTypes could drift from
	// the switch): it may refuse the empty body, but not the type.
	for _, typ := range page {
		if _, err := parse([]byte(`{"type":"` + typ + `"}`)); err != nil && strings.Contains(err.Error(), "unknown message type") {
			t.Errorf("messageTypes lists %q, which parse does not know", typ)
		}
	}

	doc, err = apidoc.Names("Messages from the server")
	if err != nil {
		t.Fatal(err)
	}
	// What the server sends, read off the package's source: every
	// Type: "x" of an outgoing message and every {"type":"x" written by hand.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`Type:\s*"([a-z_]+)"|\{"type":"([a-z_]+)"`)
	seen := map[string]bool{}
	var server []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			typ := m[1] + m[2]
			if !seen[typ] {
				seen[typ] = true
				server = append(server, typ)
			}
		}
	}
	if err := apidoc.Diff("messages from the server", doc, server); err != nil {
		t.Error(err)
	}
}
