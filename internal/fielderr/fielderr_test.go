package fielderr

import (
	"errors"
	"math"
	"testing"
)

func TestPrefixNestsFieldPaths(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parent string
		err    error
		want   string
	}{
		{"nested field", "runs[0]", New("hyper.lr", "too big"), "runs[0].hyper.lr"},
		{"whole object", "objective", New("", "give an id"), "objective"},
		{"no parent", "", New("start", "bad"), "start"},
		{"plain error", "runs[2]", errors.New("boom"), "runs[2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fe *Error
			if !errors.As(Prefix(tc.parent, tc.err), &fe) || fe.Field != tc.want {
				t.Fatalf("Prefix(%q, %v) has field %v, want %q", tc.parent, tc.err, fe, tc.want)
			}
		})
	}
	if Prefix("x", nil) != nil {
		t.Error("Prefix of nil is not nil")
	}
	orig := &Error{Field: "expr", Msg: "unknown function", Offset: 4}
	var fe *Error
	errors.As(Prefix("objective", orig), &fe)
	if orig.Field != "expr" || fe.Offset != 4 {
		t.Errorf("Prefix changed the original (%q) or lost the offset (%d)", orig.Field, fe.Offset)
	}
}

func TestFiniteAndRangeNameTheCulprit(t *testing.T) {
	var fe *Error
	if err := Finite("start", []float64{1, math.NaN()}); !errors.As(err, &fe) || fe.Field != "start[1]" {
		t.Errorf("Finite: got %v, want an error on start[1]", err)
	}
	if err := Finite("start", []float64{1, 2}); err != nil {
		t.Errorf("Finite on finite values: %v", err)
	}
	for _, x := range []float64{-1, 11, math.Inf(1), math.NaN()} {
		if err := Range("lr", x, 0, 10); !errors.As(err, &fe) || fe.Field != "lr" {
			t.Errorf("Range(%v, 0, 10): got %v, want an error on lr", x, err)
		}
	}
	if err := Range("lr", 10, 0, 10); err != nil {
		t.Errorf("Range at its bound: %v", err)
	}
}
