package main

import (
	"bytes"
	"errors"
	"flag"
	"regexp"
	"testing"

	"github.com/saddle-viz/saddle/internal/apidoc"
)

// TestAPIDocumentFlags: the flags -h lists are docs/API.md's.
func TestAPIDocumentFlags(t *testing.T) {
	doc, err := apidoc.Names("Flags")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, func(string) string { return "" }, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	var code []string
	for _, m := range regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(out.String(), -1) {
		code = append(code, m[1])
	}
	if len(code) == 0 {
		t.Fatalf("no flags read off -h:\n%s", out.String())
	}
	if err := apidoc.Diff("flags", doc, code); err != nil {
		t.Error(err)
	}
}
