//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// haveKernels reports whether the AVX2/FMA kernels of kernels_amd64.s run
// here (cpu checks the OS saves the wide registers too).
var haveKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// have512 reports whether the AVX-512 kernels (kernels512_amd64.s,
// tanhx8) run here; cpu checks that the OS saves the 512-bit registers.
var have512 = haveKernels && cpu.X86.HasAVX512F

//go:noescape
func gemm4x32z(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int)

//go:noescape
func gemm4x32zb(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64)

//go:noescape
func gemm4x8(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int)

//go:noescape
func tanh4(x *float64, n int, c *[tanhConsts]float64)

//go:noescape
func gemm2x32z(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int)

//go:noescape
func gemm2x32zb(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64)
