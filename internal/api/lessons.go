package api

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/saddle-viz/saddle/internal/lessons"
)

// lessons answers GET /api/lessons: the index of the chapter's lessons,
// [{"id", "title", "section", "figure", "summary"}] in chapter order.
func (h *handlers) lessons(w http.ResponseWriter, _ *http.Request) {
	entries := lessons.Index()
	if entries == nil {
		entries = []lessons.Entry{} // a list on the wire, even when empty
	}
	writeJSON(w, http.StatusOK, entries)
}

// lesson answers GET /api/lessons/{id}: the whole lesson (lessons.Lesson:
// its scene, view, overlays, cues, variants and the maps view it opens),
// as the lesson page hands it to its scripts; 404 naming "id" otherwise.
func (h *handlers) lesson(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	l, ok := lessons.Get(id)
	if !ok {
		writeError(w, &httpError{Status: http.StatusNotFound, Field: "id", Offset: -1,
			Msg: fmt.Sprintf("no such lesson %q; GET /api/lessons lists them", id)})
		return
	}
	writeJSON(w, http.StatusOK, l)
}
