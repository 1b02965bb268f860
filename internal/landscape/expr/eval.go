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
func apply1(code opcode, a, c float64) float64 {
	switch code {
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
	case opMinC, opMinCL:
		return minOf(a, c)
	case opMaxC, opMaxCL:
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
	case opAbs, opAbsL:
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
func apply2(code opcode, a, b float64) float64 {
	switch code {
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
	case opMin, opMinL:
		return minOf(a, b)
	case opMax, opMaxL:
		return maxOf(a, b)
	}
	panic("expr: apply2: bad opcode")
}

// minOf and maxOf pick a branch. NaN in either gives NaN. On a tie the
// value is the same either way; the derivative is the mean of the two
// operands' (pickFirst, mirror).
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
// whether the result is NaN. On a tie the right-sided forms take a, the
// left-sided ones (mirror) b.
func pickFirst(code opcode, a, b float64) (first, nan bool) {
	if a != a || b != b {
		return false, true
	}
	switch code {
	case opMin, opMinC:
		return a <= b, false
	case opMinL, opMinCL:
		return a < b, false
	case opMaxL, opMaxCL:
		return a > b, false
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
func derivs1(code opcode, a, c, v float64) (d1, d2 float64) {
	switch code {
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
	case opAbs, opAbsL:
		switch {
		case a > 0:
			return 1, 0
		case a < 0:
			return -1, 0
		case code == opAbsL:
			return -1, 0 // the left-sided derivative at the kink (mirror)
		}
		return 1, 0 // the right-sided one
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
func derivs2(code opcode, a, b, v float64) (fa, fb, faa, fab, fbb float64) {
	switch code {
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

// The evaluators are trees of closures built once by Parse. A closure per
// operation, its constant captured, its operands either closures or a
// variable read directly (no call for x or y): evaluation does no look-ups,
// boxes nothing and allocates nothing, since results come back in registers.
// The closures capture only immutable values, so one *Func serves many
// goroutines.

type (
	valueFn func(x, y float64) float64
	gradFn  func(x, y float64) dual
	hessFn  func(x, y float64) hyper
)

// vArg is a compiled operand: f, or the variable y when ofY, else x.
// (gArg, the gradient's operand, is in grad.go.)
type (
	vArg struct {
		f   valueFn
		ofY bool
	}
	hArg struct{ f hessFn } // always a closure, variables too
)

func (a vArg) at(x, y float64) float64 {
	if a.f != nil {
		return a.f(x, y)
	}
	if a.ofY {
		return y
	}
	return x
}

func (a hArg) at(x, y float64) hyper { return a.f(x, y) }

// mathFuncs are the one-argument functions, indexed by opcode-opSin.
var mathFuncs = [...]func(float64) float64{
	math.Sin, math.Cos, math.Tan, math.Exp, math.Log, math.Sqrt, math.Abs, math.Tanh, sigmoid, softplus,
}

func buildValue(o *op) vArg {
	if o.isVar() {
		return vArg{ofY: o.c == 1}
	}
	a, c := buildValue(o.a), o.c
	var f valueFn
	switch o.code {
	case opNeg:
		f = func(x, y float64) float64 { return -a.at(x, y) }
	case opSq:
		f = func(x, y float64) float64 { v := a.at(x, y); return v * v }
	case opAddC:
		f = func(x, y float64) float64 { return a.at(x, y) + c }
	case opRSubC:
		f = func(x, y float64) float64 { return c - a.at(x, y) }
	case opMulC:
		f = func(x, y float64) float64 { return c * a.at(x, y) }
	case opDivC:
		f = func(x, y float64) float64 { return a.at(x, y) / c }
	case opRDivC:
		f = func(x, y float64) float64 { return c / a.at(x, y) }
	case opPowC:
		f = func(x, y float64) float64 { return math.Pow(a.at(x, y), c) }
	case opCPow:
		f = func(x, y float64) float64 { return math.Pow(c, a.at(x, y)) }
	case opMinC:
		f = func(x, y float64) float64 { return minOf(a.at(x, y), c) }
	case opMaxC:
		f = func(x, y float64) float64 { return maxOf(a.at(x, y), c) }
	case opAdd, opSub, opMul, opDiv, opPow, opMin, opMax:
		b := buildValue(o.b)
		switch o.code {
		case opAdd:
			f = func(x, y float64) float64 { return a.at(x, y) + b.at(x, y) }
		case opSub:
			f = func(x, y float64) float64 { return a.at(x, y) - b.at(x, y) }
		case opMul:
			f = func(x, y float64) float64 { return a.at(x, y) * b.at(x, y) }
		case opDiv:
			f = func(x, y float64) float64 { return a.at(x, y) / b.at(x, y) }
		default:
			code := o.code
			f = func(x, y float64) float64 { return apply2(code, a.at(x, y), b.at(x, y)) }
		}
	default:
		g := mathFuncs[o.code-opSin]
		f = func(x, y float64) float64 { return g(a.at(x, y)) }
	}
	return vArg{f: f}
}

func buildHess(o *op) hArg {
	if o.isVar() {
		if o.c == 1 {
			return hArg{func(x, y float64) hyper { return hyper{v: y, dy: 1} }}
		}
		return hArg{func(x, y float64) hyper { return hyper{v: x, dx: 1} }}
	}
	a, c, code := buildHess(o.a), o.c, o.code
	var f hessFn
	switch code {
	case opNeg:
		f = func(x, y float64) hyper {
			p := a.at(x, y)
			return hyper{-p.v, -p.dx, -p.dy, -p.xx, -p.xy, -p.yy}
		}
	case opAddC:
		f = func(x, y float64) hyper { p := a.at(x, y); p.v += c; return p }
	case opRSubC:
		f = func(x, y float64) hyper {
			p := a.at(x, y)
			return hyper{c - p.v, -p.dx, -p.dy, -p.xx, -p.xy, -p.yy}
		}
	case opMulC:
		f = func(x, y float64) hyper {
			p := a.at(x, y)
			return hyper{c * p.v, c * p.dx, c * p.dy, c * p.xx, c * p.xy, c * p.yy}
		}
	case opMinC, opMaxC, opMinCL, opMaxCL:
		f = func(x, y float64) hyper {
			p := a.at(x, y)
			first, nan := pickFirst(code, p.v, c)
			switch {
			case nan:
				n := math.NaN()
				return hyper{n, n, n, n, n, n}
			case first:
				return p
			}
			return hyper{v: c}
		}
	case opAdd, opSub, opMul, opDiv, opPow, opMin, opMax, opMinL, opMaxL:
		b := buildHess(o.b)
		switch code {
		case opAdd:
			f = func(x, y float64) hyper {
				p, q := a.at(x, y), b.at(x, y)
				return hyper{p.v + q.v, p.dx + q.dx, p.dy + q.dy, p.xx + q.xx, p.xy + q.xy, p.yy + q.yy}
			}
		case opSub:
			f = func(x, y float64) hyper {
				p, q := a.at(x, y), b.at(x, y)
				return hyper{p.v - q.v, p.dx - q.dx, p.dy - q.dy, p.xx - q.xx, p.xy - q.xy, p.yy - q.yy}
			}
		case opMin, opMax, opMinL, opMaxL:
			f = func(x, y float64) hyper {
				p, q := a.at(x, y), b.at(x, y)
				first, nan := pickFirst(code, p.v, q.v)
				switch {
				case nan:
					n := math.NaN()
					return hyper{n, n, n, n, n, n}
				case first:
					return p
				}
				return q
			}
		default: // mul, div, pow
			f = func(x, y float64) hyper {
				p, q := a.at(x, y), b.at(x, y)
				var v float64
				if code == opMul {
					v = p.v * q.v
				} else {
					v = apply2(code, p.v, q.v)
				}
				fa, fb, faa, fab, fbb := derivs2(code, p.v, q.v, v)
				return chain2(v, fa, fb, faa, fab, fbb, &p, &q)
			}
		}
	default: // sq, one-argument functions and the remaining constant forms
		f = func(x, y float64) hyper {
			p := a.at(x, y)
			v := apply1(code, p.v, c)
			d1, d2 := derivs1(code, p.v, c, v)
			return hyper{
				v:  v,
				dx: mulz(d1, p.dx),
				dy: mulz(d1, p.dy),
				xx: mulz(d1, p.xx) + mulz(d2, p.dx*p.dx),
				xy: mulz(d1, p.xy) + mulz(d2, p.dx*p.dy),
				yy: mulz(d1, p.yy) + mulz(d2, p.dy*p.dy),
			}
		}
	}
	return hArg{f: f}
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
