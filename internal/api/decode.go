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
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/strictjson"
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
	// Keys in another case, duplicated keys and invalid UTF-8 first: the
	// decode below would take them silently (strictjson's package comment).
	if fe := strictjson.Check(body, reflect.TypeOf(dst)); fe != nil {
		return fromFieldErr(fe)
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
	if fe := strictjson.Explain(body, reflect.TypeOf(dst)); fe != nil {
		return fromFieldErr(fe)
	}
	// Fallbacks for what the walk does not model.
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fromFieldErr(fe)
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return badRequest(ute.Field, "must be %s, got %s", strictjson.KindName(ute.Type), ute.Value)
	}
	return badRequest("", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

func fromFieldErr(fe *fielderr.Error) *httpError {
	return &httpError{Status: http.StatusBadRequest, Field: fe.Field, Msg: fe.Msg, Offset: fe.Offset}
}
