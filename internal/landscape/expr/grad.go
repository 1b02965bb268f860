package expr

import "math"

// The gradient tree computes (value, ∂x, ∂y). It is the hot path (an
// optimizer calls Grad once per step, and the server steps many optimizers),
// and most of its time goes into calls, not arithmetic. So besides a closure
// per operation, as Value and Hess have, it fuses the shapes that loss
// landscapes are written in into fewer calls:
//
//   - a term, k·v + m or s·(k·v + m)² in one variable v, is computed inline
//     in its parent's body, with no call of its own;
//   - a sum p ± q (+ c) computes its terms inline;
//   - a scaled square s·a² computes a sum of two terms inline.
//
// Rosenbrock, (1-x)^2 + 100*(y-x^2)^2, is then two calls: the sum, whose
// first operand is a term, and the scaled square of the all-term sum y − x².
//
// A fused form repeats the value arithmetic of the operations it replaces,
// one rounding for each of theirs, so Grad's value is Value's to the bit;
// only the derivatives may round differently.

// term is k·v + m for the variable v (y when ofY, else x), or s·(k·v + m)²
// when sq. k·v + m is the arithmetic of the operation it stands for: v (as
// 1·v + 0), −v, v + c, c − v (as −v + c) or c·v (as c·v + 0, which differs
// only in the sign of a zero).
type term struct {
	ofY, sq bool
	k, m    float64
	s, s2k  float64 // for sq: the scale s and ∂/∂v's factor 2·s·k
}

// at is small enough to be inlined into the closures that use it.
func (t *term) at(x, y float64) dual {
	v := x
	if t.ofY {
		v = y
	}
	u := t.k*v + t.m
	d := t.k
	if t.sq {
		d = t.s2k * u
		u = t.s * (u * u)
	}
	// The other partial is exactly 0, even where d is infinite.
	if t.ofY {
		return dual{u, 0, d}
	}
	return dual{u, d, 0}
}

// neg returns the term for −t. Negation is exact and IEEE rounding is
// symmetric, so −(k·v + m) = (−k)·v + (−m) and −(s·w) = (−s)·w to the bit.
func (t term) neg() term {
	if t.sq {
		t.s, t.s2k = -t.s, -t.s2k
	} else {
		t.k, t.m = -t.k, -t.m
	}
	return t
}

// gArg is a compiled operand of the gradient tree. f computes it always;
// when inline it is also the term t, which a parent computes in its own
// body instead of calling f, and when sum is set f is that sum of two
// terms, which a parent square computes in its own body.
type gArg struct {
	f      gradFn
	inline bool
	t      term
	sum    *sumOfTerms
	sqs    *squareOfSum
}

type squareOfSum struct {
	s   float64
	sum *sumOfTerms
}

func (q *squareOfSum) at(x, y float64) dual {
	return sqScaled(q.s, q.sum.add(q.sum.p.at(x, y), q.sum.q.at(x, y)))
}

// sumOfTerms is p + q, plus c when hasC.
type sumOfTerms struct {
	p, q term
	c    float64
	hasC bool
}

// add and sub are p ± q (+ c) on computed operands, in the order of the
// source: (p ± q) + c.
func (s *sumOfTerms) add(p, q dual) dual {
	d := dual{p.v + q.v, p.dx + q.dx, p.dy + q.dy}
	if s.hasC {
		d.v += s.c
	}
	return d
}

func (s *sumOfTerms) sub(p, q dual) dual {
	d := dual{p.v - q.v, p.dx - q.dx, p.dy - q.dy}
	if s.hasC {
		d.v += s.c
	}
	return d
}

// sqScaled is s·p² with its gradient 2·s·p·∇p. mulz keeps a partial that p
// does not depend on at 0 where p is infinite. s = 1 changes no bit of p².
func sqScaled(s float64, p dual) dual {
	g := 2 * s * p.v
	return dual{s * (p.v * p.v), mulz(g, p.dx), mulz(g, p.dy)}
}

func mulD(p, q dual) dual {
	return dual{p.v * q.v, mulz(q.v, p.dx) + mulz(p.v, q.dx), mulz(q.v, p.dy) + mulz(p.v, q.dy)}
}

func inlineArg(t term) gArg {
	return gArg{f: func(x, y float64) dual { return t.at(x, y) }, inline: true, t: t}
}

// linOf recognises k·v + m: the variable v alone or under one −, +c, c− or c·.
func linOf(o *op) (term, bool) {
	v := o
	if !o.isVar() {
		v = o.a
	}
	if !v.isVar() {
		return term{}, false
	}
	t := term{ofY: v.c == 1, k: 1}
	switch o.code {
	case opVar:
	case opNeg:
		t.k = -1
	case opAddC:
		t.m = o.c
	case opRSubC:
		t.k, t.m = -1, o.c
	case opMulC:
		t.k = o.c
	default:
		return term{}, false
	}
	return t, true
}

// squareOf recognises s·a²: a² under any number of negations and at most
// one constant factor. More factors would round differently when merged;
// negations are exact and commute with rounding.
func squareOf(o *op) (s float64, a *op, ok bool) {
	s, scaled := 1.0, false
	for {
		switch {
		case o.code == opNeg:
			s = -s
		case o.code == opMulC && !scaled:
			s, scaled = s*o.c, true
		case o.code == opSq:
			return s, o.a, true
		default:
			return 0, nil, false
		}
		o = o.a
	}
}

// termOf recognises the shapes that a term computes.
func termOf(o *op) (term, bool) {
	if t, ok := linOf(o); ok {
		return t, true
	}
	if s, a, ok := squareOf(o); ok {
		if t, ok := linOf(a); ok {
			t.sq, t.s, t.s2k = true, s, 2*s*t.k
			return t, true
		}
	}
	return term{}, false
}

func buildGrad(o *op) gArg {
	if t, ok := termOf(o); ok {
		return inlineArg(t)
	}
	if s, a, ok := squareOf(o); ok {
		return buildSquare(s, buildGrad(a))
	}
	switch o.code {
	case opAdd, opSub:
		return buildSum(o.a, o.b, o.code == opSub, 0, false)
	case opAddC:
		if o.a.code == opAdd || o.a.code == opSub {
			return buildSum(o.a.a, o.a.b, o.a.code == opSub, o.c, true)
		}
	}
	return buildOp(o)
}

// buildSquare fuses s·a²: the square and its constant factor in one call,
// and a sum of terms inside it computed in the same body (so 100*(y-x^2)^2
// is one call).
func buildSquare(s float64, a gArg) gArg {
	var f gradFn
	switch {
	case a.sum != nil:
		sum := a.sum
		f = func(x, y float64) dual { return sqScaled(s, sum.add(sum.p.at(x, y), sum.q.at(x, y))) }
		return gArg{f: f, sqs: &squareOfSum{s, sum}}
	case a.inline:
		f = func(x, y float64) dual { return sqScaled(s, a.t.at(x, y)) }
	default:
		f = func(x, y float64) dual { return sqScaled(s, a.f(x, y)) }
	}
	return gArg{f: f}
}

// buildSum fuses p ± q (+ c) into one call that computes the terms among
// its operands inline, and adds a constant after it without another call.
// A subtracted term is added negated (exactly the same arithmetic).
func buildSum(po, qo *op, minus bool, c float64, hasC bool) gArg {
	p, q := buildGrad(po), buildGrad(qo)
	if minus && q.inline {
		q.t, minus = q.t.neg(), false
	}
	s := &sumOfTerms{p: p.t, q: q.t, c: c, hasC: hasC}
	var f gradFn
	switch {
	case p.inline && q.inline:
		f = func(x, y float64) dual { return s.add(s.p.at(x, y), s.q.at(x, y)) }
		return gArg{f: f, sum: s}
	case p.inline && q.sqs != nil && !minus:
		qs := q.sqs
		f = func(x, y float64) dual {
			return s.add(s.p.at(x, y), sqScaled(qs.s, qs.sum.add(qs.sum.p.at(x, y), qs.sum.q.at(x, y))))
		}
	case p.inline && minus:
		f = func(x, y float64) dual { return s.sub(s.p.at(x, y), q.f(x, y)) }
	case p.inline:
		f = func(x, y float64) dual { return s.add(s.p.at(x, y), q.f(x, y)) }
	case q.inline:
		f = func(x, y float64) dual { return s.add(p.f(x, y), s.q.at(x, y)) }
	case minus:
		f = func(x, y float64) dual { return s.sub(p.f(x, y), q.f(x, y)) }
	default:
		f = func(x, y float64) dual { return s.add(p.f(x, y), q.f(x, y)) }
	}
	return gArg{f: f}
}

// buildOp is a closure for one operation whose operands are calls (a
// product computes term operands inline).
func buildOp(o *op) gArg {
	a, c, code := buildGrad(o.a), o.c, o.code
	var f gradFn
	switch code {
	case opNeg:
		f = func(x, y float64) dual { p := a.f(x, y); return dual{-p.v, -p.dx, -p.dy} }
	case opAddC:
		f = func(x, y float64) dual { p := a.f(x, y); return dual{p.v + c, p.dx, p.dy} }
	case opRSubC:
		f = func(x, y float64) dual { p := a.f(x, y); return dual{c - p.v, -p.dx, -p.dy} }
	case opMulC:
		f = func(x, y float64) dual { p := a.f(x, y); return dual{c * p.v, c * p.dx, c * p.dy} }
	case opMinC, opMaxC:
		f = func(x, y float64) dual {
			p := a.f(x, y)
			first, nan := pickFirst(code, p.v, c)
			switch {
			case nan:
				return dual{math.NaN(), math.NaN(), math.NaN()}
			case first:
				return p
			}
			return dual{v: c}
		}
	case opMul:
		b := buildGrad(o.b)
		switch {
		case a.inline && b.inline:
			f = func(x, y float64) dual { return mulD(a.t.at(x, y), b.t.at(x, y)) }
		case a.inline:
			f = func(x, y float64) dual { return mulD(a.t.at(x, y), b.f(x, y)) }
		case b.inline:
			f = func(x, y float64) dual { return mulD(a.f(x, y), b.t.at(x, y)) }
		default:
			f = func(x, y float64) dual { return mulD(a.f(x, y), b.f(x, y)) }
		}
	case opMin, opMax:
		b := buildGrad(o.b)
		f = func(x, y float64) dual {
			p, q := a.f(x, y), b.f(x, y)
			first, nan := pickFirst(code, p.v, q.v)
			switch {
			case nan:
				return dual{math.NaN(), math.NaN(), math.NaN()}
			case first:
				return p
			}
			return q
		}
	case opDiv, opPow:
		b := buildGrad(o.b)
		f = func(x, y float64) dual {
			p, q := a.f(x, y), b.f(x, y)
			v := apply2(code, p.v, q.v)
			fa, fb, _, _, _ := derivs2(code, p.v, q.v, v)
			return dual{v, mulz(fa, p.dx) + mulz(fb, q.dx), mulz(fa, p.dy) + mulz(fb, q.dy)}
		}
	default: // one-argument functions and the remaining constant forms
		f = func(x, y float64) dual {
			p := a.f(x, y)
			v := apply1(code, p.v, c)
			d1, _ := derivs1(code, p.v, c, v)
			return dual{v, mulz(d1, p.dx), mulz(d1, p.dy)}
		}
	}
	return gArg{f: f}
}
