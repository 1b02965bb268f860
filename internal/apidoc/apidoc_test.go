package apidoc

import (
	"bufio"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	const doc = "# T\n## Routes\n| route | what |\n| --- | --- |\n| `GET /a` | one |\n| `POST /b` | two |\n### Sub\n| `GET /c` | three |\n## Flags\n| `-x` | no |\n"
	got, err := names(bufio.NewScanner(strings.NewReader(doc)), "Routes")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"GET /a", "POST /b"}; !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q (a subsection's table is its own)", got, want)
	}
	if _, err := names(bufio.NewScanner(strings.NewReader(doc)), "Nope"); err == nil {
		t.Error("a missing section is not an error")
	}
}

func TestDiff(t *testing.T) {
	if err := Diff("x", []string{"a", "b"}, []string{"b", "a"}); err != nil {
		t.Errorf("same names: %v", err)
	}
	err := Diff("x", []string{"a", "stale"}, []string{"a", "new"})
	if err == nil || !strings.Contains(err.Error(), `"new"`) || !strings.Contains(err.Error(), `"stale"`) {
		t.Errorf("Diff = %v, want both the missing and the stale name", err)
	}
}

func TestTheDocumentHasItsSections(t *testing.T) {
	for _, h := range []string{"Routes", "Flags", "Messages from the page", "Messages from the server", "URL parameters"} {
		ns, err := Names(h)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 0 {
			t.Errorf("section %q names nothing", h)
		}
	}
}
