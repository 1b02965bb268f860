// Package nn holds small neural networks with exact backpropagation written
// on gonum's BLAS, the built-in 2-D data sets they are trained on, and the
// initialisation schemes of section 8.7.2. Its models satisfy
// landscape.Objective, landscape.HessVecer and landscape.Stochastic, so the
// optimizers of package optim step them in full dimension while package hd
// draws them on a plane.
package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// MaxPoints bounds the size of a generated data set.
const MaxPoints = 5000

// Dataset is a labelled set of 2-D points.
type Dataset struct {
	Name    string
	X       *mat.Dense // N×2, one point per row
	Labels  []int      // class of each point, in [0, Classes)
	Classes int
}

// N is the number of points.
func (d *Dataset) N() int { return len(d.Labels) }

// DataSpec chooses a built-in data set.
type DataSpec struct {
	Name    string  // "spirals", "circles", "moons", "xor", "blobs"
	N       int     // number of points, 4 ≤ N ≤ MaxPoints
	Noise   float64 // standard deviation of the Gaussian jitter, ≥ 0
	Classes int     // for "blobs" only: 2..8 (0 means 3)
	Seed    uint64
}

// DataNames lists the built-in data sets in the order the page shows them.
var DataNames = []string{"spirals", "circles", "moons", "xor", "blobs"}

// NewRNG returns the generator Saddle uses for a seed, so that the same
// seed gives the same data, initialisation and minibatches everywhere.
func NewRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Generate builds the data set spec names, deterministically from its seed.
// Points lie roughly in [-1.5, 1.5]².
func Generate(spec DataSpec) (*Dataset, error) {
	if spec.N < 4 || spec.N > MaxPoints {
		return nil, fielderr.New("data.n", "must be between 4 and %d, got %d", MaxPoints, spec.N)
	}
	if err := fielderr.Range("data.noise", spec.Noise, 0, 1); err != nil {
		return nil, err
	}
	rng := NewRNG(spec.Seed)
	d := &Dataset{Name: spec.Name, X: mat.NewDense(spec.N, 2, nil), Labels: make([]int, spec.N), Classes: 2}
	switch spec.Name {
	case "spirals":
		twoSpirals(d, rng)
	case "circles":
		circles(d, rng)
	case "moons":
		moons(d, rng)
	case "xor":
		xor(d, rng)
	case "blobs":
		k := spec.Classes
		if k == 0 {
			k = 3
		}
		if k < 2 || k > 8 {
			return nil, fielderr.New("data.classes", "must be between 2 and 8, got %d", k)
		}
		d.Classes = k
		blobs(d, rng)
	default:
		return nil, fielderr.New("data.name", "unknown data set %q; choose one of %s", spec.Name, strings.Join(DataNames, ", "))
	}
	if spec.Noise > 0 {
		raw := d.X.RawMatrix().Data
		for i := range raw {
			raw[i] += spec.Noise * rng.NormFloat64()
		}
	}
	return d, nil
}

// MustGenerate is Generate for specs known to be valid (tests, examples).
func MustGenerate(spec DataSpec) *Dataset {
	d, err := Generate(spec)
	if err != nil {
		panic(fmt.Sprintf("nn: %v", err))
	}
	return d
}

// twoSpirals: two interleaved arms of 1.5 turns each; class c is the arm
// rotated by c·π. Points are spread evenly along the arm.
func twoSpirals(d *Dataset, _ *rand.Rand) {
	n := d.N()
	for i := range n {
		c := i % 2
		t := float64(i/2) / float64((n+1)/2) // in [0, 1)
		r := 0.1 + 1.3*t
		angle := 3*math.Pi*t + float64(c)*math.Pi
		d.X.Set(i, 0, r*math.Cos(angle))
		d.X.Set(i, 1, r*math.Sin(angle))
		d.Labels[i] = c
	}
}

// circles: class 0 on a circle of radius 0.5, class 1 on radius 1.2.
func circles(d *Dataset, rng *rand.Rand) {
	for i := range d.N() {
		c := i % 2
		r := 0.5 + 0.7*float64(c)
		a := 2 * math.Pi * rng.Float64()
		d.X.Set(i, 0, r*math.Cos(a))
		d.X.Set(i, 1, r*math.Sin(a))
		d.Labels[i] = c
	}
}

// moons: two interleaving half circles, centred on the origin.
func moons(d *Dataset, rng *rand.Rand) {
	for i := range d.N() {
		c := i % 2
		a := math.Pi * rng.Float64()
		x, y := math.Cos(a), math.Sin(a)
		if c == 1 {
			x, y = 1-x, 0.5-y
		}
		d.X.Set(i, 0, x-0.5)
		d.X.Set(i, 1, y-0.25)
		d.Labels[i] = c
	}
}

// xor: uniform in [-1, 1]², class 1 where x·y < 0; points closer than 0.05
// to an axis are pushed away so the classes are separable before noise.
func xor(d *Dataset, rng *rand.Rand) {
	push := func(v float64) float64 {
		if v >= 0 {
			return 0.05 + 0.95*v
		}
		return -0.05 + 0.95*v
	}
	for i := range d.N() {
		x, y := push(2*rng.Float64()-1), push(2*rng.Float64()-1)
		d.X.Set(i, 0, x)
		d.X.Set(i, 1, y)
		if x*y < 0 {
			d.Labels[i] = 1
		}
	}
}

// blobs: Classes Gaussian clusters (std 0.25) centred on a circle of radius 1.
func blobs(d *Dataset, rng *rand.Rand) {
	k := d.Classes
	for i := range d.N() {
		c := i % k
		a := 2 * math.Pi * float64(c) / float64(k)
		d.X.Set(i, 0, math.Cos(a)+0.25*rng.NormFloat64())
		d.X.Set(i, 1, math.Sin(a)+0.25*rng.NormFloat64())
		d.Labels[i] = c
	}
}
