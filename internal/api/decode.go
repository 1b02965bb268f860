package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// MaxBodyBytes is the largest request body the API reads.
const MaxBodyBytes = 1 << 20

// httpError is an error answered with a status and a JSON body
// {"error", "field"[, "offset"]}.
type httpError struct {
	Status int
	Msg    string
	Field  string
	Offset int // byte offset in the body, or character offset in an expression; -1: none
}

func (e *httpError) Error() string { return e.Msg }

func badRequest(field, format string, args ...any) *httpError {
	return &httpError{Status: http.StatusBadRequest, Field: field, Msg: fmt.Sprintf(format, args...), Offset: -1}
}

// decode reads one JSON object from r's body into dst (a pointer to a
// struct), strictly: at most MaxBodyBytes, JSON content type (or none), no
// unknown fields, no trailing data. Every failure is an *httpError naming
// the field at fault.
//
// A present Content-Type other than JSON is refused: HTML forms can post
// urlencoded or multipart bodies across sites without a preflight, JSON
// they cannot; and a curl without -H gets a message saying what to add.
func decode(w http.ResponseWriter, r *http.Request, dst any) *httpError {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &httpError{Status: http.StatusUnsupportedMediaType, Offset: -1,
				Msg: fmt.Sprintf("send JSON with Content-Type: application/json (got %q)", ct)}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{Status: http.StatusRequestEntityTooLarge, Offset: -1,
				Msg: fmt.Sprintf("the body is larger than %d bytes", MaxBodyBytes)}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return &httpError{Status: http.StatusRequestTimeout, Offset: -1,
				Msg: "the body took too long to arrive"}
		}
		return badRequest("", "could not read the body: %v", err)
	}
	return decodeBytes(body, dst)
}

// decodeBytes is decode after the body is read.
func decodeBytes(body []byte, dst any) *httpError {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "the body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(body, dst, err)
	}
	off := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		for off < len(body) && strings.IndexByte(" \t\r\n", body[off]) >= 0 {
			off++
		}
		e := badRequest("", "unexpected data after the JSON object at byte %d", off)
		e.Offset = off
		return e
	}
	return nil
}

// decodeError explains a failed Decode: syntax errors by byte offset, the
// rest (unknown fields, wrong types, a field's own UnmarshalJSON) by the
// field path, found by walking the body against dst's type.
func decodeError(body []byte, dst any, err error) *httpError {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, the bad one included.
		off := max(int(syn.Offset)-1, 0)
		e := badRequest("", "malformed JSON at byte %d: %s", off, strings.TrimPrefix(syn.Error(), "json: "))
		e.Offset = off
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		e := badRequest("", "malformed JSON: the body ends at byte %d in the middle of a value", len(body))
		e.Offset = len(body)
		return e
	}
	// The body is valid JSON (syntax errors win in encoding/json), so it can
	// be walked as a tree.
	var tree any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&tree) == nil {
		if e := locate(tree, reflect.TypeOf(dst), ""); e != nil {
			return e
		}
	}
	// Fallbacks for what the walk does not model.
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fromFieldErr(fe)
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return badRequest(ute.Field, "must be %s, got %s", kindName(ute.Type), ute.Value)
	}
	return badRequest("", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

func fromFieldErr(fe *fielderr.Error) *httpError {
	return &httpError{Status: http.StatusBadRequest, Field: fe.Field, Msg: fe.Msg, Offset: fe.Offset}
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate finds the first place where v (a JSON tree decoded with UseNumber)
// does not fit type t: a key t has no field for, a value of the wrong kind,
// or a value a custom UnmarshalJSON refuses. Keys are visited in sorted
// order, so the same body always gets the same answer.
func locate(v any, t reflect.Type, path string) *httpError {
	if v == nil { // null fits anything
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		raw, _ := json.Marshal(v)
		err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw)
		if err == nil {
			return nil
		}
		var fe *fielderr.Error
		if errors.As(err, &fe) {
			e := fromFieldErr(fe)
			e.Field = joinPath(path, fe.Field)
			return e
		}
		return badRequest(path, "%v", err)
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch(path, t, v)
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			f, ok := matchField(fields, k)
			if !ok {
				names := make([]string, len(fields))
				for i, f := range fields {
					names[i] = f.name
				}
				return badRequest(joinPath(path, k), "unknown field %q; known: %s", k, strings.Join(names, ", "))
			}
			if e := locate(obj[k], f.typ, joinPath(path, k)); e != nil {
				return e
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch(path, t, v)
		}
		for _, k := range sortedKeys(obj) {
			if e := locate(obj[k], t.Elem(), joinPath(path, k)); e != nil {
				return e
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			return mismatch(path, t, v)
		}
		if t.Kind() == reflect.Array && len(arr) != t.Len() {
			return badRequest(path, "must have %d elements, got %d", t.Len(), len(arr))
		}
		for i, x := range arr {
			if e := locate(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); e != nil {
				return e
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return mismatch(path, t, v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return mismatch(path, t, v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			return badRequest(path, "must be a whole number that fits in %d bits, got %s", t.Bits(), n)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			return badRequest(path, "must be a whole number from 0 to 2^%d−1, got %s", t.Bits(), n)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			return badRequest(path, "must be a finite number, got %s (out of range)", n)
		}
	}
	return nil
}

func mismatch(path string, t reflect.Type, v any) *httpError {
	return badRequest(path, "must be %s, got %s", kindName(t), jsonKind(v))
}

// kindName says what JSON a Go type takes, for error messages.
func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + t.Kind().String()
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	}
	return "null"
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON names of struct t as encoding/json sees them,
// with embedded structs' fields promoted.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type})
	}
	return out
}

// matchField matches a key as encoding/json does: exactly, else ignoring case.
func matchField(fields []jsonField, key string) (jsonField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return jsonField{}, false
}

func joinPath(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	}
	return parent + "." + child
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
