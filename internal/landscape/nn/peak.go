package nn

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
)

// Gemm sets c = a·b with this package's kernel, blocked for the caches
// (128 rows of b at a time, packed 256 columns wide, so that a panel of b
// stays in L2 and a kernel's 8-column strip of it in L1) and split by rows
// over workers goroutines. It is the yardstick of the plane benchmarks: a
// large product here is as close to the machine's float64 peak as this
// package's kernel gets. Without the kernels it is gonum's Dgemm.
func Gemm(c, a, b blas64.General, workers int) {
	if a.Cols != b.Rows || c.Rows != a.Rows || c.Cols != b.Cols {
		panic("nn: Gemm: shapes do not conform")
	}
	if !haveKernels {
		gemmBLAS(false, false, a, b, 0, c)
		return
	}
	workers = max(1, min(workers, (c.Rows+3)/4))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := (c.Rows*w/workers)&^3, (c.Rows*(w+1)/workers)&^3
		if w+1 == workers {
			hi = c.Rows
		}
		wg.Go(func() {
			aw := blas64.General{Rows: hi - lo, Cols: a.Cols, Stride: a.Stride, Data: a.Data[lo*a.Stride:]}
			cw := blas64.General{Rows: hi - lo, Cols: c.Cols, Stride: c.Stride, Data: c.Data[lo*c.Stride:]}
			gemmBlocked(cw, aw, b)
		})
	}
	wg.Wait()
}

const (
	blockK = 128
	blockN = 256
)

func gemmBlocked(c, a, b blas64.General) {
	for r := range c.Rows {
		clear(c.Data[r*c.Stride : r*c.Stride+c.Cols])
	}
	var packed blas64.General
	for p0 := 0; p0 < a.Cols; p0 += blockK {
		kc := min(blockK, a.Cols-p0)
		for j0 := 0; j0 < c.Cols; j0 += blockN {
			nc := min(blockN, c.Cols-j0)
			resize(&packed, kc, nc)
			for p := range kc {
				copy(packed.Data[p*nc:(p+1)*nc], b.Data[(p0+p)*b.Stride+j0:])
			}
			ab := blas64.General{Rows: a.Rows, Cols: kc, Stride: a.Stride, Data: a.Data[p0:]}
			cb := blas64.General{Rows: c.Rows, Cols: nc, Stride: c.Stride, Data: c.Data[j0:]}
			gemmAdd(false, ab, packed, cb)
		}
	}
}
