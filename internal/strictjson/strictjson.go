// Package strictjson is the one strict JSON decoder of Saddle's requests:
// the HTTP API's bodies (and their GET ?scene= form) and the WebSocket's
// messages go through it, so both refuse the same mistakes with the same
// words.
//
// encoding/json alone is lenient in three ways that turn a typo into a
// silent change of meaning: it matches object keys to struct fields
// ignoring case ("RUNS" fills Runs, and may override "runs"), it lets a
// duplicated key take its last value, and it replaces invalid UTF-8 with
// U+FFFD. Check walks the tokens of a document against the Go type it is
// meant for, before the ordinary decode, and refuses each of these with the
// field named:
//
//   - every object key of a struct must be exactly one of its JSON field
//     names (case-sensitive, as the API documents them);
//   - no object anywhere may hold the same key twice;
//   - the document must be valid UTF-8;
//   - nesting deeper than MaxDepth is refused (no request needs more than
//     a handful of levels).
//
// A type with its own UnmarshalJSON is checked for duplicate keys only,
// unless it is a struct whose fields carry json tags: then its object form
// is matched against those, as zoo.PlaneSpec's is (scene.Hyper, whose keys
// are free hyperparameter names, has untagged fields). json.RawMessage
// and interface values are checked for duplicates only.
//
// Syntax errors and values of the wrong kind are left to encoding/json
// (Check stops quietly at the first bad token), so callers keep their own
// words for those.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// MaxDepth is the deepest nesting of objects and arrays Check accepts.
const MaxDepth = 64

// Field is one JSON field of a struct as encoding/json sees it.
type Field struct {
	Name string
	Type reflect.Type
}

// Fields lists the JSON names of struct t as encoding/json sees them, with
// embedded structs' fields promoted (a field of the outer struct wins over
// an embedded one of the same name).
func Fields(t reflect.Type) []Field {
	var out []Field
	seen := map[string]bool{}
	var embedded []reflect.Type
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
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, Field{name, f.Type})
		seen[name] = true
	}
	for _, et := range embedded {
		for _, f := range Fields(et) {
			if !seen[f.Name] {
				out = append(out, f)
				seen[f.Name] = true
			}
		}
	}
	return out
}

// Names lists the names of fields, for messages.
func Names(fields []Field) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// Check walks the JSON document b against type t (nil: any JSON) and
// returns the first key that is not exactly a field of its struct, the
// first duplicated key, invalid UTF-8 or too deep a nesting, as a
// *fielderr.Error whose Field is the JSON path ("runs[0].clip.Norm") and
// whose Offset is the byte offset in b of the key (or of the bad byte).
// It returns nil for a document that is only malformed or of the wrong
// kinds: encoding/json explains those.
func Check(b []byte, t reflect.Type) *fielderr.Error {
	if !utf8.Valid(b) {
		off := invalidUTF8(b)
		return &fielderr.Error{Msg: fmt.Sprintf("the JSON is not valid UTF-8 (at byte %d)", off), Offset: off}
	}
	w := walker{b: b, dec: json.NewDecoder(bytes.NewReader(b))}
	w.dec.UseNumber()
	err := w.value(t, "", 0)
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fe
	}
	return nil // a syntax error or EOF: the decoder's to explain
}

// Decode checks b against v's type, then decodes exactly one JSON value
// into v with unknown fields refused and nothing after it. Its errors are
// a *fielderr.Error with the JSON path (from Check, or from Explain for a
// value of the wrong kind or one a custom decoder refused), a
// *TrailingError, or encoding/json's own for malformed JSON.
func Decode(b []byte, v any) error {
	if fe := Check(b, reflect.TypeOf(v)); fe != nil {
		return fe
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		// A wrong kind, or a custom decoder's refusal (whose field is
		// relative to its own value): find where, from the root.
		if fe := Explain(b, reflect.TypeOf(v)); fe != nil {
			return fe
		}
		return err
	}
	off := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		return &TrailingError{Offset: skipSpace(b, off)}
	}
	return nil
}

// TrailingError is data after the one JSON value of a document.
type TrailingError struct{ Offset int }

func (e *TrailingError) Error() string {
	return fmt.Sprintf("unexpected data after the JSON value at byte %d", e.Offset)
}

func skipSpace(b []byte, off int) int {
	for off < len(b) && strings.IndexByte(" \t\r\n", b[off]) >= 0 {
		off++
	}
	return off
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

type walker struct {
	b   []byte
	dec *json.Decoder
}

// value consumes one JSON value meant for type t (nil: anything).
func (w *walker) value(t reflect.Type, path string, depth int) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its kind is the decoder's to check
	}
	if depth >= MaxDepth {
		return &fielderr.Error{Field: path, Msg: fmt.Sprintf("the JSON is nested more than %d levels deep", MaxDepth),
			Offset: int(w.dec.InputOffset()) - 1}
	}
	switch d {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !custom(t) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		_, err := w.dec.Token() // ']'
		return err
	case '{':
		return w.object(t, path, depth)
	}
	return fmt.Errorf("strictjson: unexpected %v", d) // not reached: Token checks nesting
}

// object consumes the rest of an object (after its '{') meant for type t.
func (w *walker) object(t reflect.Type, path string, depth int) error {
	var fields []Field // non-nil: the keys must be these names
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct && (!custom(t) || tagged(t)):
		fields = Fields(t)
		if fields == nil {
			fields = []Field{}
		}
	case t.Kind() == reflect.Map && !custom(t):
		elem = t.Elem()
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		at := w.keyOffset()
		field := joinPath(path, key)
		if seen[key] {
			return &fielderr.Error{Field: field, Offset: at,
				Msg: fmt.Sprintf("duplicate key %q: give each field once", key)}
		}
		seen[key] = true
		vt := elem
		if fields != nil {
			f, ok := exact(fields, key)
			if !ok {
				return &fielderr.Error{Field: field, Offset: at, Msg: unknown(fields, key)}
			}
			vt = f.Type
		}
		if err := w.value(vt, field, depth+1); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return err
}

// keyOffset is the byte offset of the key just read: its opening quote.
func (w *walker) keyOffset() int {
	end := int(w.dec.InputOffset()) // just after the closing quote
	for i := end - 2; i >= 0; i-- {
		if w.b[i] != '"' {
			continue
		}
		bs := 0
		for j := i - 1; j >= 0 && w.b[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return i
		}
	}
	return max(end, 0)
}

func exact(fields []Field, key string) (Field, bool) {
	for _, f := range fields {
		if f.Name == key {
			return f, true
		}
	}
	return Field{}, false
}

// unknown words the error for a key that is no field.
func unknown(fields []Field, key string) string {
	for _, f := range fields {
		if strings.EqualFold(f.Name, key) {
			return fmt.Sprintf("unknown field %q: field names are case-sensitive; did you mean %q?", key, f.Name)
		}
	}
	if len(fields) == 0 {
		return fmt.Sprintf("unknown field %q; this object takes no fields", key)
	}
	return fmt.Sprintf("unknown field %q; known: %s", key, strings.Join(Names(fields), ", "))
}

// custom reports whether t decodes itself.
func custom(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)
}

// tagged reports whether struct t has a field with a json tag.
func tagged(t reflect.Type) bool {
	for i := range t.NumField() {
		if _, ok := t.Field(i).Tag.Lookup("json"); ok {
			return true
		}
	}
	return false
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
