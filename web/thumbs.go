package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"sync"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/render"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/web/templates"
)

// runColours are the page's run colours (track.mjs), so a thumbnail's
// paths match the lesson's legend.
var runColours = []color.RGBA{
	{0xE6, 0x9F, 0x00, 255}, {0x56, 0xB4, 0xE9, 255}, {0xF0, 0xF0, 0xF0, 255}, {0xD5, 0x5E, 0x00, 255},
	{0x00, 0x9E, 0x73, 255}, {0xCC, 0x79, 0xA7, 255}, {0x00, 0x72, 0xB2, 255}, {0xF0, 0xE4, 0x42, 255},
}

// thumbTimeout bounds the making of one thumbnail (a variable so that the
// tests, on a loaded machine, can wait longer).
var thumbTimeout = 20 * time.Second

// thumbs renders each lesson's thumbnail once and keeps it: lessons are
// compiled in, so a thumbnail never changes while the server runs.
type thumbs struct {
	mu sync.Mutex
	m  map[string]*thumb
}

type thumb struct {
	once sync.Once
	png  []byte
	etag string
	err  error
}

// get returns the thumbnail of variant v of lesson l (−1: the lesson as it
// opens); v must be in range.
func (t *thumbs) get(l lessons.Lesson, v int) *thumb {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[string]*thumb{}
	}
	key := l.ID + "#" + strconv.Itoa(v)
	th, ok := t.m[key]
	if !ok {
		th = &thumb{}
		t.m[key] = th
	}
	t.mu.Unlock()
	th.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), thumbTimeout)
		defer cancel()
		var img *image.RGBA
		img, th.err = LessonVariantImage(ctx, l, v, templates.ThumbWidth, templates.ThumbHeight)
		if th.err != nil {
			return
		}
		var buf bytes.Buffer
		if th.err = png.Encode(&buf, img); th.err != nil {
			return
		}
		th.png = buf.Bytes()
		sum := sha256.Sum256(th.png)
		th.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	})
	if errors.Is(th.err, context.DeadlineExceeded) {
		// Out of time on a busy machine is not the lesson's fault: the next
		// request tries again instead of getting this 500 for good.
		t.mu.Lock()
		if t.m[key] == th {
			delete(t.m, key)
		}
		t.mu.Unlock()
	}
	return th
}

// LessonImage draws lesson l at w × h pixels: the landscape over the
// lesson's view (its objective's domain when it has none) and every run's
// path for the lesson's steps, with its start and end marked.
func LessonImage(ctx context.Context, l lessons.Lesson, w, h int) (*image.RGBA, error) {
	return LessonVariantImage(ctx, l, -1, w, h)
}

// LessonVariantImage is LessonImage of variant v of the lesson (−1: the
// lesson's own scene, as its page opens), so a thumbnail shows the scene
// the page shows. It panics if v is out of range.
func LessonVariantImage(ctx context.Context, l lessons.Lesson, v, w, h int) (*image.RGBA, error) {
	sc, err := scene.Build(l.Request(v))
	if err != nil {
		return nil, err
	}
	view := l.ViewOf(v)
	f := render.Frame{X: view.X, Y: view.Y, W: w, H: h}
	if !(f.X[1] > f.X[0] && f.Y[1] > f.Y[0]) {
		f.X, f.Y = sc.Info.Domain.X, sc.Info.Domain.Y
	}
	g, err := thumbGrid(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	runs, err := sc.RunAllContext(ctx, l.Steps)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	render.Landscape(img, g, 14)
	ink := color.RGBA{A: 170}
	for i, r := range runs {
		pts := make([][]float64, len(r.Points))
		for k, p := range r.Points {
			pts[k] = p.XY
		}
		c := runColours[i%len(runColours)]
		render.Path(img, f, pts, ink, 3.5) // a dark edge keeps light paths visible on yellow
		render.Path(img, f, pts, c, 2)
		if n := len(pts); n > 0 {
			render.Dot(img, f, pts[n-1][0], pts[n-1][1], 3.5, ink)
			render.Dot(img, f, pts[n-1][0], pts[n-1][1], 2.5, c)
		}
	}
	if start := sc.StartXY(); len(start) == 2 {
		render.Dot(img, f, start[0], start[1], 4, ink)
		render.Dot(img, f, start[0], start[1], 3, color.RGBA{255, 255, 255, 255})
	}
	return img, nil
}

// thumbGridSide is the side of the grid a projected thumbnail is computed
// on: every value is a full pass of the network, so it is drawn coarse and
// enlarged.
const thumbGridSide = 48

// thumbGrid is the landscape under a thumbnail, one value per pixel: a 2-D
// objective's own grid, or a projected one's coarse plane grid enlarged by
// bilinear interpolation.
func thumbGrid(ctx context.Context, sc *scene.Scene, f render.Frame) (*landscape.Grid, error) {
	if !sc.Projected() {
		return landscape.EvalGrid(ctx, sc.Obj, f.X, f.Y, f.W, f.H)
	}
	n := min(thumbGridSide, f.W, f.H)
	c, err := sc.Grid(ctx, landscape.NewGridCache(1), f.X, f.Y, n, n)
	if err != nil {
		return nil, err
	}
	g := &landscape.Grid{X: f.X, Y: f.Y, NX: f.W, NY: f.H, Values: make([]float64, f.W*f.H), Min: c.Min, Max: c.Max}
	for j := range f.H {
		v := float64(j) * float64(n-1) / float64(f.H-1)
		j0 := min(int(v), n-2)
		tv := v - float64(j0)
		for i := range f.W {
			u := float64(i) * float64(n-1) / float64(f.W-1)
			i0 := min(int(u), n-2)
			tu := u - float64(i0)
			at := func(di, dj int) float64 { return c.Values[(j0+dj)*n+i0+di] }
			g.Values[j*f.W+i] = (1-tv)*((1-tu)*at(0, 0)+tu*at(1, 0)) + tv*((1-tu)*at(0, 1)+tu*at(1, 1))
		}
	}
	return g, nil
}
