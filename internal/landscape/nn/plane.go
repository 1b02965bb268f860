package nn

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
)

// Drawing a plane evaluates the loss at thousands of points (a 51² grid of
// a 5 000-parameter network on 1 000 points is 2 601 forward passes, 25
// GFLOP), and there the passes' time went less to the products than around
// them: tanh (an exp polynomial whose 13 dependent FMAs ran one vector at
// a time) took half, filling the bias before each product another sixth.
// PlaneValue is Value for drawing: the products start from the bias in
// registers (gemm4x8b), and tanh is computed as −m/(2+m), m = expm1(−2|x|),
// twelve at a time (tanhx4). Both round differently from the training
// passes, so PlaneValue agrees with Value to about 1e-15 relative, not to
// the bit; trajectories and their losses use Value, Grad and HessVec,
// unchanged.

// planeTanhConsts is the length of planeTanhTable.
const planeTanhConsts = 22

// planeTanhTable holds tanhx4's constants in the order plane_amd64.s reads
// them: |·| mask, −2, −40, log2e, ln2 (high and low parts), two unused
// slots, the 11 coefficients of q(r) ≈ (e^r − 1)/r from the highest
// (planeQ), 1023 + 2⁵² (for 2^k), 1 and 2.
var planeTanhTable = func() (t [planeTanhConsts]float64) {
	t[0] = math.Float64frombits(1<<63 - 1)
	t[1], t[2] = -2, -expMax
	t[3], t[4], t[5] = log2e, ln2Hi, ln2Lo
	copy(t[8:19], planeQ[:])
	t[19] = 1023 + 1<<52
	t[20], t[21] = 1, 2
	return t
}()

// planeQ is q(r) = (e^r − 1)/r on |r| ≤ ln2/2 (the reduced argument) as
// 1 + r/2 + r²·g(r), g of degree 8 fitted to Chebyshev nodes on
// [−0.3467, 0.3467] in 60-digit arithmetic (mpmath.chebyfit), highest
// coefficient first: within 8e-17 of q with the coefficients rounded to
// float64, as the Taylor polynomial of degree 12 was, for two FMAs fewer.
var planeQ = [11]float64{
	2.509557770167194e-08, 2.7613836801372293e-07, 2.7557280025515365e-06,
	2.4801536334724617e-05, 0.0001984126985435939, 0.0013888888905908563,
	0.008333333333332154, 0.04166666666665132, 0.16666666666666666, 0.5, 1,
}

// planeTanh is tanhx4's formula for one number (the tail of a row, or a
// machine without the kernels).
func planeTanh(x float64) float64 {
	if x != x {
		return x
	}
	t := max(-2*math.Abs(x), -expMax)
	// k = round(t·log2e) by adding 2⁵² + 1023 in the FMA (its rounding to
	// an integer is the rounding), one operation fewer than a product
	// and a round; the sum's low bits are then k + 1023, 2^k's exponent.
	k := math.FMA(t, log2e, planeTanhTable[19]) - planeTanhTable[19]
	r := math.FMA(-k, ln2Lo, math.FMA(-k, ln2Hi, t))
	q := planeQ[0]
	for _, c := range planeQ[1:] {
		q = math.FMA(q, r, c)
	}
	e := math.Float64frombits(uint64(int64(k)+1023) << 52)
	m := math.FMA(r*q, e, e-1)
	return math.Copysign(math.Abs(m/(2+m)), x)
}

// tanh8Consts is the length of tanh8Table.
const tanh8Consts = 21

// tanh8Table holds tanhx8's constants: the same computation as planeTanh
// rescaled by powers of two, which round alike, so that it needs two
// operations fewer and gives the same bits. It clamps |x| ≤ 20 instead of
// −2|x| ≥ −40, rounds k from |x|·(−2·log2e), reduces r' = −r/2 (with
// ln2/2), runs the polynomial in r' on the coefficients c_j·(−2)^j, and
// takes −2·2^k straight from the rounding's bits (2⁵² + 3072: the 2048 is
// the sign bit once shifted) so that m = (r'q)·(−2·2^k) + (2^k − 1); the
// sign is x's, put back by a bitwise select. In order: |·| mask, 20,
// −2·log2e, 2⁵² + 3072, ln2/2 (high and low parts), −1/2, −1, 1, 2, the
// 11 rescaled coefficients from the highest.
var tanh8Table = func() (t [tanh8Consts]float64) {
	t[0] = math.Float64frombits(1<<63 - 1)
	t[1], t[2], t[3] = expMax/2, -2*log2e, 1<<52+3072
	t[4], t[5] = ln2Hi/2, ln2Lo/2
	t[6], t[7], t[8], t[9] = -0.5, -1, 1, 2
	for i, c := range planeQ {
		t[10+i] = math.Ldexp(c, 10-i)
		if (10-i)%2 == 1 {
			t[10+i] = -t[10+i]
		}
	}
	return t
}()

// planeTanh512 lets planeTanhSlice take tanhx8 where the CPU has it (a
// variable so the tests and benchmarks can compare the two).
var planeTanh512 = true

// planeTanhSlice sets z[i] = tanh(z[i]) the plane's way.
func planeTanhSlice(z []float64) {
	n4 := 0
	if haveKernels {
		n8 := 0
		if have512 && planeTanh512 {
			n8 = len(z) &^ 7
			if n8 > 0 {
				tanhx8(&z[0], n8, &tanh8Table)
			}
		}
		n4 = len(z) &^ 3
		if n4 > n8 {
			tanhx4(&z[n8], n4-n8, &planeTanhTable)
		}
	}
	for i := n4; i < len(z); i++ {
		z[i] = planeTanh(z[i])
	}
}

// planePanel is the number of points PlaneValue runs through the network
// at a time: 64, so that a panel's activations of a 68-wide layer (35 KB)
// stay in L1 between the layers; measured against 32, 96, 128 and 256
// (Value's panel), 2–5% faster on the yardstick.
const planePanel = 64

// PlaneValue is the full-batch loss, as Value, to about 1e-15 relative,
// faster: for drawing planes, not for stepping (see above). It is safe for
// concurrent use.
func (m *MLP) PlaneValue(theta []float64) float64 {
	if !haveKernels {
		return m.Value(theta)
	}
	m.checkLen(theta)
	ws := m.get()
	defer m.pool.Put(ws)
	n := m.data.N()
	var sum float64
	for j0 := 0; j0 < n; j0 += planePanel {
		x := m.xT
		x.Cols, x.Data = min(planePanel, n-j0), x.Data[j0:]
		sum = m.forwardPlane(ws, theta, x, m.data.Labels[j0:j0+x.Cols], sum)
	}
	return sum * (1 / float64(n))
}

// forwardPlane is forward without delta, on the plane's kernels.
func (m *MLP) forwardPlane(ws *workspace, theta []float64, x blas64.General, labels []int, sum float64) float64 {
	L := len(m.sizes) - 1
	B := x.Cols
	ws.a[0] = x
	for l := range L {
		w, b := m.weights(theta, l)
		resize(&ws.a[l+1], w.Rows, B)
		affineBias(ws.a[l+1], ws.a[l], w, b)
		if l < L-1 {
			z := ws.a[l+1]
			for r := range z.Rows {
				row := z.Data[r*z.Stride : r*z.Stride+z.Cols]
				if m.act == Tanh {
					planeTanhSlice(row)
				} else {
					activate(m.act, row)
				}
			}
		}
	}
	z := ws.a[L].Data // k × B
	k := ws.a[L].Rows
	if m.loss == CrossEntropy {
		if k == 2 && have512 && planeTanh512 {
			resize(&ws.tmp, 1, B)
			return crossEntropy2Plane(z, B, labels, sum, ws.tmp.Data)
		}
		return crossEntropyPlane(z, k, B, labels, sum)
	}
	for i := range B {
		y := labels[i]
		switch m.loss {
		case Squared:
			for j := range k {
				r := z[j*B+i]
				if j == y {
					r--
				}
				sum += 0.5 * r * r
			}
		}
	}
	return sum
}

// crossEntropyPlane adds the panel's cross-entropies to sum with one
// logarithm for the panel instead of one a point: Σ log sᵢ is the log of
// Π sᵢ, the product kept in range by taking its exponent out every 64
// points (each sᵢ = Σⱼ exp(zⱼ − max) lies in [1, k], k ≤ 1024 classes,
// so 64 of them stay below 2⁶⁴⁰). The exp of the largest logit is 1 and is
// not computed. The product rounds once a point as the sum of logs did,
// so the loss moves by a few ulp of the sum, not more.
func crossEntropyPlane(z []float64, k, B int, labels []int, sum float64) float64 {
	prod, exp2 := 1.0, 0
	for i := range B {
		mx, am := z[i], 0
		for j := 1; j < k; j++ {
			if v := z[j*B+i]; v > mx || v != v {
				mx, am = v, j
			}
		}
		s := 1.0
		for j := range k {
			if j != am {
				s += math.Exp(z[j*B+i] - mx)
			}
		}
		sum += mx - z[labels[i]*B+i]
		prod *= s
		if i&63 == 63 {
			f, e := math.Frexp(prod)
			prod, exp2 = f, exp2+e
		}
	}
	return sum + (math.Log(prod) + float64(exp2)*math.Ln2)
}

// crossEntropy2Plane is crossEntropyPlane for two classes with the sums
// sᵢ = 1 + e^(−|z₀ − z₁|) eight at a time (softx8, tanhx8's denominator;
// its error is an ulp of sᵢ, as exp's was); buf is scratch of length B.
func crossEntropy2Plane(z []float64, B int, labels []int, sum float64, buf []float64) float64 {
	z0, z1 := z[:B], z[B:2*B]
	for i := range B {
		buf[i] = 0.5 * math.Abs(z0[i]-z1[i])
		sum += max(z0[i], z1[i]) - z[labels[i]*B+i]
	}
	n8 := B &^ 7
	if n8 > 0 {
		softx8(&buf[0], n8, &tanh8Table)
	}
	for i := n8; i < B; i++ {
		buf[i] = 1 + math.Exp(-2*buf[i])
	}
	prod, exp2 := 1.0, 0
	for i, s := range buf {
		prod *= s
		if i&63 == 63 {
			f, e := math.Frexp(prod)
			prod, exp2 = f, exp2+e
		}
	}
	return sum + (math.Log(prod) + float64(exp2)*math.Ln2)
}

// affineBias sets z = W·a + b·1ᵀ with the bias in the kernel's
// accumulators; columns past the last multiple of 8 in Go.
func affineBias(z, a, w blas64.General, b []float64) {
	m, n, k := z.Rows, z.Cols, a.Rows
	n8 := n &^ 7
	var ap [4]*float64
	var bias [4]float64
	if n8 > 0 {
		for j0 := 0; j0 < n8; j0 += gemmPanel {
			strips := min(gemmPanel, n8-j0) / 8
			for i := 0; i < m; i += 4 {
				rows := min(4, m-i)
				for r := range 4 {
					ap[r] = &w.Data[(i+min(r, rows-1))*w.Stride]
					bias[r] = b[i+min(r, rows-1)]
				}
				j := j0
				if s := 8 * strips / 32; s > 0 && have512 && gemm512 {
					if rows <= 2 {
						gemm2x32zb(k, s, &ap, 1, &a.Data[j], a.Stride, &z.Data[i*z.Stride+j], z.Stride, rows, &bias)
					} else {
						gemm4x32zb(k, s, &ap, 1, &a.Data[j], a.Stride, &z.Data[i*z.Stride+j], z.Stride, rows, &bias)
					}
					j += 32 * s
				}
				if s := (j0 + 8*strips - j) / 8; s > 0 {
					gemm4x8b(k, s, &ap, 1, &a.Data[j], a.Stride, &z.Data[i*z.Stride+j], z.Stride, rows, &bias)
				}
			}
		}
	}
	if n8 == n {
		return
	}
	for i := range m {
		zrow := z.Data[i*z.Stride : i*z.Stride+n]
		for j := n8; j < n; j++ {
			zrow[j] = b[i]
		}
		for p := range k {
			v := w.Data[i*w.Stride+p]
			arow := a.Data[p*a.Stride : p*a.Stride+n]
			for j := n8; j < n; j++ {
				zrow[j] += v * arow[j]
			}
		}
	}
}
