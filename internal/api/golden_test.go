package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current answers")

// goldenCases are requests whose answers are pinned to the bit: same request,
// same seed, same answer (API.md). A change here is a change users see.
var goldenCases = []struct{ name, path, body string }{
	{"run_rosenbrock_gd", "/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 50, "seed": 7,
		"runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}]}`},
	{"run_quadratic_momentum_newton", "/api/run", `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 10, "angle": 20}},
		"start": [-2.5, 1.5], "steps": 30, "seed": 1,
		"runs": [{"optimizer": "momentum", "hyper": {"lr": 0.05, "momentum": 0.9}}, {"optimizer": "newton"}]}`},
	{"run_rosenbrock_sgd_clipped", "/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 20, "seed": 42,
		"runs": [{"optimizer": "sgd", "hyper": {"lr": 0.002, "noise": 1}, "clip": {"norm": 10}}]}`},
	{"landscape_rosenbrock_8x8", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": 8, "ny": 8}`},
	{"hessian_rosenbrock", "/api/hessian", `{"objective": {"id": "rosenbrock"}, "at": [-1.2, 1]}`},
}

func TestGolden(t *testing.T) {
	h := testHandler(t)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, "POST", tc.path, tc.body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			// A second answer must be the same bytes, not merely equal values.
			if again := do(t, h, "POST", tc.path, tc.body); !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
				t.Fatal("two answers to the same request differ")
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, rec.Body.Bytes(), "", " "); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/api -run TestGolden -update to create it)", err)
			}
			if got := pretty.String(); got != string(want) {
				t.Errorf("answer differs from %s at line %d (go test -run TestGolden -update rewrites it after a deliberate change)",
					file, firstDiffLine(got, string(want)))
			}
		})
	}
}

func firstDiffLine(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
