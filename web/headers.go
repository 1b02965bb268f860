package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// DefaultFrameAncestors lets any site put /embed in an iframe.
const DefaultFrameAncestors = "*"

// sourceRe matches one CSP source a -frame-ancestors list may hold: a
// scheme ("https:"), a host with an optional scheme, wildcard subdomain and
// port ("https://*.example.edu:8443"), "*", or the keywords 'self' and 'none'.
var sourceRe = regexp.MustCompile(`^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d+|\*))?)$`)

// ParseFrameAncestors checks a list of CSP sources (separated by spaces or
// commas) for the frame-ancestors of /embed and returns it space-separated.
// "" gives DefaultFrameAncestors.
func ParseFrameAncestors(s string) (string, error) {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fields) == 0 {
		return DefaultFrameAncestors, nil
	}
	for _, f := range fields {
		if !sourceRe.MatchString(f) {
			return "", fmt.Errorf("%q is not a CSP source: list hosts (course.example.org, https://*.example.edu), schemes (https:), * or 'self'", f)
		}
		if f == "'none'" && len(fields) > 1 {
			return "", fmt.Errorf("'none' cannot be listed with other sources")
		}
	}
	return strings.Join(fields, " "), nil
}

// hostRe is what a Host header may be for it to go into connect-src.
var hostRe = regexp.MustCompile(`^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$`)

// policy is the Content-Security-Policy of every answer: the page's own
// scripts, styles, images and live session only (no third-party requests,
// no inline scripts), framed by frameAncestors.
func policy(host, frameAncestors string) string {
	connect := "'self'"
	// Not every browser lets 'self' cover the page's own ws:// and wss://.
	if hostRe.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src " + connect + "; object-src 'none'; base-uri 'none'; form-action 'self'; " +
		"frame-ancestors " + frameAncestors
}

// SecurityHeaders sets the headers every answer carries: the CSP (with
// frame-ancestors opts.FrameAncestors for the /embed page, 'none' and
// X-Frame-Options: DENY for everything else), nosniff and no referrer to
// other sites. It sets no cookie and nothing else does.
func SecurityHeaders(opts Options) func(http.Handler) http.Handler {
	embed := strings.TrimRight(opts.BasePath, "/") + "/embed"
	ancestors := opts.FrameAncestors
	if ancestors == "" {
		ancestors = DefaultFrameAncestors
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			if r.URL.Path == embed {
				h.Set("Content-Security-Policy", policy(r.Host, ancestors))
			} else {
				h.Set("Content-Security-Policy", policy(r.Host, "'none'"))
				h.Set("X-Frame-Options", "DENY")
			}
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}
