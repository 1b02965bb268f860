package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/api"
)

// TestFigureSubcommand: `saddle figure` writes the file GET /api/figure
// serves for the same request, byte for byte, from -lesson or -scene; a
// bad request is an error naming its field.
func TestFigureSubcommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "cliffs.html")
	if err := run(context.Background(), []string{"figure", "-lesson", "cliffs", "-steps", "40", "-live", "http://example.com", "-o", out}, env(nil), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	h := api.NewHandler(api.Options{})
	scene := base64.RawURLEncoding.EncodeToString([]byte(`{"lesson": "cliffs", "steps": 40}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/figure?scene="+scene, nil))
	if rec.Code != 200 {
		t.Fatalf("GET /api/figure: %d %s", rec.Code, rec.Body)
	}
	if !bytes.Equal(file, rec.Body.Bytes()) {
		t.Errorf("saddle figure wrote %d bytes, GET /api/figure answered %d others", len(file), rec.Body.Len())
	}
	sceneFile := filepath.Join(dir, "scene.json")
	if err := os.WriteFile(sceneFile, []byte(`{"lesson": "cliffs", "steps": 40}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"figure", "-scene", sceneFile, "-live", "http://example.com"}, env(nil), &stdout); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), file) {
		t.Error("-scene and -lesson of the same request differ")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"figure"}, "-lesson or -scene"},
		{[]string{"figure", "-lesson", "nope"}, "nope"},
		{[]string{"figure", "-lesson", "cliffs", "-steps", "999999"}, "steps"},
		{[]string{"figure", "-scene", filepath.Join(dir, "missing.json")}, "missing.json"},
	} {
		err := run(context.Background(), tc.args, env(nil), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error about %q", tc.args, err, tc.want)
		}
	}
}
