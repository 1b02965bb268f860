package expr

import "fmt"

// opcode is one instruction of the register machine. Operand a is always a
// register; b is a register for binary ops; c is a constant folded into the
// instruction (x+2 is one addC, not a load and an add).
type opcode uint8

const (
	opNeg   opcode = iota // -a
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
)

type instr struct {
	op        opcode
	dst, a, b uint8
	c         float64
}

// Registers 0 and 1 hold x and y and are never overwritten. Sethi–Ullman
// ordering keeps the scratch registers a tree needs below log2(leaves)+1,
// about 10 for MaxNodes, so a fixed array of 16 fits every expression and
// lives on the caller's stack; indexing with &regMask removes bounds checks.
const (
	maxRegs = 16
	regMask = maxRegs - 1
)

type program struct {
	code    []instr
	out     uint8   // register holding the result
	isConst bool    // the whole expression folded to c
	c       float64 // its value
}

// operand is where a compiled subtree's value is: a register or a constant.
type operand struct {
	reg     uint8
	isConst bool
	c       float64
}

type compiler struct {
	code  []instr
	free  []uint8
	fresh uint8
}

func compile(root *node) (program, error) {
	annotate(root)
	c := &compiler{fresh: 2}
	res := c.emit(root)
	if int(c.fresh) > maxRegs {
		// Unreachable within MaxNodes; kept so registers can never alias.
		return program{}, &Error{Offset: 0, Msg: "expression is too complex", Hint: "simplify it"}
	}
	if res.isConst {
		return program{isConst: true, c: res.c}, nil
	}
	return program{code: c.code, out: res.reg}, nil
}

// annotate marks constant subtrees and computes each node's register need.
func annotate(n *node) {
	switch n.kind {
	case kNum:
		n.konst, n.need = true, 0
		return
	case kX, kY:
		n.konst, n.need = false, 0
		return
	}
	annotate(n.a)
	if n.b == nil {
		n.konst = n.a.konst
		n.need = 0
		if !n.konst {
			n.need = max(1, n.a.need)
		}
		return
	}
	annotate(n.b)
	l, r := n.a, n.b
	switch {
	case l.konst && r.konst:
		n.konst, n.need = true, 0
	case l.konst:
		n.need = max(1, r.need)
	case r.konst:
		n.need = max(1, l.need)
	case l.need == r.need:
		n.need = max(1, l.need+1)
	default:
		n.need = max(l.need, r.need)
	}
}

func (c *compiler) alloc() uint8 {
	if k := len(c.free); k > 0 {
		r := c.free[k-1]
		c.free = c.free[:k-1]
		return r
	}
	r := c.fresh
	c.fresh++
	return r
}

func (c *compiler) release(r uint8) {
	if r >= 2 {
		c.free = append(c.free, r)
	}
}

// dstFor picks the destination of an instruction reading src: src itself
// when it is scratch (its value is used only here), else a new register.
func (c *compiler) dstFor(src uint8) uint8 {
	if src >= 2 {
		return src
	}
	return c.alloc()
}

func (c *compiler) add(op opcode, a, b uint8, k float64) operand {
	dst := c.dstFor(a)
	c.code = append(c.code, instr{op: op, dst: dst, a: a, b: b, c: k})
	return operand{reg: dst}
}

func (c *compiler) emit(n *node) operand {
	if n.konst {
		return operand{isConst: true, c: fold(n)}
	}
	switch n.kind {
	case kX:
		return operand{reg: 0}
	case kY:
		return operand{reg: 1}
	case kNeg:
		return c.add(opNeg, c.emit(n.a).reg, 0, 0)
	case kCall:
		if n.b == nil {
			return c.add(opSin+opcode(n.fn), c.emit(n.a).reg, 0, 0)
		}
	}
	// A binary operator or min/max.
	l, r := n.a, n.b
	switch {
	case l.konst:
		k, a := fold(l), c.emit(r).reg
		switch n.kind {
		case kAdd:
			return c.add(opAddC, a, 0, k)
		case kSub:
			return c.add(opRSubC, a, 0, k)
		case kMul:
			return c.add(opMulC, a, 0, k)
		case kDiv:
			return c.add(opRDivC, a, 0, k)
		case kPow:
			return c.add(opCPow, a, 0, k)
		}
		if n.fn == fMin {
			return c.add(opMinC, a, 0, k)
		}
		return c.add(opMaxC, a, 0, k)
	case r.konst:
		a, k := c.emit(l).reg, fold(r)
		switch n.kind {
		case kAdd:
			return c.add(opAddC, a, 0, k)
		case kSub:
			return c.add(opAddC, a, 0, -k) // a-k is a+(-k) exactly in IEEE 754
		case kMul:
			return c.add(opMulC, a, 0, k)
		case kDiv:
			return c.add(opDivC, a, 0, k)
		case kPow:
			if k == 2 {
				return c.add(opSq, a, 0, 0)
			}
			return c.add(opPowC, a, 0, k)
		}
		if n.fn == fMin {
			return c.add(opMinC, a, 0, k)
		}
		return c.add(opMaxC, a, 0, k)
	}
	// Both operands vary: evaluate the hungrier one first.
	var a, b uint8
	if r.need > l.need {
		b = c.emit(r).reg
		a = c.emit(l).reg
	} else {
		a = c.emit(l).reg
		b = c.emit(r).reg
	}
	var op opcode
	switch n.kind {
	case kAdd:
		op = opAdd
	case kSub:
		op = opSub
	case kMul:
		op = opMul
	case kDiv:
		op = opDiv
	case kPow:
		op = opPow
	case kCall:
		op = opMin
		if n.fn == fMax {
			op = opMax
		}
	default:
		panic(fmt.Sprintf("expr: cannot compile node kind %d", n.kind))
	}
	dst := a
	if a < 2 {
		dst = b
		if b < 2 {
			dst = c.alloc()
		}
	} else {
		c.release(b)
	}
	c.code = append(c.code, instr{op: op, dst: dst, a: a, b: b})
	return operand{reg: dst}
}

// fold evaluates a constant subtree with the machine's own arithmetic, so a
// folded constant equals what the unfolded program would compute.
func fold(n *node) float64 {
	switch n.kind {
	case kNum:
		return n.val
	case kNeg:
		return apply1(opNeg, fold(n.a), 0)
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
		op := opMin
		if n.fn == fMax {
			op = opMax
		}
		return apply2(op, fold(n.a), fold(n.b))
	}
	panic(fmt.Sprintf("expr: cannot fold node kind %d", n.kind))
}
