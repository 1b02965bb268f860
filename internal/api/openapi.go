package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strconv"
)

// openapiJSON is the OpenAPI 3.1 description of the HTTP API, written by
// hand beside docs/API.md and checked against the router and every request
// of the package's tests (openapi_test.go). One path object per route: a
// new route adds its own.
//
//go:embed openapi.json
var openapiJSON []byte

// OpenAPIContentType is the media type of the description (the OpenAPI
// Initiative's registered type for its JSON form).
const OpenAPIContentType = "application/vnd.oai.openapi+json;version=3.1"

// openapiServers is the servers entry of the embedded document; a server
// under -base-path answers with its prefix in its place.
var openapiServers = []byte(`"servers": [{"url": "/"}]`)

// openapiDoc returns the handler of GET /api/openapi.json for a server
// under base: the document, its servers pointing at base, with a strong
// ETag; a matching If-None-Match gets 304. Cache-Control: no-cache, as the
// static files: a new binary may describe a new API under the same URL.
func openapiDoc(base string) http.HandlerFunc {
	doc := openapiJSON
	if base != "" {
		if !bytes.Contains(doc, openapiServers) {
			panic("api: openapi.json has no " + string(openapiServers))
		}
		doc = bytes.Replace(doc, openapiServers, []byte(`"servers": [{"url": `+strconv.Quote(base)+`}]`), 1)
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if notModified(r, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", OpenAPIContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		_, _ = w.Write(doc)
	}
}
