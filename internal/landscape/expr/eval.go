package expr

import "math"

// dual is a value with its gradient in (x, y).
type dual struct{ v, dx, dy float64 }

// hyper is a value with its gradient and Hessian (xx, xy, yy): a truncated
// second-order Taylor number.
type hyper struct{ v, dx, dy, xx, xy, yy float64 }

// mulz is c·g, but 0 when g is 0: a part that does not depend on a variable
// stays independent of it even where the outer derivative c is infinite
// (sqrt(x) at x = 0 has ∂/∂y = 0, not NaN).
func mulz(c, g float64) float64 {
	if g == 0 {
		return 0
	}
	return c * g
}

// apply1 evaluates a one-operand op (c is its folded constant).
func apply1(op opcode, a, c float64) float64 {
	switch op {
	case opNeg:
		return -a
	case opSq:
		return a * a
	case opAddC:
		return a + c
	case opRSubC:
		return c - a
	case opMulC:
		return c * a
	case opDivC:
		return a / c
	case opRDivC:
		return c / a
	case opPowC:
		return math.Pow(a, c)
	case opCPow:
		return math.Pow(c, a)
	case opMinC:
		return minOf(a, c)
	case opMaxC:
		return maxOf(a, c)
	case opSin:
		return math.Sin(a)
	case opCos:
		return math.Cos(a)
	case opTan:
		return math.Tan(a)
	case opExp:
		return math.Exp(a)
	case opLog:
		return math.Log(a)
	case opSqrt:
		return math.Sqrt(a)
	case opAbs:
		return math.Abs(a)
	case opTanh:
		return math.Tanh(a)
	case opSigmoid:
		return sigmoid(a)
	case opSoftplus:
		return softplus(a)
	}
	panic("expr: apply1: bad opcode")
}

// apply2 evaluates a two-register op.
func apply2(op opcode, a, b float64) float64 {
	switch op {
	case opAdd:
		return a + b
	case opSub:
		return a - b
	case opMul:
		return a * b
	case opDiv:
		return a / b
	case opPow:
		return math.Pow(a, b)
	case opMin:
		return minOf(a, b)
	case opMax:
		return maxOf(a, b)
	}
	panic("expr: apply2: bad opcode")
}

// minOf and maxOf pick a branch: on a tie the first operand wins, and its
// derivative is the one used (a subgradient). NaN in either gives NaN.
func minOf(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	if a <= b {
		return a
	}
	return b
}

func maxOf(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	if a >= b {
		return a
	}
	return b
}

// pickFirst reports whether min/max (or its const form) takes operand a, and
// whether the result is NaN.
func pickFirst(op opcode, a, b float64) (first, nan bool) {
	if a != a || b != b {
		return false, true
	}
	if op == opMin || op == opMinC {
		return a <= b, false
	}
	return a >= b, false
}

func sigmoid(a float64) float64 {
	if a >= 0 {
		return 1 / (1 + math.Exp(-a))
	}
	e := math.Exp(a) // no overflow for very negative a
	return e / (1 + e)
}

// softplus is log(1+eᵃ) without overflow.
func softplus(a float64) float64 {
	return math.Max(a, 0) + math.Log1p(math.Exp(-math.Abs(a)))
}

// derivs1 returns the first and second derivatives of a one-operand op at a,
// given its value v there.
func derivs1(op opcode, a, c, v float64) (d1, d2 float64) {
	switch op {
	case opNeg:
		return -1, 0
	case opSq:
		return 2 * a, 2
	case opAddC:
		return 1, 0
	case opRSubC:
		return -1, 0
	case opMulC:
		return c, 0
	case opDivC:
		return 1 / c, 0
	case opRDivC:
		return -c / (a * a), 2 * c / (a * a * a)
	case opPowC:
		switch c {
		case 0:
			return 0, 0
		case 1:
			return 1, 0
		}
		return c * math.Pow(a, c-1), c * (c - 1) * math.Pow(a, c-2)
	case opCPow:
		if v == 0 {
			return 0, 0 // 0^a is flat where it is 0
		}
		l := math.Log(c)
		return v * l, v * l * l
	case opSin:
		return math.Cos(a), -v
	case opCos:
		return -math.Sin(a), -v
	case opTan:
		t := 1 + v*v
		return t, 2 * v * t
	case opExp:
		return v, v
	case opLog:
		return 1 / a, -1 / (a * a)
	case opSqrt:
		return 0.5 / v, -0.25 / (v * v * v)
	case opAbs:
		switch {
		case a > 0:
			return 1, 0
		case a < 0:
			return -1, 0
		}
		return 0, 0 // a subgradient at the kink
	case opTanh:
		t := 1 - v*v
		return t, -2 * v * t
	case opSigmoid:
		t := v * (1 - v)
		return t, t * (1 - 2*v)
	case opSoftplus:
		s := sigmoid(a)
		return s, s * (1 - s)
	}
	panic("expr: derivs1: bad opcode")
}

// derivs2 returns the partial derivatives of a two-register op at (a, b),
// given its value v: first fa, fb, second faa, fab, fbb.
func derivs2(op opcode, a, b, v float64) (fa, fb, faa, fab, fbb float64) {
	switch op {
	case opAdd:
		return 1, 1, 0, 0, 0
	case opSub:
		return 1, -1, 0, 0, 0
	case opMul:
		return b, a, 0, 1, 0
	case opDiv:
		return 1 / b, -a / (b * b), 0, -1 / (b * b), 2 * a / (b * b * b)
	case opPow:
		switch b {
		case 0:
			fa, faa = 0, 0
		case 1:
			fa, faa = 1, 0
		default:
			fa, faa = b*math.Pow(a, b-1), b*(b-1)*math.Pow(a, b-2)
		}
		if a == 0 {
			// aᵇ is 0 on a whole neighbourhood of b > 0 (NaN from log 0 otherwise).
			fab = math.NaN()
			if b > 1 {
				fab = 0
			}
			return fa, 0, faa, fab, 0
		}
		// For a < 0, log a is NaN: aᵇ is not real for nearby non-integer b.
		// mulz drops these terms when b does not depend on x or y.
		l := math.Log(a)
		return fa, v * l, faa, math.Pow(a, b-1) * (1 + b*l), v * l * l
	}
	panic("expr: derivs2: bad opcode")
}

// value runs the program on plain numbers.
func (p *program) value(r *[maxRegs]float64) {
	for i := range p.code {
		in := &p.code[i]
		a := r[in.a&regMask]
		var z float64
		switch in.op {
		case opNeg:
			z = -a
		case opSq:
			z = a * a
		case opAddC:
			z = a + in.c
		case opRSubC:
			z = in.c - a
		case opMulC:
			z = in.c * a
		case opAdd:
			z = a + r[in.b&regMask]
		case opSub:
			z = a - r[in.b&regMask]
		case opMul:
			z = a * r[in.b&regMask]
		case opDiv:
			z = a / r[in.b&regMask]
		case opPow, opMin, opMax:
			z = apply2(in.op, a, r[in.b&regMask])
		default:
			z = apply1(in.op, a, in.c)
		}
		r[in.dst&regMask] = z
	}
}

// grad runs the program on values with gradients (forward mode).
func (p *program) grad(r *[maxRegs]dual) {
	for i := range p.code {
		in := &p.code[i]
		a := r[in.a&regMask]
		var z dual
		switch in.op {
		case opNeg:
			z = dual{-a.v, -a.dx, -a.dy}
		case opSq:
			t := 2 * a.v
			z = dual{a.v * a.v, t * a.dx, t * a.dy}
		case opAddC:
			z = dual{a.v + in.c, a.dx, a.dy}
		case opRSubC:
			z = dual{in.c - a.v, -a.dx, -a.dy}
		case opMulC:
			z = dual{in.c * a.v, in.c * a.dx, in.c * a.dy}
		case opAdd:
			b := r[in.b&regMask]
			z = dual{a.v + b.v, a.dx + b.dx, a.dy + b.dy}
		case opSub:
			b := r[in.b&regMask]
			z = dual{a.v - b.v, a.dx - b.dx, a.dy - b.dy}
		case opMul:
			b := r[in.b&regMask]
			z = dual{a.v * b.v, mulz(b.v, a.dx) + mulz(a.v, b.dx), mulz(b.v, a.dy) + mulz(a.v, b.dy)}
		case opMin, opMax:
			b := r[in.b&regMask]
			first, nan := pickFirst(in.op, a.v, b.v)
			switch {
			case nan:
				z = dual{math.NaN(), math.NaN(), math.NaN()}
			case first:
				z = a
			default:
				z = b
			}
		case opMinC, opMaxC:
			first, nan := pickFirst(in.op, a.v, in.c)
			switch {
			case nan:
				z = dual{math.NaN(), math.NaN(), math.NaN()}
			case first:
				z = a
			default:
				z = dual{v: in.c}
			}
		case opDiv, opPow:
			b := r[in.b&regMask]
			v := apply2(in.op, a.v, b.v)
			fa, fb, _, _, _ := derivs2(in.op, a.v, b.v, v)
			z = dual{v, mulz(fa, a.dx) + mulz(fb, b.dx), mulz(fa, a.dy) + mulz(fb, b.dy)}
		default:
			v := apply1(in.op, a.v, in.c)
			d1, _ := derivs1(in.op, a.v, in.c, v)
			z = dual{v, mulz(d1, a.dx), mulz(d1, a.dy)}
		}
		r[in.dst&regMask] = z
	}
}

// hess runs the program on second-order Taylor numbers.
func (p *program) hess(r *[maxRegs]hyper) {
	for i := range p.code {
		in := &p.code[i]
		a := r[in.a&regMask]
		var z hyper
		switch in.op {
		case opNeg:
			z = hyper{-a.v, -a.dx, -a.dy, -a.xx, -a.xy, -a.yy}
		case opAddC:
			z = a
			z.v = a.v + in.c
		case opRSubC:
			z = hyper{in.c - a.v, -a.dx, -a.dy, -a.xx, -a.xy, -a.yy}
		case opMulC:
			k := in.c
			z = hyper{k * a.v, k * a.dx, k * a.dy, k * a.xx, k * a.xy, k * a.yy}
		case opAdd:
			b := r[in.b&regMask]
			z = hyper{a.v + b.v, a.dx + b.dx, a.dy + b.dy, a.xx + b.xx, a.xy + b.xy, a.yy + b.yy}
		case opSub:
			b := r[in.b&regMask]
			z = hyper{a.v - b.v, a.dx - b.dx, a.dy - b.dy, a.xx - b.xx, a.xy - b.xy, a.yy - b.yy}
		case opMin, opMax:
			b := r[in.b&regMask]
			first, nan := pickFirst(in.op, a.v, b.v)
			switch {
			case nan:
				n := math.NaN()
				z = hyper{n, n, n, n, n, n}
			case first:
				z = a
			default:
				z = b
			}
		case opMinC, opMaxC:
			first, nan := pickFirst(in.op, a.v, in.c)
			switch {
			case nan:
				n := math.NaN()
				z = hyper{n, n, n, n, n, n}
			case first:
				z = a
			default:
				z = hyper{v: in.c}
			}
		case opMul, opDiv, opPow:
			b := r[in.b&regMask]
			v := apply2(in.op, a.v, b.v)
			if in.op == opMul {
				v = a.v * b.v // the same rounding as value and grad
			}
			fa, fb, faa, fab, fbb := derivs2(in.op, a.v, b.v, v)
			z = chain2(v, fa, fb, faa, fab, fbb, &a, &b)
		default:
			var v float64
			if in.op == opSq {
				v = a.v * a.v
			} else {
				v = apply1(in.op, a.v, in.c)
			}
			d1, d2 := derivs1(in.op, a.v, in.c, v)
			z = hyper{
				v:  v,
				dx: mulz(d1, a.dx),
				dy: mulz(d1, a.dy),
				xx: mulz(d1, a.xx) + mulz(d2, a.dx*a.dx),
				xy: mulz(d1, a.xy) + mulz(d2, a.dx*a.dy),
				yy: mulz(d1, a.yy) + mulz(d2, a.dy*a.dy),
			}
		}
		r[in.dst&regMask] = z
	}
}

// chain2 is the second-order chain rule for f(a, b):
// H = fa·Ha + fb·Hb + faa·ga gaᵀ + fab·(ga gbᵀ + gb gaᵀ) + fbb·gb gbᵀ.
func chain2(v, fa, fb, faa, fab, fbb float64, a, b *hyper) hyper {
	return hyper{
		v:  v,
		dx: mulz(fa, a.dx) + mulz(fb, b.dx),
		dy: mulz(fa, a.dy) + mulz(fb, b.dy),
		xx: mulz(fa, a.xx) + mulz(fb, b.xx) + mulz(faa, a.dx*a.dx) + mulz(fab, 2*a.dx*b.dx) + mulz(fbb, b.dx*b.dx),
		xy: mulz(fa, a.xy) + mulz(fb, b.xy) + mulz(faa, a.dx*a.dy) + mulz(fab, a.dx*b.dy+b.dx*a.dy) + mulz(fbb, b.dx*b.dy),
		yy: mulz(fa, a.yy) + mulz(fb, b.yy) + mulz(faa, a.dy*a.dy) + mulz(fab, 2*a.dy*b.dy) + mulz(fbb, b.dy*b.dy),
	}
}
