//go:build !amd64 || purego

package nn

func gemm4x8b(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64) {
	panic("nn: no gemm kernel on this platform")
}

func tanhx4(x *float64, n int, c *[planeTanhConsts]float64) {
	panic("nn: no tanh kernel on this platform")
}

func tanhx8(x *float64, n int, c *[tanh8Consts]float64) {
	panic("nn: no tanh kernel on this platform")
}

func softx8(x *float64, n int, c *[tanh8Consts]float64) {
	panic("nn: no kernel on this platform")
}
