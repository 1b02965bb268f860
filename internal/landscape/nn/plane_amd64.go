//go:build !purego

package nn

//go:noescape
func gemm4x8b(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int, bias *[4]float64)

//go:noescape
func tanhx4(x *float64, n int, c *[planeTanhConsts]float64)

//go:noescape
func tanhx8(x *float64, n int, c *[tanh8Consts]float64)

//go:noescape
func softx8(x *float64, n int, c *[tanh8Consts]float64)
