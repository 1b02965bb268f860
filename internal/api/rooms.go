package api

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/saddle-viz/saddle/internal/stream"
)

// roomFinder is what the join route asks the live-session server.
type roomFinder interface{ RoomExists(code string) bool }

// roomJoin answers GET /r/{code}, the link a class opens (or scans): a
// room that is open sends the page to the explorer as its follower
// (/?room=CODE); a code that is not a code is 400, one no room has 404.
func roomJoin(sessions http.Handler, base string) http.HandlerFunc {
	finder, _ := sessions.(roomFinder)
	return func(w http.ResponseWriter, r *http.Request) {
		raw := chi.URLParam(r, "code")
		code, err := stream.ParseRoomCode("code", raw)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if finder == nil || !finder.RoomExists(code) {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, fmt.Sprintf("no room %s: it has ended, or the code is mistyped. Type the code on %s/ to try again.", code, base), http.StatusNotFound)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, base+"/?room="+url.QueryEscape(code), http.StatusSeeOther)
	}
}

// roomQR answers GET /r/{code}/qr.png: the QR code of the room's join
// link on this server (as the request reached it), for the teacher's page
// to show large: 512 px, medium error correction.
func roomQR(sessions http.Handler, base string) http.HandlerFunc {
	finder, _ := sessions.(roomFinder)
	return func(w http.ResponseWriter, r *http.Request) {
		code, err := stream.ParseRoomCode("code", chi.URLParam(r, "code"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if finder == nil || !finder.RoomExists(code) {
			http.Error(w, fmt.Sprintf("no room %s", code), http.StatusNotFound)
			return
		}
		scheme := "http"
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		png, err := qrcode.Encode(scheme+"://"+r.Host+base+"/r/"+code, qrcode.Medium, 512)
		if err != nil {
			http.Error(w, "the QR code could not be drawn", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(png)
	}
}
