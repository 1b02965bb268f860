// Package render draws a landscape and trajectories into an image on the
// server, for the lessons' thumbnails: a viridis heat map of the loss (on a
// log scale where the values crowd near the floor, as the page does),
// contour lines where the colour band changes, and anti-aliased paths.
// It knows nothing of HTTP or of lessons; callers encode the image.
package render

import (
	"image"
	"image/color"
	"math"
	"slices"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// viridisAnchors sample the viridis map every tenth of its range (the same
// anchors as the page's colormap.mjs, so thumbnails match the explorer).
var viridisAnchors = [...][3]float64{
	{68, 1, 84}, {72, 36, 117}, {65, 68, 135}, {53, 95, 141}, {42, 120, 142},
	{33, 145, 140}, {34, 168, 132}, {68, 191, 112}, {122, 209, 81},
	{189, 223, 38}, {253, 231, 37},
}

// Viridis maps t in [0, 1] (clamped; NaN gives the low end) to a colour.
func Viridis(t float64) color.RGBA {
	if !(t > 0) {
		t = 0
	}
	if t > 1 {
		t = 1
	}
	x := t * float64(len(viridisAnchors)-1)
	i := min(int(x), len(viridisAnchors)-2)
	f := x - float64(i)
	a, b := viridisAnchors[i], viridisAnchors[i+1]
	return color.RGBA{
		R: uint8(math.Round(a[0] + (b[0]-a[0])*f)),
		G: uint8(math.Round(a[1] + (b[1]-a[1])*f)),
		B: uint8(math.Round(a[2] + (b[2]-a[2])*f)),
		A: 255,
	}
}

// Scale maps loss values to [0, 1]: linearly, or by log10(v − min + off)
// when the median sits in the lowest 5% of the span (narrow valleys,
// cliffs), where a linear map would paint almost everything one colour.
type Scale struct {
	Min, Max float64
	Log      bool
	off      float64
	l0, l1   float64
}

// NewScale chooses the scale of values (finite, as a landscape.Grid's are).
func NewScale(values []float64) Scale {
	if len(values) == 0 {
		return Scale{Min: 0, Max: 1}
	}
	lo, hi := slices.Min(values), slices.Max(values)
	s := Scale{Min: lo, Max: hi}
	span := hi - lo
	if !(span > 0) {
		return s
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	if sorted[len(sorted)/2]-lo < 0.05*span {
		s.Log = true
		s.off = span * 1e-5
		s.l0, s.l1 = math.Log10(s.off), math.Log10(span+s.off)
	}
	return s
}

// At maps v to [0, 1].
func (s Scale) At(v float64) float64 {
	span := s.Max - s.Min
	if !(span > 0) {
		return 0.5
	}
	if s.Log {
		return (math.Log10(max(v-s.Min, 0)+s.off) - s.l0) / (s.l1 - s.l0)
	}
	return (v - s.Min) / span
}

// Frame maps the plane's rectangle X × Y onto an image's pixels, y up.
type Frame struct {
	X, Y [2]float64
	W, H int
}

// Px returns the pixel coordinates (centres at half-integers) of (x, y).
func (f Frame) Px(x, y float64) (px, py float64) {
	px = (x - f.X[0]) / (f.X[1] - f.X[0]) * float64(f.W)
	py = (f.Y[1] - y) / (f.Y[1] - f.Y[0]) * float64(f.H)
	return px, py
}

// Landscape paints g over dst, one grid value per pixel: g must be
// dst.Bounds().Dx() × Dy() values, row-major with y outermost and rising
// (as landscape.EvalGrid makes it), so row j lands on image row H−1−j.
// Where the colour band (one of bands equal steps of the scaled value)
// changes between neighbouring pixels a darker contour line is drawn.
func Landscape(dst *image.RGBA, g *landscape.Grid, bands int) {
	b := dst.Bounds()
	w, h := b.Dx(), b.Dy()
	if g.NX != w || g.NY != h || len(g.Values) != w*h {
		panic("render: grid size does not match the image")
	}
	sc := NewScale(g.Values)
	t := make([]float64, len(g.Values))
	band := make([]int, len(g.Values))
	for i, v := range g.Values {
		t[i] = sc.At(v)
		band[i] = min(int(t[i]*float64(bands)), bands-1)
	}
	for j := range h {
		row := h - 1 - j
		for i := range w {
			k := j*w + i
			c := Viridis(t[k])
			edge := (i+1 < w && band[k+1] != band[k]) || (j+1 < h && band[k+w] != band[k])
			if edge {
				c = mix(c, color.RGBA{A: 255}, 0.35)
			}
			dst.SetRGBA(b.Min.X+i, b.Min.Y+row, c)
		}
	}
}

// Path draws the polyline through pts (plane coordinates) with an
// anti-aliased stroke of the given width in pixels. Segments are clipped to
// the image first, so a run thrown far off the picture costs nothing.
func Path(dst *image.RGBA, f Frame, pts [][]float64, c color.RGBA, width float64) {
	for i := 1; i < len(pts); i++ {
		x0, y0 := f.Px(pts[i-1][0], pts[i-1][1])
		x1, y1 := f.Px(pts[i][0], pts[i][1])
		segment(dst, x0, y0, x1, y1, c, width)
	}
}

// Dot draws a filled disc of radius r (pixels) at plane point (x, y).
func Dot(dst *image.RGBA, f Frame, x, y, r float64, c color.RGBA) {
	px, py := f.Px(x, y)
	segment(dst, px, py, px, py, c, 2*r)
}

// segment strokes the segment (x0, y0)–(x1, y1) in pixel coordinates:
// each pixel near it is blended by how much of the stroke covers it.
func segment(dst *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA, width float64) {
	b := dst.Bounds()
	pad := width/2 + 1
	var ok bool
	x0, y0, x1, y1, ok = clip(x0, y0, x1, y1,
		float64(b.Min.X)-pad, float64(b.Min.Y)-pad, float64(b.Max.X)+pad, float64(b.Max.Y)+pad)
	if !ok {
		return
	}
	ix0 := max(b.Min.X, int(math.Floor(min(x0, x1)-pad)))
	ix1 := min(b.Max.X-1, int(math.Ceil(max(x0, x1)+pad)))
	iy0 := max(b.Min.Y, int(math.Floor(min(y0, y1)-pad)))
	iy1 := min(b.Max.Y-1, int(math.Ceil(max(y0, y1)+pad)))
	dx, dy := x1-x0, y1-y0
	len2 := dx*dx + dy*dy
	for py := iy0; py <= iy1; py++ {
		for px := ix0; px <= ix1; px++ {
			cx, cy := float64(px)+0.5, float64(py)+0.5
			u := 0.0
			if len2 > 0 {
				u = math.Max(0, math.Min(1, ((cx-x0)*dx+(cy-y0)*dy)/len2))
			}
			d := math.Hypot(cx-(x0+u*dx), cy-(y0+u*dy))
			cover := math.Min(1, width/2+0.5-d)
			if cover <= 0 {
				continue
			}
			a := cover * float64(c.A) / 255
			dst.SetRGBA(px, py, mix(dst.RGBAAt(px, py), color.RGBA{R: c.R, G: c.G, B: c.B, A: 255}, a))
		}
	}
}

// clip cuts the segment to the rectangle [x0, x1] × [y0, y1]
// (Liang–Barsky); ok is false when nothing of it is inside.
func clip(ax, ay, bx, by, xmin, ymin, xmax, ymax float64) (float64, float64, float64, float64, bool) {
	if anyNaN(ax, ay, bx, by) {
		return 0, 0, 0, 0, false
	}
	t0, t1 := 0.0, 1.0
	dx, dy := bx-ax, by-ay
	for _, e := range [4][2]float64{{-dx, ax - xmin}, {dx, xmax - ax}, {-dy, ay - ymin}, {dy, ymax - ay}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return 0, 0, 0, 0, false
		}
	}
	return ax + t0*dx, ay + t0*dy, ax + t1*dx, ay + t1*dy, true
}

func anyNaN(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// mix blends b over a with weight w in [0, 1]; the result is opaque.
func mix(a, b color.RGBA, w float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*w)) }
	return color.RGBA{R: l(a.R, b.R), G: l(a.G, b.G), B: l(a.B, b.B), A: 255}
}
