package optim

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// UnmarshalJSON reads {"norm": c} or {"value": c}. A threshold that is
// given must be above 0: 0 would read as "clip at nothing" but means "off"
// in Clip, so it is refused rather than silently turning clipping off. No
// clipping is "clip" left out (or {}, which a live "set" sends to turn it
// off). Errors are *fielderr.Error with fields relative to the clip object.
func (c *Clip) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var raw struct {
		Norm  *float64 `json:"norm"`
		Value *float64 `json:"value"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fielderr.New(te.Field, "must be a number above 0, got %s", te.Value)
		}
		return fielderr.New("", `must be {"norm": c} or {"value": c} with c > 0 (leave "clip" out for no clipping)`)
	}
	for _, t := range []struct {
		name string
		v    *float64
	}{{"norm", raw.Norm}, {"value", raw.Value}} {
		if t.v != nil && !(*t.v > 0) {
			return fielderr.New(t.name, `must be above 0, got %g (for no clipping, leave "clip" out)`, *t.v)
		}
	}
	*c = Clip{}
	if raw.Norm != nil {
		c.Norm = *raw.Norm
	}
	if raw.Value != nil {
		c.Value = *raw.Value
	}
	return nil
}
