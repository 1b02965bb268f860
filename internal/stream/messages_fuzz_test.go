package stream

import (
	"errors"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// FuzzParseMessage (issue 14): the WebSocket message decoder never panics,
// and every refusal is a *fielderr.Error with a message (what the page is
// sent as an "error"). The seed corpus runs in plain `go test`; to fuzz:
//
//	go test -run '^$' -fuzz '^FuzzParseMessage$' -fuzztime 20s ./internal/stream
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"start","objective":{"id":"quadratic"},"start":[1,2],"runs":[{"optimizer":"gd","hyper":{"lr":0.1},"clip":{"norm":1}}],"seed":3,"view":{"x":[-3,3],"y":[-3,3],"nx":16,"ny":16},"steps_per_second":100,"max_steps":0,"paused":true}`,
		`{"type":"start","objective":{"id":"mlp"},"plane":{"kind":"three_points","run":0,"k":5},"runs":[{"optimizer":"adam"}]}`,
		`{"type":"pause"}`, `{"type":"resume"}`, `{"type":"reset"}`,
		`{"type":"step","n":3}`, `{"type":"speed","steps_per_second":600}`,
		`{"type":"set","run":0,"hyper":{"lr":0.2},"clip":{},"schedule":{"kind":"step"}}`,
		`{"type":"view","x":[0,1],"y":[0,1],"nx":8,"ny":8}`,
		`{"type":"plane","kind":"pca","seed":2}`, `{"type":"hessian","at":[0,0]}`, `{"type":"hessian","run":0}`,
		`{"type":"cancel","task":"landscape"}`, `{"type":"spectrum","at":"current","run":0,"k":3}`,
		`{"type":"interpolate","run":0,"n":20,"eigs":1}`, `{"type":"fidelity","run":0}`, `{"type":"regions","run":0,"nx":16}`,
		`{"TYPE":"pause"}`, `{"type":"pause","type":"start"}`, `{"type":"set","run":0,"clip":{"norm":0}}`,
		"{\"type\":\"start\",\"label\":\"\xff\"}", `{"type":`, `[]`, `null`, ``, `{"type":"step"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cmd, err := parse(b)
		if err == nil {
			if cmd == nil {
				t.Fatalf("%q: no command and no error", b)
			}
			return
		}
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Msg == "" {
			t.Fatalf("%q: error %v (%T), want a *fielderr.Error with a message", b, err, err)
		}
	})
}
