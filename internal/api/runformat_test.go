package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/zoo"
)

const formatScene = `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 30, "seed": 4,
	"runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}, "clip": {"norm": 1}}, {"optimizer": "bfgs"}]}`

func doAccept(t testing.TB, h http.Handler, method, path, body, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestRunColumns: ?format=columns and Accept: application/json;
// format=columns give the same answer as the rows, each run's points turned
// into arrays per field: a script reading points["loss"][k] reads the loss
// the rows' points[k].loss has.
func TestRunColumns(t *testing.T) {
	h := testHandler(t)
	rows := do(t, h, "POST", "/api/run", formatScene)
	if rows.Code != 200 || rows.Header().Get("Vary") != "Accept" {
		t.Fatalf("rows: %d, Vary %q: %s", rows.Code, rows.Header().Get("Vary"), rows.Body)
	}
	byQuery := do(t, h, "POST", "/api/run?format=columns", formatScene)
	byAccept := doAccept(t, h, "POST", "/api/run", formatScene, "text/html, application/json; format=columns")
	for _, rec := range []*httptest.ResponseRecorder{byQuery, byAccept} {
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; format=columns" {
			t.Fatalf("status %d, Content-Type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	if !bytes.Equal(byQuery.Body.Bytes(), byAccept.Body.Bytes()) {
		t.Error("?format=columns and Accept: application/json; format=columns answer differently")
	}
	var r struct {
		Runs []struct {
			Status string `json:"status"`
			Points []struct {
				K    int       `json:"k"`
				XY   []float64 `json:"xy"`
				Loss float64   `json:"loss"`
			} `json:"points"`
		} `json:"runs"`
	}
	decodeBody(t, rows, &r)
	var c struct {
		Runs []struct {
			Status string `json:"status"`
			Points struct {
				K       []int       `json:"k"`
				XY      [][]float64 `json:"xy"`
				Loss    []float64   `json:"loss"`
				Clipped []bool      `json:"clipped"`
				State   map[string][][]float64
			} `json:"points"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(byQuery.Body.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Runs) != len(r.Runs) || len(r.Runs) != 2 {
		t.Fatalf("%d runs in columns, %d in rows", len(c.Runs), len(r.Runs))
	}
	for i := range r.Runs {
		rr, cr := r.Runs[i], c.Runs[i]
		if rr.Status != cr.Status || len(cr.Points.K) != len(rr.Points) || len(cr.Points.Loss) != len(rr.Points) ||
			len(cr.Points.XY) != len(rr.Points) || len(cr.Points.Clipped) != len(rr.Points) {
			t.Fatalf("run %d: status %s/%s, %d k, %d loss for %d points", i, cr.Status, rr.Status, len(cr.Points.K), len(cr.Points.Loss), len(rr.Points))
		}
		for k, p := range rr.Points {
			if cr.Points.K[k] != p.K || cr.Points.Loss[k] != p.Loss || cr.Points.XY[k][0] != p.XY[0] || cr.Points.XY[k][1] != p.XY[1] {
				t.Fatalf("run %d point %d: columns say k %d loss %v xy %v, rows %+v", i, k, cr.Points.K[k], cr.Points.Loss[k], cr.Points.XY[k], p)
			}
		}
	}
	if len(c.Runs[0].Points.State) == 0 {
		t.Error("adam's columns have no state")
	}
	for name, col := range c.Runs[0].Points.State {
		if len(col) != len(r.Runs[0].Points) {
			t.Errorf("adam's state.%s has %d entries for %d points", name, len(col), len(r.Runs[0].Points))
		}
	}
	if len(byQuery.Body.Bytes()) >= len(rows.Body.Bytes()) {
		t.Errorf("columns (%d bytes) are no smaller than rows (%d)", byQuery.Body.Len(), rows.Body.Len())
	}
}

// TestRunNPY: Accept: application/x-npy or ?format=npy answers a .npy file
// of one row per point (the layout is internal/wire's test).
func TestRunNPY(t *testing.T) {
	h := testHandler(t)
	var rows struct {
		Runs []struct {
			Points []json.RawMessage `json:"points"`
		} `json:"runs"`
	}
	decodeBody(t, do(t, h, "POST", "/api/run", formatScene), &rows)
	shape := fmt.Sprintf("'shape': (%d,)", len(rows.Runs[0].Points)+len(rows.Runs[1].Points))
	byQuery := do(t, h, "POST", "/api/run?format=npy", formatScene)
	byAccept := doAccept(t, h, "POST", "/api/run", formatScene, "application/x-npy")
	for _, rec := range []*httptest.ResponseRecorder{byQuery, byAccept} {
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-npy" {
			t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		if !bytes.HasPrefix(rec.Body.Bytes(), []byte("\x93NUMPY")) || !bytes.Contains(rec.Body.Bytes()[:1024], []byte(shape)) {
			t.Fatalf("not a .npy with %s: %q", shape, rec.Body.Bytes()[:min(1024, rec.Body.Len())])
		}
	}
	if !bytes.Equal(byQuery.Body.Bytes(), byAccept.Body.Bytes()) {
		t.Error("?format=npy and Accept: application/x-npy answer differently")
	}
}

// TestRunFormatsGET: the GET form takes format too, each form with its own
// ETag (a cache keeps them apart; Vary: Accept says the header matters).
func TestRunFormatsGET(t *testing.T) {
	h := testHandler(t)
	u := "/api/run?scene=" + base64.RawURLEncoding.EncodeToString([]byte(formatScene))
	rows := get(t, h, u, "")
	cols := get(t, h, u+"&format=columns", "")
	post := do(t, h, "POST", "/api/run?format=columns", formatScene)
	if rows.Code != 200 || cols.Code != 200 {
		t.Fatalf("%d %d: %s", rows.Code, cols.Code, cols.Body)
	}
	if !bytes.Equal(cols.Body.Bytes(), post.Body.Bytes()) {
		t.Error("GET ?format=columns differs from POST ?format=columns")
	}
	if rows.Header().Get("ETag") == cols.Header().Get("ETag") || cols.Header().Get("ETag") == "" {
		t.Errorf("ETags rows %s, columns %s", rows.Header().Get("ETag"), cols.Header().Get("ETag"))
	}
	if cols.Header().Get("Vary") != "Accept" {
		t.Errorf("Vary %q", cols.Header().Get("Vary"))
	}
	if again := get(t, h, u+"&format=columns", cols.Header().Get("ETag")); again.Code != 304 {
		t.Errorf("If-None-Match of the columns' ETag: %d", again.Code)
	}
}

func TestRunFormatBadInput(t *testing.T) {
	h := testHandler(t)
	u := "/api/run?scene=" + base64.RawURLEncoding.EncodeToString([]byte(formatScene))
	for _, tc := range []struct {
		name, method, path, accept string
	}{
		{"unknown format", "POST", "/api/run?format=xml", ""},
		{"case-folded format", "POST", "/api/run?format=Columns", ""},
		{"format twice", "POST", "/api/run?format=columns&format=json", ""},
		{"unknown Accept format", "POST", "/api/run", "application/json; format=arrow"},
		{"GET unknown format", "GET", u + "&format=arrow", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := formatScene
			if tc.method == "GET" {
				body = ""
			}
			rec := doAccept(t, h, tc.method, tc.path, body, tc.accept)
			var e errorBody
			decodeBody(t, rec, &e)
			if rec.Code != 400 || e.Field != "format" {
				t.Errorf("%d, field %q: %s", rec.Code, e.Field, e.Error)
			}
		})
	}
	// What a browser sends, or a type the run has no form in, is no error: the rows.
	for _, accept := range []string{"text/html,application/xhtml+xml,*/*;q=0.8", "application/vnd.apache.arrow.stream", "application/json; format=columns; q=0"} {
		rec := doAccept(t, h, "POST", "/api/run", formatScene, accept)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("Accept %q: %d %s", accept, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	// The higher q wins.
	rec := doAccept(t, h, "POST", "/api/run", formatScene, "application/json;q=0.5, application/x-npy;q=0.9")
	if rec.Header().Get("Content-Type") != "application/x-npy" {
		t.Errorf("q=0.9 npy over q=0.5 json: %s", rec.Header().Get("Content-Type"))
	}
}

// TestLandscapeAnswerIsEncodingJSON: the hand-written landscape answers
// (a 2-D grid large enough to be written on several goroutines, and a
// network's plane with its origin and axes) are the bytes encoding/json
// wrote for them.
func TestLandscapeAnswerIsEncodingJSON(t *testing.T) {
	h := testHandler(t)
	for _, body := range []string{
		`{"objective": {"id": "rosenbrock"}, "nx": 300, "ny": 200}`,
		`{"objective": {"id": "mlp", "params": {"width": 4, "points": 32}}, "nx": 9, "ny": 7, "seed": 3}`,
	} {
		rec := do(t, h, "POST", "/api/landscape", body)
		if rec.Code != 200 {
			t.Fatalf("%d: %s", rec.Code, rec.Body)
		}
		var v struct {
			landscape.Grid
			Plane *json.RawMessage `json:"plane,omitempty"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		var err error
		if v.Plane != nil {
			var plane zoo.PlaneInfo
			if err := json.Unmarshal(*v.Plane, &plane); err != nil {
				t.Fatal(err)
			}
			err = enc.Encode(planeLandscape{Grid: &v.Grid, Plane: plane})
		} else {
			err = enc.Encode(&v.Grid)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Body.Bytes(), want.Bytes()) {
			t.Errorf("%s: the answer (%d bytes) is not encoding/json's (%d bytes)", body, rec.Body.Len(), want.Len())
		}
	}
}
