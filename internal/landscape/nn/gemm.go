package nn

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// The products of the network's passes have few rows (the layer widths, at
// most 1024) and long rows (the batch), a shape gonum's general Dgemm (an
// axpy per element of A, with SSE2) runs at a few GFLOP/s. Where the CPU
// has AVX2 and FMA, gemm runs them on a 4×8 register-blocked kernel
// instead (kernels_amd64.s), 4×32 where it has AVX-512 too
// (kernels512_amd64.s), and tanh on a four-wide version of fastTanh.

// gemmPanel is the number of columns of B and C a kernel call covers: a
// 1024-wide layer's 8·panel-byte strip of B stays in L2 while every block
// of four rows of C passes over it.
const gemmPanel = 256

// gemm512 lets the products take the AVX-512 kernels where the CPU has
// them (a variable so that tests and benchmarks can compare; both kernels
// give the same bits).
var gemm512 = true

// gemmScratch holds gemm's buffers for products with a transposed b.
type gemmScratch struct {
	bt, c blas64.General
}

// gemm sets c = op(a)·op(b) (beta 0) or adds the product to c (beta 1),
// where op transposes when the flag says so. s is scratch for the
// transposed-b case, grown as needed.
func gemm(tA, tB bool, a, b blas64.General, beta float64, c blas64.General, s *gemmScratch) {
	if !haveKernels || c.Cols < 8 {
		// Too narrow for the kernel's 8-column strips (the input
		// layer's gradient): gonum's dot products do better.
		gemmBLAS(tA, tB, a, b, beta, c)
		return
	}
	if beta == 0 {
		for r := range c.Rows {
			clear(c.Data[r*c.Stride : r*c.Stride+c.Cols])
		}
	}
	if !tB {
		gemmAdd(tA, a, b, c)
		return
	}
	// C += op(A)·Bᵀ (a weight gradient: a sum over the batch). The kernel
	// wants B's rows along C's, so transpose B once, padded with zero
	// columns to a multiple of 8 so that no column is left to scalar
	// code, and add the padded product's first columns to C.
	n := c.Cols
	np := (n + 7) &^ 7
	if np == n {
		resize(&s.bt, b.Cols, n)
		transposeTo(s.bt, b)
		gemmAdd(tA, a, s.bt, c)
		return
	}
	resize(&s.bt, b.Cols, np)
	for p := range b.Cols {
		clear(s.bt.Data[p*np+n : (p+1)*np])
	}
	transposeTo(s.bt, b)
	resize(&s.c, c.Rows, np)
	clear(s.c.Data)
	gemmAdd(tA, a, s.bt, s.c)
	for i := range c.Rows {
		dst := c.Data[i*c.Stride : i*c.Stride+n]
		for j, v := range s.c.Data[i*np : i*np+n] {
			dst[j] += v
		}
	}
}

func gemmBLAS(tA, tB bool, a, b blas64.General, beta float64, c blas64.General) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	blas64.Gemm(ta, tb, 1, a, b, beta, c)
}

// gemmAdd adds op(a)·b to c with the kernel; columns beyond the last
// multiple of 8 are done in Go.
func gemmAdd(tA bool, a, b, c blas64.General) {
	m, n, k := c.Rows, c.Cols, b.Rows
	if m == 0 || n == 0 || k == 0 {
		return
	}
	aRow, aK := a.Stride, 1 // A(i, p) = a[i·aRow + p·aK]
	if tA {
		aRow, aK = 1, a.Stride
	}
	if (tA && (a.Rows != k || a.Cols != m)) || (!tA && (a.Rows != m || a.Cols != k)) || b.Cols != n {
		panic("nn: gemm: shapes do not conform")
	}
	n8 := n &^ 7
	var ap [4]*float64
	for j0 := 0; j0 < n8; j0 += gemmPanel {
		strips := min(gemmPanel, n8-j0) / 8
		for i := 0; i < m; i += 4 {
			rows := min(4, m-i)
			for r := range 4 {
				// Rows past the end repeat the last one; the kernel
				// computes but does not store them.
				ap[r] = &a.Data[(i+min(r, rows-1))*aRow]
			}
			j := j0
			if s := 8 * strips / 32; s > 0 && have512 && gemm512 {
				if rows <= 2 {
					gemm2x32z(k, s, &ap, aK, &b.Data[j], b.Stride, &c.Data[i*c.Stride+j], c.Stride, rows)
				} else {
					gemm4x32z(k, s, &ap, aK, &b.Data[j], b.Stride, &c.Data[i*c.Stride+j], c.Stride, rows)
				}
				j += 32 * s
			}
			if s := (j0 + 8*strips - j) / 8; s > 0 {
				gemm4x8(k, s, &ap, aK, &b.Data[j], b.Stride, &c.Data[i*c.Stride+j], c.Stride, rows)
			}
		}
	}
	if n8 == n {
		return
	}
	for i := range m {
		crow := c.Data[i*c.Stride : i*c.Stride+n]
		for p := range k {
			v := a.Data[i*aRow+p*aK]
			brow := b.Data[p*b.Stride : p*b.Stride+n]
			for j := n8; j < n; j++ {
				crow[j] += v * brow[j]
			}
		}
	}
}

// tanhConsts is the length of tanhTable.
const tanhConsts = 28

// tanhTable holds tanh4's constants in the order kernels_amd64.s reads
// them.
var tanhTable = func() (t [tanhConsts]float64) {
	t[0] = math.Float64frombits(1<<63 - 1)
	t[1], t[2] = -expMax/2, expMax/2
	t[3], t[4] = 0.125, 1
	t[5], t[6], t[7] = log2e, ln2Hi, ln2Lo
	f := 1.0 // 1/13!, 1/12!, ..., 1/2! into t[8..19]
	for j := 2; j <= 13; j++ {
		f *= float64(j)
	}
	for j := 13; j >= 2; j-- {
		t[8+13-j] = 1 / f
		f /= float64(j)
	}
	t[20] = 1023 + 1<<52
	t[21] = 2
	copy(t[22:], []float64{21844.0 / 6081075, -1382.0 / 155925, 62.0 / 2835, -17.0 / 315, 2.0 / 15, -1.0 / 3})
	return t
}()

// tanhSlice sets z[i] = tanh(z[i]).
func tanhSlice(z []float64) {
	n4 := 0
	if haveKernels {
		n4 = len(z) &^ 3
		if n4 > 0 {
			tanh4(&z[0], n4, &tanhTable)
		}
	}
	for i := n4; i < len(z); i++ {
		z[i] = fastTanh(z[i])
	}
}
