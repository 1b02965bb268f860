package nn

import (
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// InitScheme names an initialisation of section 8.7.2.
type InitScheme int

const (
	// Uniform draws W_ij ~ U(−1/√m, 1/√m), m the fan-in.
	Uniform InitScheme = iota
	// Glorot is the normalised initialisation U(−√(6/(m+n)), √(6/(m+n))),
	// m the fan-in and n the fan-out (Glorot and Bengio 2010).
	Glorot
	// Orthogonal draws a random orthogonal matrix (Haar measure), times a
	// gain (Saxe et al. 2013).
	Orthogonal
	// Sparse gives each unit exactly k non-zero incoming weights drawn
	// from N(0, 1) (Martens 2010), so the total input does not shrink with m.
	Sparse
)

var initNames = []string{"uniform", "glorot", "orthogonal", "sparse"}

func (s InitScheme) String() string { return initNames[s] }

// ParseInit reads "uniform", "glorot", "orthogonal" or "sparse".
func ParseInit(field, s string) (InitScheme, error) {
	for i, n := range initNames {
		if n == s {
			return InitScheme(i), nil
		}
	}
	return 0, fielderr.New(field, "unknown initialisation %q; choose one of %s", s, strings.Join(initNames, ", "))
}

// Init chooses an initialisation. Every weight is multiplied by Scale (the
// orthogonal scheme's gain); biases are zero.
type Init struct {
	Scheme InitScheme
	Scale  float64 // 0 means 1
	K      int     // non-zero weights per unit for Sparse; 0 means 15
	Seed   uint64
}

// Initialize writes an initial parameter vector laid out as blocks into dst,
// deterministically from in.Seed.
func Initialize(dst []float64, blocks []hd.Block, in Init) error {
	scale := in.Scale
	if scale == 0 {
		scale = 1
	}
	if err := fielderr.Range("init.scale", scale, 0, 100); err != nil {
		return err
	}
	if in.Scheme < Uniform || in.Scheme > Sparse {
		return fielderr.New("init.scheme", "unknown initialisation %d", int(in.Scheme))
	}
	if in.K < 0 {
		return fielderr.New("init.k", "must be positive, got %d", in.K)
	}
	rng := NewRNG(in.Seed)
	for _, b := range blocks {
		w := dst[b.Offset : b.Offset+b.Len()]
		if b.Bias {
			clear(w)
			continue
		}
		fanOut, fanIn := b.Rows, b.Cols
		switch in.Scheme {
		case Uniform:
			fillUniform(w, scale/math.Sqrt(float64(fanIn)), rng)
		case Glorot:
			fillUniform(w, scale*math.Sqrt(6/float64(fanIn+fanOut)), rng)
		case Orthogonal:
			fillOrthogonal(w, fanOut, fanIn, scale, rng)
		case Sparse:
			k := in.K
			if k == 0 {
				k = 15
			}
			fillSparse(w, fanOut, fanIn, min(k, fanIn), scale, rng)
		}
	}
	return nil
}

// Init writes the network's initial parameters into dst.
func (m *MLP) Init(dst []float64, in Init) error {
	m.checkLen(dst)
	return Initialize(dst, m.blocks, in)
}

func fillUniform(w []float64, bound float64, rng *rand.Rand) {
	for i := range w {
		w[i] = bound * (2*rng.Float64() - 1)
	}
}

// fillOrthogonal writes gain·Q into the rows×cols matrix w, Q with
// orthonormal rows (rows ≤ cols) or columns (rows ≥ cols), from the QR
// factorisation of a Gaussian matrix with R's diagonal made positive so Q
// is uniformly distributed.
func fillOrthogonal(w []float64, rows, cols int, gain float64, rng *rand.Rand) {
	tall, short := max(rows, cols), min(rows, cols)
	g := mat.NewDense(tall, short, nil)
	raw := g.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for i := range tall {
		for j := range short {
			v := q.At(i, j) * gain
			if r.At(j, j) < 0 {
				v = -v
			}
			if rows >= cols {
				w[i*cols+j] = v
			} else {
				w[j*cols+i] = v
			}
		}
	}
}

// fillSparse gives each row k non-zero entries at distinct random columns.
func fillSparse(w []float64, rows, cols, k int, scale float64, rng *rand.Rand) {
	clear(w)
	perm := make([]int, cols)
	for i := range rows {
		for j := range perm {
			perm[j] = j
		}
		for j := range k {
			s := j + rng.IntN(cols-j)
			perm[j], perm[s] = perm[s], perm[j]
			w[i*cols+perm[j]] = scale * rng.NormFloat64()
		}
	}
}
