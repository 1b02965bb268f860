package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// encodingJSON is what the API wrote before this package: encoding/json's
// Encoder with HTML escaping off.
func encodingJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type answer struct {
	Runs []scene.RunResult `json:"runs"`
}

// realRuns are answers of real scenes: every optimizer on Rosenbrock (some
// clipped, some scheduled, one with a label that needs escaping), and a
// projected network.
func realRuns(t testing.TB) [][]scene.RunResult {
	var out [][]scene.RunResult
	var specs []scene.RunSpec
	for _, info := range optim.Catalogue() {
		rs := scene.RunSpec{Optimizer: info.ID}
		switch info.ID {
		case "gd", "sgd", "momentum", "nesterov":
			rs.Hyper = scene.Hyper{Num: map[string]float64{"lr": 1e-3}}
		case "natural_gradient":
			continue // not on Rosenbrock
		}
		if info.Needs == "matrices" {
			continue // muon, shampoo: not on a vector of two coordinates
		}
		specs = append(specs, rs)
	}
	specs[0].Label = "GD \"plain\" <&> \u2028 é \x01"
	specs[1].Clip = optim.Clip{Norm: 1}
	for i := 0; i < len(specs); i += scene.MaxRuns {
		s, err := scene.Build(scene.Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1},
			Seed: 3, Runs: specs[i:min(i+scene.MaxRuns, len(specs))]})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s.RunAll(40))
	}
	s, err := scene.Build(scene.Request{Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 1}},
		Start: []float64{1e-9, 0}, Runs: []scene.RunSpec{{Optimizer: "newton"}}})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, s.RunAll(5)) // converges: a stationary point and a reason
	s, err = scene.Build(scene.Request{Objective: landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 4, "points": 32}},
		Seed: 2, Runs: []scene.RunSpec{{Optimizer: "adam", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.01}}}, {Optimizer: "lbfgs"}}})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, s.RunAll(10))
	return out
}

// TestAppendRunsIsEncodingJSON: the hand-written answer is byte for byte
// what encoding/json wrote, on real runs and on a run with every field set
// (filled by reflection, so a field added to RunResult, Stationary or Point
// and forgotten here fails).
func TestAppendRunsIsEncodingJSON(t *testing.T) {
	var full scene.RunResult
	fill(reflect.ValueOf(&full).Elem())
	cases := [][]scene.RunResult{nil, {}, {full}, {{Optimizer: "gd", Status: "max_steps"}}}
	cases = append(cases, realRuns(t)...)
	for i, runs := range cases {
		want := encodingJSON(t, answer{Runs: runs})
		if got := AppendRuns(nil, runs); !bytes.Equal(got, want) {
			n := firstDiff(got, want)
			t.Errorf("case %d differs at byte %d:\ngot  …%s\nwant …%s", i, n, around(got, n), around(want, n))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(b []byte, i int) string { return string(b[max(0, i-40):min(len(b), i+40)]) }

func TestAppendStringIsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "adam", `a "quoted" \ back`, "\b\f\n\r\t\x00\x1f\x7f", "<script>&</script>",
		"λmin = -2 < 0 < λmax", "\u2028\u2029", "bad \xff utf-8 \xe2\x82", "‖g‖ = 3e-09"} {
		want := strings.TrimSuffix(string(encodingJSON(t, s)), "\n")
		if got := AppendString(nil, s); string(got) != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestAppendFloatIsEncodingJSON(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, 123456789, 1e15 - 1, 1e15, 1e20, 1e21, 1.5e21,
		1e-6, 9.99e-7, 1e-7, 2.5e-10, 1e-100, 5e-324, math.MaxFloat64, -math.MaxFloat64, -4.2e-8, 4503599627370497}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		xs = append(xs, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)),
			float64(rng.IntN(1<<20)-1<<19))
	}
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		want, _ := json.Marshal(x)
		if got := AppendFloat(nil, x); string(got) != string(want) {
			t.Fatalf("%v: got %s, want %s", x, got, want)
		}
	}
	if got := string(AppendFloat(nil, math.NaN())); got != "null" {
		t.Errorf("NaN: got %s, want null", got)
	}
}

// TestColumnsHoldTheRows: each run's columns, read back, are its points
// field by field: a column's i-th entry is point i's value (null where the
// point has none), and no column is there that no point has.
func TestColumnsHoldTheRows(t *testing.T) {
	for ci, runs := range realRuns(t) {
		b := AppendRunsColumns(nil, runs)
		var got struct {
			Runs []map[string]json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("case %d: %v: %s", ci, err, b)
		}
		// Every field but points is as in the row form.
		var rows struct {
			Runs []map[string]json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal(AppendRuns(nil, runs), &rows); err != nil {
			t.Fatal(err)
		}
		for i, r := range runs {
			for k, v := range rows.Runs[i] {
				if k != "points" && string(got.Runs[i][k]) != string(v) {
					t.Errorf("case %d run %d: %s is %s, rows say %s", ci, i, k, got.Runs[i][k], v)
				}
			}
			var cols map[string]json.RawMessage
			if err := json.Unmarshal(got.Runs[i]["points"], &cols); err != nil {
				t.Fatal(err)
			}
			// Rebuild the points from the columns and compare them with
			// the rows as encoding/json reads them back.
			n := len(r.Points)
			rebuilt := make([]map[string]any, n)
			seen := map[string]bool{"clipped": true} // false everywhere is a value
			for j := range rebuilt {
				rebuilt[j] = map[string]any{"run": float64(i)}
			}
			for name, raw := range cols {
				if name == "state" {
					var st map[string][]any
					if err := json.Unmarshal(raw, &st); err != nil {
						t.Fatal(err)
					}
					for sname, col := range st {
						if len(col) != n {
							t.Fatalf("state.%s has %d entries for %d points", sname, len(col), n)
						}
						for j, v := range col {
							if v != nil {
								if rebuilt[j]["state"] == nil {
									rebuilt[j]["state"] = map[string]any{}
								}
								rebuilt[j]["state"].(map[string]any)[sname] = v
							}
						}
					}
					continue
				}
				var col []any
				if err := json.Unmarshal(raw, &col); err != nil {
					t.Fatal(err)
				}
				if len(col) != n {
					t.Fatalf("case %d run %d: column %s has %d entries for %d points", ci, i, name, len(col), n)
				}
				for j, v := range col {
					omitted := v == nil || ((name == "lr" || name == "evals") && v == 0.0)
					if !omitted {
						rebuilt[j][name] = v
						seen[name] = true
					}
				}
			}
			var want []map[string]any
			if err := json.Unmarshal(rows.Runs[i]["points"], &want); err != nil {
				t.Fatal(err)
			}
			for _, p := range want { // a state name the method keeps empty (null) is as good as absent
				if st, ok := p["state"].(map[string]any); ok {
					for k, v := range st {
						if v == nil {
							delete(st, k)
						}
					}
				}
			}
			if !reflect.DeepEqual(rebuilt, want) {
				t.Errorf("case %d run %d (%s): columns rebuild\n%v\nrows are\n%v", ci, i, r.Optimizer, rebuilt[:min(3, n)], want[:min(3, n)])
			}
			for name := range cols {
				if !seen[name] && name != "state" {
					t.Errorf("case %d run %d: column %s holds nothing", ci, i, name)
				}
			}
		}
	}
}

var npyDescr = regexp.MustCompile(`\('([^']+)', '([<|][a-z]\d)'(?:, \((\d+),\))?\)`)

// readNPY parses what AppendNPY writes, by the format's specification
// (numpy.lib.format), into rows of field → values.
func readNPY(t *testing.T, b []byte) []map[string][]float64 {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x93NUMPY\x01\x00")) {
		t.Fatalf("magic/version: %q", b[:8])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hl)%64 != 0 {
		t.Errorf("data starts at %d, not a multiple of 64", 10+hl)
	}
	header := string(b[10 : 10+hl])
	if !strings.HasSuffix(header, "\n") || !strings.HasPrefix(header, "{'descr': [") ||
		!strings.Contains(header, "'fortran_order': False") {
		t.Fatalf("header %q", header)
	}
	m := regexp.MustCompile(`'shape': \((\d+),\)`).FindStringSubmatch(header)
	if m == nil {
		t.Fatalf("no shape in %q", header)
	}
	n, _ := strconv.Atoi(m[1])
	type field struct {
		name, typ string
		w         int
	}
	var fields []field
	size := 0
	for _, f := range npyDescr.FindAllStringSubmatch(header, -1) {
		w := 1
		if f[3] != "" {
			w, _ = strconv.Atoi(f[3])
		}
		fields = append(fields, field{f[1], f[2], w})
		if f[2] == "|b1" {
			size += w
		} else {
			size += 8 * w
		}
	}
	data := b[10+hl:]
	if len(data) != n*size {
		t.Fatalf("%d bytes of data for %d rows of %d", len(data), n, size)
	}
	rows := make([]map[string][]float64, n)
	for i := range rows {
		rows[i] = map[string][]float64{}
		for _, f := range fields {
			for range f.w {
				var v float64
				switch f.typ {
				case "<f8":
					v = math.Float64frombits(binary.LittleEndian.Uint64(data))
					data = data[8:]
				case "<i8":
					v = float64(int64(binary.LittleEndian.Uint64(data)))
					data = data[8:]
				case "|b1":
					v = float64(data[0])
					data = data[1:]
				default:
					t.Fatalf("type %s", f.typ)
				}
				rows[i][f.name] = append(rows[i][f.name], v)
			}
		}
	}
	return rows
}

func TestNPYHoldsThePoints(t *testing.T) {
	for ci, runs := range realRuns(t) {
		rows := readNPY(t, AppendNPY(nil, runs))
		r := 0
		for _, run := range runs {
			for _, p := range run.Points {
				row := rows[r]
				r++
				b2f := map[bool]float64{false: 0, true: 1}
				check := func(name string, want []float64) {
					got := row[name]
					for j, g := range got {
						w := math.NaN()
						if j < len(want) {
							w = want[j]
						}
						if !(g == w || math.IsNaN(g) && math.IsNaN(w)) {
							t.Errorf("case %d row %d: %s = %v, want %v", ci, r-1, name, got, want)
							return
						}
					}
				}
				check("run", []float64{float64(p.Run)})
				check("k", []float64{float64(p.K)})
				check("xy", p.XY)
				check("loss", []float64{p.Loss})
				check("grad", p.Grad)
				check("grad_norm", []float64{p.GradNorm})
				check("clipped", []float64{b2f[p.Clipped]})
				check("update", p.Update)
				check("raw_grad", p.RawGrad)
				check("used_grad", p.UsedGrad)
				check("lr", []float64{p.LR})
				check("evals", []float64{float64(p.Evals)})
				if p.GtHg != nil {
					check("gthg", []float64{*p.GtHg})
				} else {
					check("gthg", nil)
				}
				for _, e := range p.State {
					k, v := e.Name, e.V
					if row["state."+k] == nil {
						t.Fatalf("case %d: no field state.%s", ci, k)
					}
					check("state."+k, v)
				}
			}
		}
		if r != len(rows) {
			t.Errorf("case %d: %d rows for %d points", ci, len(rows), r)
		}
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
	case reflect.String:
		v.SetString("s \"q\" " + v.Type().Name())
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
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

type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(b)
}

// TestWriteIsAppend: the chunked writers send, in several writes, the very
// bytes the appenders append.
func TestWriteIsAppend(t *testing.T) {
	s, err := scene.Build(scene.Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1},
		Runs: []scene.RunSpec{{Optimizer: "adam", Hyper: scene.Hyper{Num: map[string]float64{"lr": 1e-3}}}, {Optimizer: "bfgs"}}})
	if err != nil {
		t.Fatal(err)
	}
	runs := s.RunAll(2000)
	for _, f := range []struct {
		name  string
		app   func([]byte, []scene.RunResult) []byte
		write func(io.Writer, []scene.RunResult) error
	}{{"rows", AppendRuns, WriteRuns}, {"columns", AppendRunsColumns, WriteRunsColumns}, {"npy", AppendNPY, WriteNPY}} {
		var w countingWriter
		if err := f.write(&w, runs); err != nil {
			t.Fatal(err)
		}
		want := f.app(nil, runs)
		if !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%s: written %d bytes differ from the %d appended", f.name, w.Len(), len(want))
		}
		if w.writes < len(want)/(2*ChunkSize) || w.writes > len(want)/ChunkSize+1 {
			t.Errorf("%s: %d writes for %d bytes", f.name, w.writes, len(want))
		}
	}
}

// TestAppendGridIsEncodingJSON: a grid written by hand, its values on
// several goroutines, is encoding/json's bytes, for a grid small enough to
// be written in one piece and one of 512² (with every field set, by
// reflection, so a field added to Grid and forgotten here fails).
func TestAppendGridIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	big := &landscape.Grid{X: [2]float64{-2, 2}, Y: [2]float64{-1, 3e-9}, NX: 512, NY: 512, Min: -1e-7, Max: 1e22}
	big.Values = make([]float64, 512*512)
	for i := range big.Values {
		big.Values[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
	}
	var full landscape.Grid
	fill(reflect.ValueOf(&full).Elem())
	for i, g := range []*landscape.Grid{big, &full, {}, {NX: 2, NY: 1, Values: []float64{0, 1}}} {
		want, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendGrid(nil, g); !bytes.Equal(got, want) {
			n := firstDiff(got, want)
			t.Errorf("grid %d differs at byte %d:\ngot  …%s\nwant …%s", i, n, around(got, n), around(want, n))
		}
	}
}
