package nn

import "math"

// The activations are the hot spot of drawing a plane (one tanh per unit
// per example per grid point, more time than the Dgemms with math.Tanh), so
// tanh and the sigmoid go through expKernel: a branch-free exp on a reduced
// range, accurate to a few ulp, which the compiler inlines into the loops.

const (
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	log2e  = 1.44269504088896338700e+00
	expMax = 40.0 // e^{±40} is beyond where tanh and σ round to ±1, 0, 1
)

// expKernel returns e^x for |x| ≤ expMax: x = k·ln2 + r with |r| ≤ ln2/2,
// e^r by its Taylor polynomial of degree 13 (truncation below 1e-17), and
// the power of two set in the exponent bits.
func expKernel(x float64) float64 {
	k := math.Floor(x*log2e + 0.5)
	r := (x - k*ln2Hi) - k*ln2Lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+
		r*(1.0/40320+r*(1.0/362880+r*(1.0/3628800+r*(1.0/39916800+r*(1.0/479001600+r*(1.0/6227020800)))))))))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// fastTanh is tanh to within 3e-16 absolute. Near 0 it uses the odd
// series, where 1 − 2/(e^{2x}+1) would cancel.
func fastTanh(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > expMax/2:
		return 1
	case x < -expMax/2:
		return -1
	case x > -0.125 && x < 0.125:
		x2 := x * x
		return x * (1 + x2*(-1.0/3+x2*(2.0/15+x2*(-17.0/315+x2*(62.0/2835+x2*(-1382.0/155925+x2*(21844.0/6081075)))))))
	}
	return 1 - 2/(expKernel(2*x)+1)
}

// fastSigmoid is 1/(1+e^{−x}) to within a few ulp.
func fastSigmoid(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > expMax:
		return 1
	case x < -expMax:
		return math.Exp(x) // tiny but not 0: keeps a(1−a) honest
	}
	return 1 / (1 + expKernel(-x))
}
