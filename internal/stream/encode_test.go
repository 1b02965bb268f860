package stream

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
)

// TestAppendPointIsEncodingJSON holds the hand-written frame encoder to
// encoding/json's bytes, for every field of scene.Point (filled by
// reflection, so a field added to Point and forgotten here fails).
func TestAppendPointIsEncodingJSON(t *testing.T) {
	full := scene.Point{}
	fill(reflect.ValueOf(&full).Elem())
	gthg := -0.0
	cases := []struct {
		name string
		p    scene.Point
	}{
		{"every field", full},
		{"compact", scene.Point{Run: 2, K: 17, XY: []float64{-1.2, 1}, Loss: 24.2, GradNorm: 232.86768775422664}},
		{"nil xy", scene.Point{}},
		{"zero gthg", scene.Point{XY: []float64{0, 0}, GtHg: &gthg}},
		{"clipped", scene.Point{XY: []float64{1, 2}, Clipped: true, RawGrad: []float64{1e22, -3e-7},
			UsedGrad: []float64{0.7071067811865475, -2.1e-29}}},
		{"state", scene.Point{XY: []float64{1, 2}, State: scene.State{{Name: "eff_lr", V: []float64{1e-9, 5e-324}}, {Name: "r", V: []float64{3}}, {Name: "velocity", V: []float64{1, 2}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendPoint(nil, &tc.p); string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// fill sets every field of v to something non-zero.
func fill(v reflect.Value) {
	if v.Type() == reflect.TypeFor[scene.State]() { // distinct names, sorted, as scene makes them
		v.Set(reflect.ValueOf(scene.State{{Name: "inv_hessian", V: []float64{1.0 / 3, 1.0 / 3}},
			{Name: "lookahead", V: []float64{1.0 / 3, 1.0 / 3}}, {Name: "s", V: []float64{1.0 / 3, 1.0 / 3}}}))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.Int:
		v.SetInt(int64(v.Type().Size()) + 3)
	case reflect.Float64:
		v.SetFloat(1.0 / 3)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem())
		v.Set(p)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range []string{"s", "lookahead", "inv_hessian"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e)
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		v.Set(m)
	default:
		panic("fill: add a case for " + v.Kind().String())
	}
}

func TestAppendFloatIsEncodingJSON(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, 123456789, 1e20, 1e21, 1.5e21,
		1e-6, 9.99e-7, 1e-7, 2.5e-10, 1e-100, 5e-324, math.MaxFloat64, -math.MaxFloat64, 1e15, -4.2e-8} {
		want, _ := json.Marshal(x)
		if got := appendFloat(nil, x); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", x, got, want)
		}
	}
}

func TestAppendFrame(t *testing.T) {
	f := &frame{t: 1.5e12, runs: [][]scene.Point{
		{{Run: 0, K: 1, XY: []float64{1, 2}}, {Run: 0, K: 2, XY: []float64{3, 4}}},
		nil,
		{{Run: 2, K: 1, XY: []float64{5, 6}}},
	}}
	var got struct {
		Type   string        `json:"type"`
		T      float64       `json:"t"`
		Points []scene.Point `json:"points"`
	}
	b := appendFrame(nil, f)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if got.Type != "frame" || got.T != 1.5e12 || len(got.Points) != 3 || got.Points[2].Run != 2 || got.Points[1].K != 2 {
		t.Errorf("frame round trip: %s", b)
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	p := scene.Point{Run: 1, K: 1234, XY: []float64{-0.8123456789, 0.65432109876}, Loss: 3.2109876543,
		GradNorm: 12.345678901}
	full := p
	fill(reflect.ValueOf(&full).Elem())
	f := &frame{t: 1.7e12, runs: make([][]scene.Point, 4)}
	for i := range f.runs {
		f.runs[i] = []scene.Point{full}
	}
	b.Run("4 full points", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendFrame(buf[:0], f)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("4 full points encoding/json", func(b *testing.B) {
		pts := make([]scene.Point, 0, 4)
		for _, r := range f.runs {
			pts = append(pts, r...)
		}
		for b.Loop() {
			json.Marshal(map[string]any{"type": "frame", "t": f.t, "points": pts})
		}
	})
}
