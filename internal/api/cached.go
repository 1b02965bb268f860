package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
)

// AnswerVersion names the numerics behind /api/run and /api/landscape.
// It is part of every ETag, so bump it with any deliberate change to the
// golden answers (testdata/*.golden): a cache must not mistake the old
// answer for the new one.
const AnswerVersion = "2"

// MaxSceneQuery bounds the scene parameter of a GET (base64 of at most
// MaxBodyBytes of JSON).
const MaxSceneQuery = (MaxBodyBytes*4)/3 + 4

// CacheForever is the Cache-Control of a GET answer: the same scene always
// gets the same bytes, so a browser or a shared cache may keep it.
const CacheForever = "public, max-age=31536000, immutable"

// The GET forms of /api/run and /api/landscape take the POST body as
// ?scene=<base64url of the JSON>, so that a URL names one answer: a course
// page can link it, and a cache in front of the servers can serve a class
// from one computation.

// sceneBody returns the JSON a GET carries in its scene parameter.
// Besides scene and v, it lets the parameters in also (the run's format).
func sceneBody(r *http.Request, also ...string) ([]byte, *httpError) {
	q := r.URL.Query()
	for name := range q {
		if name != "scene" && name != "v" && !slices.Contains(also, name) {
			return nil, badRequest(name, "unknown query parameter; the GET form takes scene=<the POST body's JSON in base64url> (and v, an opaque token it ignores%s)", alsoNote(also))
		}
	}
	vals, ok := q["scene"]
	if !ok || len(vals) == 0 || vals[0] == "" {
		return nil, badRequest("scene", "missing: give the request's JSON as scene=<base64url>, for example scene=%s",
			base64.RawURLEncoding.EncodeToString([]byte(`{"objective":{"id":"rosenbrock"}}`)))
	}
	if len(vals) > 1 {
		return nil, badRequest("scene", "given %d times; give it once", len(vals))
	}
	enc := vals[0]
	if len(enc) > MaxSceneQuery {
		return nil, &httpError{Status: http.StatusRequestURITooLong, Field: "scene", Offset: -1,
			Msg: "is longer than a request body may be; use POST"}
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil {
		return nil, badRequest("scene", "must be the JSON request in base64url without padding (RFC 4648 §5: A–Z a–z 0–9 - _): %v", err)
	}
	return body, nil
}

func alsoNote(also []string) string {
	if len(also) == 0 {
		return ""
	}
	return "; and " + strings.Join(also, ", ")
}

// revision is the build's VCS revision, when the binary was built from a
// checkout: two builds may answer differently, so their ETags differ.
var revision = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	return rev + dirty
})

// etagOf is the strong ETag of the answer to a canonical request (the
// validated request re-encoded, defaults filled in) at an endpoint.
func etagOf(endpoint string, canonical []byte) string {
	h := sha256.New()
	h.Write([]byte("saddle answer " + AnswerVersion + " " + revision() + "\n" + endpoint + "\n"))
	h.Write(canonical)
	return `"` + endpoint + "-" + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// notModified reports whether the request's If-None-Match names etag (or
// is "*"); If-None-Match compares weakly (RFC 9110 §13.1.2).
func notModified(r *http.Request, etag string) bool {
	for _, h := range r.Header.Values("If-None-Match") {
		for tag := range strings.SplitSeq(h, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}

// cacheable sets the validators of a deterministic answer and answers 304
// when the client already has it. It reports whether the answer is done.
func cacheable(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", CacheForever)
	if notModified(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// canonical encodes a validated request; it cannot fail for the request
// types here (numbers were checked finite on the way in).
func canonical(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("api: canonical request: " + err.Error())
	}
	return b
}

func (h *handlers) runGET(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept")
	body, e := sceneBody(r, "format", "fields")
	if e != nil {
		writeError(w, e)
		return
	}
	format, e := negotiateRun(r)
	if e != nil {
		writeError(w, e)
		return
	}
	fields, e := runFields(r, format)
	if e != nil {
		writeError(w, e)
		return
	}
	var req runRequest
	if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	s, steps, e := prepareRun(req)
	if e != nil {
		writeError(w, e)
		return
	}
	req.Steps = &steps
	if cacheable(w, r, etagOf(format.etagName(fields), canonical(req))) {
		return
	}
	release := func() {}
	if runIsHeavy(s, steps) {
		var ok bool
		if release, ok = h.heavy(w, &r); !ok {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
			return
		}
		defer release()
	}
	runs, err := s.RunFieldsContext(r.Context(), steps, fields)
	if err != nil {
		w.Header().Del("ETag")
		w.Header().Del("Cache-Control")
		writeError(w, timeoutError(err))
		return
	}
	// The answer streams out after the slot is freed: its encoding is a
	// few milliseconds, and a client reading slowly must not hold the pool.
	release()
	writeRun(w, format, fields, runs)
}

func (h *handlers) landscapeGET(w http.ResponseWriter, r *http.Request) {
	body, e := sceneBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	var req landscapeRequest
	if e := decodeBytes(body, &req); e != nil {
		writeError(w, e)
		return
	}
	job, e := prepareLandscape(req)
	if e != nil {
		writeError(w, e)
		return
	}
	if cacheable(w, r, etagOf("landscape", canonical(job.canonical()))) {
		return
	}
	release := func() {}
	if job.heavy {
		var ok bool
		if release, ok = h.heavy(w, &r); !ok {
			w.Header().Del("ETag")
			w.Header().Del("Cache-Control")
			return
		}
		defer release()
	}
	ans, err := h.landscapeAnswer(r.Context(), job)
	if err != nil {
		w.Header().Del("ETag")
		w.Header().Del("Cache-Control")
		writeError(w, gridError(err))
		return
	}
	writeLandscape(w, ans, release)
}
