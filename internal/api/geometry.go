package api

import "net/http"

// grids caches landscape grids across requests.
type grids struct{}

func newGrids() *grids { return &grids{} }

func (h *handlers) hessian(w http.ResponseWriter, r *http.Request) {
	writeError(w, &httpError{Status: http.StatusNotImplemented, Offset: -1, Msg: "not yet"})
}

func (h *handlers) landscape(w http.ResponseWriter, r *http.Request) {
	writeError(w, &httpError{Status: http.StatusNotImplemented, Offset: -1, Msg: "not yet"})
}
