package strictjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzCheck: Check never panics, and Decode accepts only valid JSON whose
// keys Check accepts.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"objective": {"id": "x"}, "runs": [{"norm": 1}], "steps": 3, "hyper": {"lr": 1}, "plane": "pca"}`,
		`{"RUNS": [], "runs": []}`, `{"steps": 1, "steps": 2}`, `{"any": [[[[{"a": 1, "a": 2}]]]]}`,
		`{"st\u0065ps": 1}`, "{\"raw\": \"\xc3\x28\"}", `{"runs": {"norm": 1}}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	typ := reflect.TypeFor[outer]()
	f.Fuzz(func(t *testing.T, b []byte) {
		fe := Check(b, typ)
		_ = Check(b, nil)
		var v outer
		if Decode(b, &v) == nil {
			if !json.Valid(b) || fe != nil {
				t.Fatalf("Decode accepted %q (Check: %v)", b, fe)
			}
		}
	})
}
