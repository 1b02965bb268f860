package web_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/web/templates"
)

// A lesson's thumbnail shows the scene its page opens with (variant −1);
// ?variant=i shows variant i, the scene the page's variant picker loads.
func TestThumbnailVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("draws three thumbnails")
	}
	h := api.NewHandler(api.Options{})
	l, ok := lessons.Get("local-minima")
	if !ok || len(l.Variants) < 2 {
		t.Fatal("the local-minima lesson with its variants is gone")
	}
	body := func(path string) []byte {
		t.Helper()
		rec := get(t, h, path)
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d: %s", path, rec.Code, rec.Body)
		}
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() != templates.ThumbWidth || b.Dy() != templates.ThumbHeight {
			t.Fatalf("GET %s: %v, want %d×%d", path, b, templates.ThumbWidth, templates.ThumbHeight)
		}
		return rec.Body.Bytes()
	}
	base := "/lessons/" + l.ID + "/thumb.png"
	def, own, other := body(base), body(base+"?variant=-1"), body(base+"?variant=1")
	if !bytes.Equal(def, own) {
		t.Error("the default thumbnail is not the lesson's own scene (variant −1)")
	}
	if bytes.Equal(def, other) {
		t.Errorf("variant 1 (%s) draws the same thumbnail as the lesson's own start", l.Variants[1].Label)
	}
	for _, bad := range []string{"?variant=99", "?variant=-2", "?variant=x"} {
		if rec := get(t, h, base+bad); rec.Code != 404 {
			t.Errorf("GET %s%s = %d, want 404", base, bad, rec.Code)
		}
	}
}
