//go:build !amd64 || purego

package nn

// haveKernels is false: gemm falls back to gonum's BLAS and tanh to
// fastTanh.
var haveKernels = false

const have512 = false

func gemm4x32z(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int) {
	panic("nn: no gemm kernel on this platform")
}

func gemm4x32zb(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64) {
	panic("nn: no gemm kernel on this platform")
}

func gemm4x8(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int) {
	panic("nn: no gemm kernel on this platform")
}

func tanh4(x *float64, n int, c *[tanhConsts]float64) {
	panic("nn: no tanh kernel on this platform")
}

func gemm2x32z(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int) {
	panic("nn: no gemm kernel on this platform")
}

func gemm2x32zb(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64) {
	panic("nn: no gemm kernel on this platform")
}
