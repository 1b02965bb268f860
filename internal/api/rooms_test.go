package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/stream"
)

// TestRoomJoinRoute: /r/{code} sends a class to the explorer as the room's
// followers while the room is open; a malformed code is 400, an unknown
// one 404.
func TestRoomJoinRoute(t *testing.T) {
	sessions := stream.New(stream.Options{})
	ts := httptest.NewServer(NewHandler(Options{Stream: sessions}))
	defer ts.Close()
	defer sessions.Shutdown(context.Background())
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) *http.Response {
		t.Helper()
		res, err := noFollow.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get("/r/K7F-2QD"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a short code: %d, want 400", res.StatusCode)
	}
	if res := get("/r/K7F-2QD-XM4"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a code no room has: %d, want 404", res.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"room_open"}`)); err != nil {
		t.Fatal(err)
	}
	var room struct{ Type, Code string }
	for room.Type != "room" {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(b, &room)
	}
	if res := get("/r/" + room.Code + "/qr.png"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the room's QR code: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := get("/r/K7F-2QD-XM4/qr.png"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a QR code for no room: %d, want 404", res.StatusCode)
	}
	typed := strings.ToLower(strings.ReplaceAll(room.Code, "-", ""))
	res := get("/r/" + typed)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?room="+room.Code {
		t.Errorf("an open room's link: %d to %q, want 303 to /?room=%s", res.StatusCode, res.Header.Get("Location"), room.Code)
	}
}
