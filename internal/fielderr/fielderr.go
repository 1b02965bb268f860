// Package fielderr is the one error type for a user's bad input: it names
// the field that is wrong (a JSON path such as "runs[1].hyper.lr") and, for
// text such as expressions, the character offset of the mistake.
package fielderr

import (
	"errors"
	"fmt"
	"math"
)

// Error is a user's mistake: what is wrong, and where.
type Error struct {
	Field  string // JSON path of the offending value, "" if the whole input
	Msg    string // a sentence a student can act on
	Offset int    // character offset inside a text field; -1 when not applicable
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// New returns an *Error for field with a formatted message and no offset.
func New(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...), Offset: -1}
}

// Prefix returns err with its field nested under parent ("runs[0]" + "hyper.lr").
// Errors that are not *Error are wrapped with parent as their field.
func Prefix(parent string, err error) error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		cp := *fe
		switch {
		case cp.Field == "":
			cp.Field = parent
		case parent != "":
			cp.Field = parent + "." + cp.Field
		}
		return &cp
	}
	return &Error{Field: parent, Msg: err.Error(), Offset: -1}
}

// Finite reports the first non-finite value of xs as an error on field[i].
func Finite(field string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return New(fmt.Sprintf("%s[%d]", field, i), "must be a finite number, got %v", x)
		}
	}
	return nil
}

// Range checks lo <= x <= hi (and that x is finite).
func Range(field string, x, lo, hi float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return New(field, "must be a finite number, got %v", x)
	}
	if x < lo || x > hi {
		return New(field, "must be between %g and %g, got %g", lo, hi, x)
	}
	return nil
}
