package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Explain finds why a JSON document b that encoding/json refused (for
// other reasons than its syntax) does not fit type t: the first key t has
// no field for, value of the wrong kind, or value a custom UnmarshalJSON
// refuses, as a *fielderr.Error whose Field is the JSON path. It returns
// nil when b is not valid JSON or fits t.
func Explain(b []byte, t reflect.Type) *fielderr.Error {
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&tree) != nil {
		return nil
	}
	return locate(tree, t, "")
}

// locate finds the first place where v (a JSON tree decoded with UseNumber)
// does not fit type t: a key t has no field for, a value of the wrong kind,
// or a value a custom UnmarshalJSON refuses. Keys are visited in sorted
// order, so the same body always gets the same answer.
func locate(v any, t reflect.Type, path string) *fielderr.Error {
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
			cp := *fe
			cp.Field = joinPath(path, fe.Field)
			return &cp
		}
		return fielderr.New(path, "%v", err)
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch(path, t, v)
		}
		fields := Fields(t)
		for _, k := range sortedKeys(obj) {
			f, ok := exact(fields, k)
			if !ok {
				return fielderr.New(joinPath(path, k), "%s", unknown(fields, k))
			}
			if e := locate(obj[k], f.Type, joinPath(path, k)); e != nil {
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
			return fielderr.New(path, "must have %d elements, got %d", t.Len(), len(arr))
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
			return fielderr.New(path, "must be a whole number that fits in %d bits, got %s", t.Bits(), n)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			return fielderr.New(path, "must be a whole number from 0 to 2^%d−1, got %s", t.Bits(), n)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			return fielderr.New(path, "must be a finite number, got %s (out of range)", n)
		}
	}
	return nil
}

func mismatch(path string, t reflect.Type, v any) *fielderr.Error {
	return fielderr.New(path, "must be %s, got %s", KindName(t), jsonKind(v))
}

// KindName says what JSON a Go type takes, for error messages.
func KindName(t reflect.Type) string {
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

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
