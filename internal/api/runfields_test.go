package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// TestRunFields: ?fields= keeps those columns of the full answer and no
// other, the same values to the bit, whatever order it names them in; the
// GET form takes it, with an ETag of its own.
func TestRunFields(t *testing.T) {
	h := testHandler(t)
	type colsAnswer struct {
		Runs []struct {
			Optimizer string                     `json:"optimizer"`
			Points    map[string]json.RawMessage `json:"points"`
		} `json:"runs"`
	}
	var full colsAnswer
	if err := json.Unmarshal(do(t, h, "POST", "/api/run?format=columns", formatScene).Body.Bytes(), &full); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fields string
		want   []string
	}{
		{"k,xy,loss", []string{"k", "xy", "loss"}},
		{"loss,k", []string{"k", "loss"}},
		{"state,gthg,raw_grad", []string{"raw_grad", "gthg", "state"}},
		{"grad,update,clipped,grad_norm,used_grad,lr,evals", []string{"grad", "grad_norm", "clipped", "update", "used_grad", "lr", "evals"}},
	} {
		rec := do(t, h, "POST", "/api/run?format=columns&fields="+tc.fields, formatScene)
		if rec.Code != 200 {
			t.Fatalf("fields=%s: %d %s", tc.fields, rec.Code, rec.Body)
		}
		var got colsAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		for i, r := range got.Runs {
			if r.Optimizer != full.Runs[i].Optimizer {
				t.Fatalf("fields=%s: run %d is %s", tc.fields, i, r.Optimizer)
			}
			var want []string
			for _, name := range tc.want {
				if _, ok := full.Runs[i].Points[name]; ok {
					want = append(want, name)
				}
			}
			var keys []string
			for k, v := range r.Points {
				keys = append(keys, k)
				if !bytes.Equal(v, full.Runs[i].Points[k]) {
					t.Errorf("fields=%s: run %d column %s differs from the full answer's", tc.fields, i, k)
				}
			}
			slices.Sort(keys)
			slices.Sort(want)
			if !reflect.DeepEqual(keys, want) {
				t.Errorf("fields=%s: run %d has columns %v, want %v", tc.fields, i, keys, want)
			}
		}
	}
	// The columns come in the point's order, whatever the list's.
	if b := do(t, h, "POST", "/api/run?format=columns&fields=loss,k", formatScene).Body.Bytes(); !bytes.Contains(b, []byte(`"points":{"k":[`)) {
		t.Errorf("fields=loss,k does not start with k: %.200s", b)
	}

	// .npy: run and the fields asked for.
	npy := do(t, h, "POST", "/api/run?format=npy&fields=xy,loss", formatScene)
	if npy.Code != 200 || !bytes.Contains(npy.Body.Bytes()[:256], []byte(`{'descr': [('run', '<i8'), ('xy', '<f8', (2,)), ('loss', '<f8')]`)) {
		t.Errorf("npy fields=xy,loss: %d %q", npy.Code, npy.Body.Bytes()[:min(256, npy.Body.Len())])
	}

	u := "/api/run?scene=" + base64.RawURLEncoding.EncodeToString([]byte(formatScene)) + "&format=columns"
	all, some := get(t, h, u, ""), get(t, h, u+"&fields=k,xy,loss", "")
	post := do(t, h, "POST", "/api/run?format=columns&fields=k,xy,loss", formatScene)
	if some.Code != 200 || !bytes.Equal(some.Body.Bytes(), post.Body.Bytes()) {
		t.Errorf("GET fields=k,xy,loss: %d, same as POST: %v", some.Code, bytes.Equal(some.Body.Bytes(), post.Body.Bytes()))
	}
	if e := some.Header().Get("ETag"); e == "" || e == all.Header().Get("ETag") {
		t.Errorf("ETags: every field %s, fields=k,xy,loss %s", all.Header().Get("ETag"), e)
	}
}

func TestRunFieldsBadInput(t *testing.T) {
	h := testHandler(t)
	u := "/api/run?scene=" + base64.RawURLEncoding.EncodeToString([]byte(formatScene))
	for _, tc := range []struct {
		name, method, path, accept string
	}{
		{"unknown field", "POST", "/api/run?format=columns&fields=k,speed", ""},
		{"case-folded field", "POST", "/api/run?format=columns&fields=Loss", ""},
		{"run", "POST", "/api/run?format=npy&fields=run,k", ""},
		{"duplicate field", "POST", "/api/run?format=columns&fields=k,xy,k", ""},
		{"no field", "POST", "/api/run?format=columns&fields=", ""},
		{"empty name", "POST", "/api/run?format=columns&fields=k,,xy", ""},
		{"fields twice", "POST", "/api/run?format=columns&fields=k&fields=xy", ""},
		{"with the rows", "POST", "/api/run?format=json&fields=k", ""},
		{"with no form", "POST", "/api/run?fields=k", ""},
		{"GET duplicate field", "GET", u + "&format=columns&fields=xy,xy", ""},
		{"GET with the rows", "GET", u + "&fields=xy", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := formatScene
			if tc.method == "GET" {
				body = ""
			}
			rec := doAccept(t, h, tc.method, tc.path, body, tc.accept)
			var e errorBody
			decodeBody(t, rec, &e)
			if rec.Code != 400 || e.Field != "fields" {
				t.Errorf("%d, field %q: %s", rec.Code, e.Field, e.Error)
			}
		})
	}
	// The columns asked for by Accept take fields too.
	if rec := doAccept(t, h, "POST", "/api/run?fields=k", formatScene, "application/json; format=columns"); rec.Code != 200 {
		t.Errorf("Accept columns with fields=k: %d %s", rec.Code, rec.Body)
	}
}
