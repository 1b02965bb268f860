package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

type inner struct {
	Norm  float64 `json:"norm,omitempty"`
	Value float64 `json:"value,omitempty"`
}

// free decodes itself from an object of any keys (as scene.Hyper does).
type free struct{ M map[string]float64 }

func (f *free) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &f.M) }

// shaped decodes itself, and its object form has its tagged fields (as
// zoo.PlaneSpec does).
type shaped struct {
	Kind string `json:"kind"`
}

func (s *shaped) UnmarshalJSON(b []byte) error {
	type plain shaped
	if json.Unmarshal(b, &s.Kind) == nil {
		return nil
	}
	return json.Unmarshal(b, (*plain)(s))
}

type base struct {
	Objective map[string]any `json:"objective"`
	Runs      []inner        `json:"runs"`
}

type outer struct {
	base
	Steps *int            `json:"steps"`
	Clip  inner           `json:"clip"`
	Hyper free            `json:"hyper"`
	Plane *shaped         `json:"plane"`
	Raw   json.RawMessage `json:"raw"`
	Any   any             `json:"any"`
	Arr   [2]float64      `json:"arr"`
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string // "" with msg "": accepted
		msg   string
	}{
		{"valid", `{"objective": {"id": "x"}, "runs": [{"norm": 1}], "steps": 3, "clip": {"value": 2}, "hyper": {"lr": 1, "LR": 2}, "plane": "pca", "raw": {"a": 1}, "any": [1, {"b": 2}], "arr": [1, 2]}`, "", ""},
		{"plane as an object", `{"plane": {"kind": "pca"}}`, "", ""},
		{"top-level key in capitals", `{"RUNS": [], "runs": []}`, "RUNS", `did you mean "runs"`},
		{"embedded struct's key in another case", `{"Objective": {}}`, "Objective", `did you mean "objective"`},
		{"nested key in another case", `{"runs": [{"norm": 1}, {"NORM": 2}]}`, "runs[1].NORM", `did you mean "norm"`},
		{"unknown key lists the known ones", `{"stepz": 1}`, "stepz", "known: steps, clip, hyper, plane, raw, any, arr, objective, runs"},
		{"tagged custom type's key", `{"plane": {"KIND": "pca"}}`, "plane.KIND", `did you mean "kind"`},
		{"duplicate at the top", `{"steps": 1, "steps": 2}`, "steps", "duplicate key"},
		{"duplicate in a map", `{"objective": {"id": "a", "id": "b"}}`, "objective.id", "duplicate key"},
		{"duplicate in a custom type's free keys", `{"hyper": {"lr": 1, "lr": 2}}`, "hyper.lr", "duplicate key"},
		{"duplicate in raw JSON", `{"raw": {"a": 1, "a": 2}}`, "raw.a", "duplicate key"},
		{"duplicate deep in any", `{"any": [0, {"b": [{"c": 1, "c": 1}]}]}`, "any[1].b[0].c", "duplicate key"},
		{"escaped duplicate", `{"steps": 1, "st\u0065ps": 2}`, "steps", "duplicate key"},
		{"invalid UTF-8", "{\"objective\": {\"id\": \"\xff\"}}", "", "UTF-8"},
		{"too deep", `{"any": ` + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + `}`, "any" + strings.Repeat("[0]", MaxDepth-1), "nested"},
		{"syntax error is left to the decoder", `{"steps": 1,, "steps": 2}`, "", ""},
		{"wrong kind is left to the decoder", `{"runs": {"norm": 1}, "clip": [1]}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := Check([]byte(tt.body), reflect.TypeFor[*outer]())
			if tt.msg == "" {
				if fe != nil {
					t.Fatalf("refused: %v", fe)
				}
				return
			}
			if fe == nil {
				t.Fatalf("accepted, want %q on %q", tt.msg, tt.field)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("error %q on %q, want %q on %q", fe.Msg, fe.Field, tt.msg, tt.field)
			}
		})
	}
}

func TestCheckOffsetIsTheKey(t *testing.T) {
	body := `{"steps": 1, "runs": [{"norm": 1, "No\"rm": 2}]}`
	fe := Check([]byte(body), reflect.TypeFor[outer]())
	if fe == nil {
		t.Fatal("accepted")
	}
	if want := strings.Index(body, `"No\"rm"`); fe.Offset != want {
		t.Errorf("offset %d, want %d (the key's opening quote)", fe.Offset, want)
	}
}

func TestDecode(t *testing.T) {
	var v outer
	if err := Decode([]byte(`{"steps": 4, "runs": [{"norm": 2}]}`), &v); err != nil {
		t.Fatal(err)
	}
	if *v.Steps != 4 || v.Runs[0].Norm != 2 {
		t.Errorf("decoded %+v", v)
	}
	err := Decode([]byte(`{"steps": 4} {}`), &v)
	var te *TrailingError
	if !errors.As(err, &te) || te.Offset != len(`{"steps": 4} `) {
		t.Errorf("trailing data: %v", err)
	}
	err = Decode([]byte(`{"Steps": 4}`), &v)
	var fe *fielderr.Error
	if !errors.As(err, &fe) || fe.Field != "Steps" {
		t.Errorf("key in another case: %v", err)
	}
}
