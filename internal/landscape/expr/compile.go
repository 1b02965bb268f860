package expr

import "fmt"

// opcode is an operation of the lowered tree. Constant operands are folded
// into the operation (x+2 is one addC with c = 2), so no node ever computes
// something that does not depend on x or y.
type opcode uint8

const (
	opVar   opcode = iota // the variable x (c = 0) or y (c = 1)
	opNeg                 // -a
	opSq                  // a*a
	opAddC                // a + c
	opRSubC               // c - a
	opMulC                // c * a
	opDivC                // a / c
	opRDivC               // c / a
	opPowC                // a^c
	opCPow                // c^a
	opMinC                // min(a, c)
	opMaxC                // max(a, c)
	opAdd                 // a + b
	opSub                 // a - b
	opMul                 // a * b
	opDiv                 // a / b
	opPow                 // a^b
	opMin                 // min(a, b)
	opMax                 // max(a, b)
	// One-argument functions of a, in the order of fn.
	opSin
	opCos
	opTan
	opExp
	opLog
	opSqrt
	opAbs
	opTanh
	opSigmoid
	opSoftplus
	// The left-sided forms of the non-smooth operations, only in the
	// mirrored tree (mirror): at a kink abs' is −1 and a tie of min or max
	// takes the second operand.
	opAbsL
	opMinCL
	opMaxCL
	opMinL
	opMaxL
)

// mirror returns a copy of o with every non-smooth operation in its
// left-sided form, and whether o has any (if not, the copy is o itself).
//
// At a kink (abs at 0, a tie of min or max) a derivative has two one-sided
// values. The gradient and Hessian trees are built once from o (abs' = +1,
// the first operand of a tie) and once from its mirror (abs' = −1, the
// second operand), and Func reports the mean of the two: where they agree
// (everywhere but at kinks, and at kinks the composition smooths, as
// |x|² at 0) that is the derivative; at a kink it is the mean of the
// one-sided derivatives, a subgradient (0 for |x| at 0, ½ for max(x, 0)),
// and where they are infinite with opposite signs (|x|^0.5 at 0) it is NaN:
// the derivative is not finite there, and the API says so.
func mirror(o *op) (*op, bool) {
	if o == nil || o.isVar() {
		return o, false
	}
	a, ka := mirror(o.a)
	b, kb := mirror(o.b)
	code, kink := o.code, ka || kb
	if l, ok := leftOf[code]; ok {
		code, kink = l, true
	}
	if !kink {
		return o, false
	}
	return &op{code: code, a: a, b: b, c: o.c}, true
}

var leftOf = map[opcode]opcode{opAbs: opAbsL, opMinC: opMinCL, opMaxC: opMaxCL, opMin: opMinL, opMax: opMaxL}

// op is a node of the lowered tree that the evaluators are built from.
type op struct {
	code opcode
	a, b *op
	c    float64
}

func (o *op) isVar() bool { return o.code == opVar }

// lower folds constant subtrees of n and picks the constant forms of
// operators. It returns (nil, value) when all of n is constant.
func lower(n *node) (*op, float64) {
	markConst(n)
	return lowerNode(n)
}

// markConst marks the subtrees without variables.
func markConst(n *node) {
	switch n.kind {
	case kNum:
		n.konst = true
		return
	case kX, kY:
		n.konst = false
		return
	}
	markConst(n.a)
	n.konst = n.a.konst
	if n.b != nil {
		markConst(n.b)
		n.konst = n.konst && n.b.konst
	}
}

func lowerNode(n *node) (*op, float64) {
	if n.konst {
		return nil, fold(n)
	}
	switch n.kind {
	case kX:
		return &op{code: opVar, c: 0}, 0
	case kY:
		return &op{code: opVar, c: 1}, 0
	case kNeg:
		a, _ := lowerNode(n.a)
		return &op{code: opNeg, a: a}, 0
	case kCall:
		if n.b == nil {
			a, _ := lowerNode(n.a)
			return &op{code: opSin + opcode(n.fn), a: a}, 0
		}
	}
	// A binary operator or min/max.
	l, r := n.a, n.b
	switch {
	case l.konst:
		k := fold(l)
		a, _ := lowerNode(r)
		code := map[kind]opcode{kAdd: opAddC, kSub: opRSubC, kMul: opMulC, kDiv: opRDivC, kPow: opCPow}[n.kind]
		if n.kind == kCall {
			code = map[fn]opcode{fMin: opMinC, fMax: opMaxC}[n.fn]
		}
		return &op{code: code, a: a, c: k}, 0
	case r.konst:
		a, _ := lowerNode(l)
		k := fold(r)
		code := map[kind]opcode{kAdd: opAddC, kSub: opAddC, kMul: opMulC, kDiv: opDivC, kPow: opPowC}[n.kind]
		switch {
		case n.kind == kSub:
			k = -k // a-k is a+(-k) exactly in IEEE 754
		case n.kind == kPow && k == 2:
			code = opSq
		case n.kind == kCall:
			code = map[fn]opcode{fMin: opMinC, fMax: opMaxC}[n.fn]
		}
		return &op{code: code, a: a, c: k}, 0
	}
	a, _ := lowerNode(l)
	b, _ := lowerNode(r)
	var code opcode
	switch n.kind {
	case kAdd:
		code = opAdd
	case kSub:
		code = opSub
	case kMul:
		code = opMul
	case kDiv:
		code = opDiv
	case kPow:
		code = opPow
	case kCall:
		code = opMin
		if n.fn == fMax {
			code = opMax
		}
	default:
		panic(fmt.Sprintf("expr: cannot lower node kind %d", n.kind))
	}
	return &op{code: code, a: a, b: b}, 0
}

// fold evaluates a constant subtree with the evaluators' own arithmetic.
func fold(n *node) float64 {
	switch n.kind {
	case kNum:
		return n.val
	case kNeg:
		return -fold(n.a)
	case kAdd:
		return fold(n.a) + fold(n.b)
	case kSub:
		return fold(n.a) - fold(n.b)
	case kMul:
		return fold(n.a) * fold(n.b)
	case kDiv:
		return fold(n.a) / fold(n.b)
	case kPow:
		return apply2(opPow, fold(n.a), fold(n.b))
	case kCall:
		if n.b == nil {
			return apply1(opSin+opcode(n.fn), fold(n.a), 0)
		}
		code := opMin
		if n.fn == fMax {
			code = opMax
		}
		return apply2(code, fold(n.a), fold(n.b))
	}
	panic(fmt.Sprintf("expr: cannot fold node kind %d", n.kind))
}
