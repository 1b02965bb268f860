package api

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/wire"
)

// The forms of a run answer (API.md, "Forms of a run answer"): the rows of
// JSON points the page reads, the same answer with each run's points as
// columns (arrays per field) for scripts and long runs, and every point as
// one NumPy structured array. All are written by hand (package wire), no
// reflection per point.
type runFormat int

const (
	formatRows runFormat = iota
	formatColumns
	formatNPY
)

// runFormats are the names ?format= takes.
var runFormats = map[string]runFormat{"json": formatRows, "columns": formatColumns, "npy": formatNPY}

// etagName keeps each form's ETag apart (the rows' is the one it always was),
// and each choice of fields.
func (f runFormat) etagName(fields scene.Fields) string {
	name := [...]string{"run", "run-columns", "run-npy"}[f]
	if fields != scene.AllFields {
		name += "-fields-" + strconv.FormatUint(uint64(fields), 16)
	}
	return name
}

// fieldList is the fields ?fields= may name, for messages.
var fieldList = strings.Join(scene.FieldNames[:], ", ")

// runFields reads ?fields=, the fields the columns or the .npy carry
// (API.md): a comma-separated list of point fields, each at most once, in
// any order (the answer keeps the point's order). Without it, every field.
// The rows always carry every field: fields with them is a 400.
func runFields(r *http.Request, f runFormat) (scene.Fields, *httpError) {
	vals, ok := r.URL.Query()["fields"]
	if !ok {
		return scene.AllFields, nil
	}
	if len(vals) != 1 {
		return 0, badRequest("fields", "given %d times; give it once, the fields separated by commas", len(vals))
	}
	if f == formatRows {
		return 0, badRequest("fields", "picks the columns of format=columns or format=npy; the rows (format=json) carry every field")
	}
	if vals[0] == "" {
		return 0, badRequest("fields", "names no field; name some of %s, separated by commas", fieldList)
	}
	var out scene.Fields
	for name := range strings.SplitSeq(vals[0], ",") {
		bit := slices.Index(scene.FieldNames[:], name)
		if bit < 0 {
			if name == "run" {
				return 0, badRequest("fields", "run is not a field to pick: the columns are each run's, and the .npy always has a run field; name some of %s", fieldList)
			}
			return 0, badRequest("fields", "unknown field %q; the fields are %s", name, fieldList)
		}
		b := scene.Fields(1) << bit
		if out&b != 0 {
			return 0, badRequest("fields", "names %q twice; name each field once", name)
		}
		out |= b
	}
	return out, nil
}

// negotiateRun picks a run answer's form: ?format= when given, else the
// Accept header (application/x-npy; application/json; format=columns; any
// other type, or none, the rows). An unknown ?format= or format parameter
// of application/json is a 400 naming it; other media types in Accept are
// not errors (a browser's Accept lists many) and get the rows.
func negotiateRun(r *http.Request) (runFormat, *httpError) {
	if vals, ok := r.URL.Query()["format"]; ok {
		if len(vals) != 1 {
			return 0, badRequest("format", "given %d times; give it once", len(vals))
		}
		f, ok := runFormats[vals[0]]
		if !ok {
			return 0, badRequest("format", "must be json, columns or npy, got %q", vals[0])
		}
		return f, nil
	}
	best, bestQ := formatRows, -1.0
	for _, h := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(h, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue // an unreadable range asks for nothing
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			var f runFormat
			switch mt {
			case wire.NPYType:
				f = formatNPY
			case "application/json":
				switch params["format"] {
				case "", "rows":
					f = formatRows
				case "columns":
					f = formatColumns
				default:
					return 0, badRequest("format", "the Accept header's application/json; format=%q is not a form of this answer: use format=columns, or leave format out for the rows", params["format"])
				}
			default:
				continue
			}
			if q > bestQ {
				best, bestQ = f, q
			}
		}
	}
	if bestQ == 0 {
		best = formatRows // every form this answer has was refused (q=0): the rows, as for any Accept
	}
	return best, nil
}

// writeRun writes a run answer in its form, in pieces as it encodes
// (wire.ChunkSize): a long answer is never held whole a second time. It
// cannot fail but for the connection: the appenders take the points as
// scene made them (finite).
func writeRun(w http.ResponseWriter, f runFormat, fields scene.Fields, runs []scene.RunResult) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	switch f {
	case formatColumns:
		h.Set("Content-Type", "application/json; format=columns")
		w.WriteHeader(http.StatusOK)
		_ = wire.WriteRunsColumnsFields(w, runs, fields)
	case formatNPY:
		h.Set("Content-Type", wire.NPYType)
		w.WriteHeader(http.StatusOK)
		_ = wire.WriteNPYFields(w, runs, fields)
	default:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_ = wire.WriteRuns(w, runs)
	}
}
