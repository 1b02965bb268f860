package api

import (
	"net/http"

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
