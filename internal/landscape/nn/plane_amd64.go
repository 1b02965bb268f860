//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// have512 reports whether tanhx8 (AVX-512) runs here; cpu checks that the
// OS saves the 512-bit registers too.
var have512 = haveKernels && cpu.X86.HasAVX512F

//go:noescape
func gemm4x8b(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64)

//go:noescape
func tanhx4(x *float64, n int, c *[planeTanhConsts]float64)

//go:noescape
func tanhx8(x *float64, n int, c *[planeTanhConsts]float64)
