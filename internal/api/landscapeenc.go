package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/wire"
)

// writeLandscape writes a landscape answer (a *landscape.Grid or a
// planeLandscape) as writeJSON would, its values written by hand on every
// core (wire.AppendGridFields): the same bytes, several times sooner for a
// large grid. Anything else goes to writeJSON.
func writeLandscape(w http.ResponseWriter, ans any, after ...func()) {
	var g *landscape.Grid
	var plane []byte
	switch a := ans.(type) {
	case *landscape.Grid:
		g = a
	case planeLandscape:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if a.Grid == nil || enc.Encode(a.Plane) != nil {
			writeJSON(w, http.StatusOK, ans, after...) // its errors are writeJSON's to report
			return
		}
		g, plane = a.Grid, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	if g == nil {
		writeJSON(w, http.StatusOK, ans, after...)
		return
	}
	b := make([]byte, 0, 64+20*len(g.Values)+len(plane))
	b = append(b, '{')
	b = wire.AppendGridFields(b, g)
	if plane != nil {
		b = append(b, `,"plane":`...)
		b = append(b, plane...)
	}
	b = append(b, "}\n"...)
	for _, f := range after { // writeJSON's after: encoded, not yet written
		f()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
