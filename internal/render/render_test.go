package render

import (
	"context"
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

func TestViridis(t *testing.T) {
	tests := []struct {
		name string
		t    float64
		want color.RGBA
	}{
		{"low end is dark purple", 0, color.RGBA{68, 1, 84, 255}},
		{"high end is yellow", 1, color.RGBA{253, 231, 37, 255}},
		{"below 0 clamps", -3, color.RGBA{68, 1, 84, 255}},
		{"above 1 clamps", 7, color.RGBA{253, 231, 37, 255}},
		{"NaN is the low end", math.NaN(), color.RGBA{68, 1, 84, 255}},
		{"an anchor is exact", 0.5, color.RGBA{33, 145, 140, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Viridis(tt.t); got != tt.want {
				t.Errorf("Viridis(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
	// Perceptually ordered: the green channel (most of viridis' lightness)
	// never falls as t rises.
	prev := -1
	for i := 0; i <= 100; i++ {
		g := int(Viridis(float64(i) / 100).G)
		if g < prev {
			t.Fatalf("green falls at t = %v: %d after %d", float64(i)/100, g, prev)
		}
		prev = g
	}
}

func TestScale(t *testing.T) {
	uniform := make([]float64, 101)
	skewed := make([]float64, 101)
	for i := range uniform {
		uniform[i] = float64(i)
		skewed[i] = math.Pow(float64(i)/100, 8) * 1e6 // most values near 0
	}
	tests := []struct {
		name    string
		values  []float64
		wantLog bool
	}{
		{"spread values are linear", uniform, false},
		{"values crowded near the floor are logarithmic", skewed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScale(tt.values)
			if s.Log != tt.wantLog {
				t.Errorf("Log = %v, want %v", s.Log, tt.wantLog)
			}
			if lo, hi := s.At(s.Min), s.At(s.Max); math.Abs(lo) > 1e-12 || math.Abs(hi-1) > 1e-12 {
				t.Errorf("At(min), At(max) = %v, %v, want 0 and 1", lo, hi)
			}
			for i := 1; i < len(tt.values); i++ {
				if s.At(tt.values[i]) < s.At(tt.values[i-1]) {
					t.Fatalf("not monotone at %v", tt.values[i])
				}
			}
		})
	}
	if got := NewScale([]float64{3, 3, 3}).At(3); got != 0.5 {
		t.Errorf("a flat landscape maps to %v, want the middle 0.5", got)
	}
}

// bowl is a landscape of x² + 4y² on [−2, 2]² at the image's size.
func bowl(t *testing.T, w, h int) (*image.RGBA, Frame) {
	t.Helper()
	obj, _, err := landscape.New(landscape.Spec{Expr: "x^2 + 4*y^2"})
	if err != nil {
		t.Fatal(err)
	}
	f := Frame{X: [2]float64{-2, 2}, Y: [2]float64{-2, 2}, W: w, H: h}
	g, err := landscape.EvalGrid(context.Background(), obj, f.X, f.Y, w, h)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	Landscape(img, g, 12)
	return img, f
}

func luma(c color.RGBA) float64 {
	return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
}

func TestLandscape(t *testing.T) {
	img, _ := bowl(t, 81, 61)
	centre, corner := img.RGBAAt(40, 30), img.RGBAAt(0, 0)
	if luma(centre) >= luma(corner) {
		t.Errorf("the minimum (%v) is not darker than the corner (%v)", centre, corner)
	}
	// Along y the bowl is 4 times steeper: a point 0.5 up has climbed more
	// than a point 0.5 to the right. Image rows run downwards, y upwards.
	up, right := img.RGBAAt(40, 30-8), img.RGBAAt(40+10, 30)
	if luma(up) <= luma(right) {
		t.Errorf("J(0, 0.5) = 1 drawn no lighter (%v) than J(0.5, 0) = 0.25 (%v)", up, right)
	}
	// Contour lines: some pixels are darker than the colour map's own
	// colour for their value would be; count rows that hold one.
	lines := 0
	for x := 40; x < 81; x++ {
		c := img.RGBAAt(x, 30)
		isMap := false
		for i := 0; i <= 1000; i++ {
			if Viridis(float64(i)/1000) == c {
				isMap = true
				break
			}
		}
		if !isMap {
			lines++
		}
	}
	if lines < 3 {
		t.Errorf("%d contour pixels along the x axis from the minimum, want several", lines)
	}
}

func TestPath(t *testing.T) {
	red := color.RGBA{230, 30, 30, 255}
	tests := []struct {
		name    string
		pts     [][]float64
		changed bool
	}{
		{"a path across the picture", [][]float64{{-1.5, -1.5}, {0, 0}, {1.5, 1}}, true},
		{"a path off the picture", [][]float64{{5, 5}, {9, 7}}, false},
		{"a catapult to 1e300 and back", [][]float64{{-1, 0}, {1e300, -1e300}, {-1, 0.5}}, true},
		{"a non-finite point is skipped", [][]float64{{math.NaN(), 0}, {3, 3}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, f := bowl(t, 64, 64)
			before := append([]uint8(nil), img.Pix...)
			Path(img, f, tt.pts, red, 2)
			diff := 0
			for i := range before {
				if before[i] != img.Pix[i] {
					diff++
				}
			}
			if (diff > 0) != tt.changed {
				t.Fatalf("%d bytes changed, want changed = %v", diff, tt.changed)
			}
			if !tt.changed {
				return
			}
			// The middle of the first segment is drawn in the path's colour.
			px, py := f.Px((tt.pts[0][0]+tt.pts[1][0])/2, (tt.pts[0][1]+tt.pts[1][1])/2)
			if math.Abs(px) < 1e6 {
				if c := img.RGBAAt(int(px), int(py)); c.R < 170 || c.G > 80 {
					t.Errorf("pixel on the path is %v, want the path's red", c)
				}
			}
			// The top-right corner is far from every path here: untouched.
			i := img.PixOffset(63, 0)
			if !slices.Equal(before[i:i+4], img.Pix[i:i+4]) {
				t.Errorf("the top-right corner changed, far from the path")
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name           string
		ax, ay, bx, by float64
		ok             bool
		want           [4]float64
	}{
		{"inside stays", 1, 1, 2, 2, true, [4]float64{1, 1, 2, 2}},
		{"crossing is cut at both edges", -5, 5, 15, 5, true, [4]float64{0, 5, 10, 5}},
		{"outside is dropped", -5, -5, -1, -1, false, [4]float64{}},
		{"parallel outside is dropped", -1, 0, -1, 10, false, [4]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x0, y0, x1, y1, ok := clip(tt.ax, tt.ay, tt.bx, tt.by, 0, 0, 10, 10)
			if ok != tt.ok || (ok && [4]float64{x0, y0, x1, y1} != tt.want) {
				t.Errorf("clip = %v %v %v %v %v, want %v %v", x0, y0, x1, y1, ok, tt.want, tt.ok)
			}
		})
	}
}

func BenchmarkLandscape240x180(b *testing.B) {
	obj, _, _ := landscape.New(landscape.Spec{ID: "rosenbrock"})
	g, err := landscape.EvalGrid(context.Background(), obj, [2]float64{-2, 2}, [2]float64{-1, 3}, 240, 180)
	if err != nil {
		b.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 240, 180))
	b.ReportAllocs()
	for b.Loop() {
		Landscape(img, g, 14)
	}
}
