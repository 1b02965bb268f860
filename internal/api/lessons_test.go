package api

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/saddle-viz/saddle/internal/lessons"
)

func TestLessons(t *testing.T) {
	h := NewHandler(Options{BasePath: "/saddle"})
	rec := do(t, h, "GET", "/saddle/api/lessons", "")
	if rec.Code != 200 {
		t.Fatalf("GET /api/lessons = %d: %s", rec.Code, rec.Body)
	}
	// Exactly the keys API.md lists, every one a string, for every entry.
	var raw []map[string]json.RawMessage
	decodeBody(t, rec, &raw)
	want := []string{"figure", "id", "section", "summary", "title"}
	for _, e := range raw {
		var keys []string
		for k, v := range e {
			keys = append(keys, k)
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				t.Errorf("lesson %s: %q = %s, want a string", e["id"], k, v)
			}
		}
		sort.Strings(keys)
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("lesson %s has keys %v, want %v", e["id"], keys, want)
		}
	}
	var got []lessons.Entry
	decodeBody(t, rec, &got)
	all := lessons.All()
	if len(got) != len(all) || len(got) == 0 {
		t.Fatalf("%d lessons listed, the catalogue has %d", len(got), len(all))
	}
	for i, l := range all {
		if got[i].ID != l.ID || got[i].Title != l.Title || got[i].Section != l.Section || got[i].Summary == "" {
			t.Errorf("entry %d = %+v, want lesson %q (%s) in chapter order with a summary", i, got[i], l.ID, l.Title)
		}
	}
	if rec := do(t, h, "POST", "/saddle/api/lessons", "{}"); rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /api/lessons = %d Allow %q, want 405 with Allow: GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
}

// GET /api/lessons/{id} answers the whole lesson, the maps view it opens
// included; an unknown id is a 404 naming "id".
func TestLesson(t *testing.T) {
	h := NewHandler(Options{})
	rec := do(t, h, "GET", "/api/lessons/momentum", "")
	if rec.Code != 200 {
		t.Fatalf("GET /api/lessons/momentum = %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		ID    string          `json:"id"`
		Scene json.RawMessage `json:"scene"`
		Map   struct {
			Kind  string `json:"kind"`
			Run   int    `json:"run"`
			Hyper struct {
				X struct {
					Name  string     `json:"name"`
					Range [2]float64 `json:"range"`
				} `json:"x"`
				Measure string `json:"measure"`
			} `json:"hyper"`
		} `json:"map"`
	}
	decodeBody(t, rec, &got)
	if got.ID != "momentum" || len(got.Scene) == 0 || got.Map.Kind != "hypermap" || got.Map.Run != 1 ||
		got.Map.Hyper.X.Name != "lr" || got.Map.Hyper.X.Range != [2]float64{0.001, 0.32} || got.Map.Hyper.Measure != "rate" {
		t.Errorf("GET /api/lessons/momentum: %s", rec.Body)
	}
	rec = do(t, h, "GET", "/api/lessons/nope", "")
	var e errorBody
	decodeBody(t, rec, &e)
	if rec.Code != 404 || e.Field != "id" {
		t.Errorf("GET /api/lessons/nope = %d %+v, want 404 naming id", rec.Code, e)
	}
}

func TestLessonWrongMethod(t *testing.T) {
	rec := do(t, NewHandler(Options{}), "POST", "/api/lessons/momentum", "{}")
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /api/lessons/momentum = %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}
