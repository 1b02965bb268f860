package expr

import "math"

// The gradient tree computes (value, ∂x, ∂y). It is the hot path (an
// optimizer calls Grad once per step, and the server steps many optimizers
// at once) and its time goes into calls, not arithmetic: Go cannot inline
// through a closure, and every call spills the registers. So besides a
// closure per operation, as Value and Hess have, it fuses the shapes that
// loss landscapes are written in, computing them inline in the body of the
// closure that uses them:
//
//   - a term, k·v + m or s·(k·v + m)² in one variable v;
//   - a squared sum, s·(p ± q + c)² of two terms p and q;
//   - a sum p ± q + c of any two operands, with terms and squared sums inline.
//
// Rosenbrock, (1-x)^2 + 100*(y-x^2)^2, is then one call: a sum of a term
// and a squared sum. The fused forms are written out as straight-line code
// (a loop over a list of pieces was slower than two calls).
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

// squaredSum is s·(p + q + c)², c only when hasC: the residual-squared
// shape of least-squares landscapes, like 100·(y − x²)² or (x² + y − 11)².
type squaredSum struct {
	p, q term
	s, c float64
	hasC bool
}

// of is the squared sum, given its terms' values (inlinable: its callers
// compute the terms inline too). s = 1 changes no bit of the square.
func (a *squaredSum) of(p, q dual) dual {
	u := p.v + q.v
	if a.hasC {
		u += a.c
	}
	g := 2 * a.s * u
	return dual{a.s * (u * u), mulz(g, p.dx+q.dx), mulz(g, p.dy+q.dy)}
}

// sqScaled is s·p² with its gradient 2·s·p·∇p. mulz keeps a partial that p
// does not depend on at 0 where p is infinite.
func sqScaled(s float64, p dual) dual {
	g := 2 * s * p.v
	return dual{s * (p.v * p.v), mulz(g, p.dx), mulz(g, p.dy)}
}

func mulD(p, q dual) dual {
	return dual{p.v * q.v, mulz(q.v, p.dx) + mulz(p.v, q.dx), mulz(q.v, p.dy) + mulz(p.v, q.dy)}
}

// argKind says how a parent can compute an operand: by calling it, or
// inline in its own body.
type argKind uint8

const (
	aCall   argKind = iota
	aTerm           // the term t
	aSquare         // the squared sum sq
)

// gArg is a compiled operand of the gradient tree. f computes it, whatever
// its kind; parents that know the kind compute it inline instead.
type gArg struct {
	f    gradFn
	kind argKind
	t    term
	sq   *squaredSum
}

// neg returns the operand for −a when that is inline, exactly (see
// term.neg; −(s·w) = (−s)·w).
func (a gArg) neg() (gArg, bool) {
	switch a.kind {
	case aTerm:
		return termArg(a.t.neg()), true
	case aSquare:
		sq := *a.sq
		sq.s = -sq.s
		return squareArg(&sq), true
	}
	return a, false
}

func termArg(t term) gArg {
	return gArg{f: func(x, y float64) dual { return t.at(x, y) }, kind: aTerm, t: t}
}

func squareArg(sq *squaredSum) gArg {
	f := func(x, y float64) dual { return sq.of(sq.p.at(x, y), sq.q.at(x, y)) }
	return gArg{f: f, kind: aSquare, sq: sq}
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

// sumShape is p ± q + c (c only when hasC): an addition or subtraction,
// with at most one constant added after it.
type sumShape struct {
	p, q        *op
	minus, hasC bool
	c           float64
}

func sumOf(o *op) (sumShape, bool) {
	var sh sumShape
	if o.code == opAddC {
		sh.c, sh.hasC = o.c, true
		o = o.a
	}
	if o.code != opAdd && o.code != opSub {
		return sumShape{}, false
	}
	sh.p, sh.q, sh.minus = o.a, o.b, o.code == opSub
	return sh, true
}

func buildGrad(o *op) gArg {
	if t, ok := termOf(o); ok {
		return termArg(t)
	}
	if s, a, ok := squareOf(o); ok {
		return buildSquare(s, a)
	}
	if sh, ok := sumOf(o); ok {
		return buildSum(sh)
	}
	return buildOp(o)
}

// buildSquare fuses s·a², the square and its constant factor, into one
// call, and a sum of two terms inside it into the same call.
func buildSquare(s float64, ao *op) gArg {
	if sh, ok := sumOf(ao); ok {
		p, okp := termOf(sh.p)
		q, okq := termOf(sh.q)
		if okp && okq {
			if sh.minus {
				q = q.neg()
			}
			return squareArg(&squaredSum{p: p, q: q, s: s, c: sh.c, hasC: sh.hasC})
		}
	}
	a := buildGrad(ao)
	if a.kind == aTerm {
		return gArg{f: func(x, y float64) dual { return sqScaled(s, a.t.at(x, y)) }}
	}
	return gArg{f: func(x, y float64) dual { return sqScaled(s, a.f(x, y)) }}
}

// sum is the arithmetic of a fused sum: p + σ·q + c, in that order. σ is
// the sign of a subtracted call (σ = ±1: p + (−1·q) is p − q to the bit);
// inline operands carry their own sign.
type sum struct {
	sigma, c float64
	hasC     bool
}

func (s *sum) add(p, q dual) dual {
	d := dual{p.v + q.v, p.dx + q.dx, p.dy + q.dy}
	if s.hasC {
		d.v += s.c
	}
	return d
}

func (s *sum) signed(q dual) dual { return dual{s.sigma * q.v, s.sigma * q.dx, s.sigma * q.dy} }

// buildSum fuses p ± q + c into one call that computes its inline operands
// in its own body. Addition is commutative in IEEE arithmetic, so the
// operands are put in the order term, squared sum, call, which leaves six
// cases to write out.
func buildSum(sh sumShape) gArg {
	p, q := buildGrad(sh.p), buildGrad(sh.q)
	s := &sum{sigma: 1, c: sh.c, hasC: sh.hasC}
	if sh.minus {
		var ok bool
		if q, ok = q.neg(); !ok {
			s.sigma = -1
		}
	}
	if p.kind == aCall && q.kind != aCall {
		p, q = q, p // σ stays 1: only a call is ever negated by σ
	}
	if p.kind == aSquare && q.kind == aTerm {
		p, q = q, p
	}
	// Fresh variables, never reassigned, are captured by value.
	pt, qt, P, Q, pf, qf := p.t, q.t, p.sq, q.sq, p.f, q.f
	var f gradFn
	switch {
	case p.kind == aTerm && q.kind == aTerm:
		f = func(x, y float64) dual { return s.add(pt.at(x, y), qt.at(x, y)) }
	case p.kind == aTerm && q.kind == aSquare:
		f = func(x, y float64) dual { return s.add(pt.at(x, y), Q.of(Q.p.at(x, y), Q.q.at(x, y))) }
	case p.kind == aSquare && q.kind == aSquare:
		f = func(x, y float64) dual {
			return s.add(P.of(P.p.at(x, y), P.q.at(x, y)), Q.of(Q.p.at(x, y), Q.q.at(x, y)))
		}
	case p.kind == aTerm:
		f = func(x, y float64) dual { return s.add(pt.at(x, y), s.signed(qf(x, y))) }
	case p.kind == aSquare:
		f = func(x, y float64) dual { return s.add(P.of(P.p.at(x, y), P.q.at(x, y)), s.signed(qf(x, y))) }
	default:
		f = func(x, y float64) dual { return s.add(pf(x, y), s.signed(qf(x, y))) }
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
	case opMinC, opMaxC, opMinCL, opMaxCL:
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
		case a.kind == aTerm && b.kind == aTerm:
			f = func(x, y float64) dual { return mulD(a.t.at(x, y), b.t.at(x, y)) }
		case a.kind == aTerm:
			f = func(x, y float64) dual { return mulD(a.t.at(x, y), b.f(x, y)) }
		case b.kind == aTerm:
			f = func(x, y float64) dual { return mulD(a.f(x, y), b.t.at(x, y)) }
		default:
			f = func(x, y float64) dual { return mulD(a.f(x, y), b.f(x, y)) }
		}
	case opMin, opMax, opMinL, opMaxL:
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
