// Package apidoc reads docs/API.md, the project's public contract, so that
// tests in the packages that implement it can check that the document and
// the code name the same routes, messages, URL parameters and flags.
package apidoc

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Path finds docs/API.md by walking up from the working directory to the
// module root (the directory holding go.mod).
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "docs", "API.md"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("apidoc: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Names returns the backticked first cells of the table rows in the
// section headed heading (any level), up to the next heading of any
// level: "| `GET /api/run` | ... |" gives "GET /api/run".
// Header and separator rows have no backticks and are skipped.
func Names(heading string) ([]string, error) {
	p, err := Path()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return names(bufio.NewScanner(f), heading)
}

func names(sc *bufio.Scanner, heading string) ([]string, error) {
	level := 0 // the level of the section being read; 0: not in it
	found := false
	var out []string
	for sc.Scan() {
		line := sc.Text()
		if h := strings.TrimLeft(line, "#"); h != line && strings.HasPrefix(h, " ") {
			level = 0
			if strings.TrimSpace(h) == heading {
				level, found = len(line)-len(h), true
			}
			continue
		}
		if level == 0 || !strings.HasPrefix(line, "|") {
			continue
		}
		cell, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), "|")
		cell = strings.TrimSpace(cell)
		if strings.HasPrefix(cell, "`") && strings.HasSuffix(cell, "`") && len(cell) > 2 {
			out = append(out, strings.Trim(cell, "`"))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("apidoc: no section %q in docs/API.md", heading)
	}
	return out, nil
}

// Diff reports the names in code but not in the document and the reverse,
// as an error listing both; nil when they agree.
func Diff(what string, doc, code []string) error {
	inDoc, inCode := set(doc), set(code)
	var missing, stale []string
	for n := range inCode {
		if !inDoc[n] {
			missing = append(missing, n)
		}
	}
	for n := range inDoc {
		if !inCode[n] {
			stale = append(stale, n)
		}
	}
	if len(missing) == 0 && len(stale) == 0 {
		return nil
	}
	slices.Sort(missing)
	slices.Sort(stale)
	return fmt.Errorf("docs/API.md and the code disagree on %s: in code but not documented %q; documented but not in code %q", what, missing, stale)
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
