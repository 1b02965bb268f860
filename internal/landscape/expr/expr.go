// Package expr parses typed expressions in x and y (the grammar of API.md)
// into a tree and evaluates them with exact first and second derivatives.
//
// The tree is never evaluated directly: Parse folds constants and compiles it
// into a short list of register-machine instructions. Value runs them on
// float64 registers, Grad on (value, ∂x, ∂y) registers and Hess on registers
// that also carry the three second derivatives, i.e. forward-mode automatic
// differentiation truncated at second order. The registers live on the
// caller's stack, so a *Func allocates nothing when evaluated and is safe for
// concurrent use.
package expr

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Limits on what Parse accepts, so a pasted monster cannot stall the server.
const (
	MaxLen   = 1000 // characters of source
	MaxDepth = 64   // nested parentheses, signs and powers
	MaxNodes = 500  // numbers, names and operators
)

// Error is a syntax or name error at a character offset of the source.
type Error struct {
	Offset int    // 0-based character (rune) offset of the offending token
	Msg    string // what is wrong, e.g. "unknown function 'sni'"
	Hint   string // optional way out, e.g. "did you mean 'sin'?"
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s at %d", e.Msg, e.Offset)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Func is a parsed expression f(x, y). It satisfies landscape.Objective and
// landscape.Hessianer. It is immutable and safe for concurrent use.
type Func struct {
	root         *node
	prog         program
	usesX, usesY bool
}

// Parse parses src. A mistake in src is reported as an *Error.
func Parse(src string) (*Func, error) {
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	prog, err := compile(root)
	if err != nil {
		return nil, err
	}
	f := &Func{root: root, prog: prog}
	root.walk(func(n *node) {
		switch n.kind {
		case kX:
			f.usesX = true
		case kY:
			f.usesY = true
		}
	})
	return f, nil
}

// Dim is 2: f takes the point (x, y).
func (f *Func) Dim() int { return 2 }

// String returns the expression in canonical form: spaces around + and -,
// none around * / ^, and only the parentheses the grammar needs. Parsing it
// again gives the same function.
func (f *Func) String() string { return f.root.String() }

// Vars reports which of the variables x and y the expression mentions.
func (f *Func) Vars() (x, y bool) { return f.usesX, f.usesY }

// Value returns f(x[0], x[1]).
func (f *Func) Value(x []float64) float64 {
	checkPoint(x)
	p := &f.prog
	if p.isConst {
		return p.c
	}
	var r [maxRegs]float64
	r[0], r[1] = x[0], x[1]
	p.value(&r)
	return r[p.out]
}

// Grad writes ∇f(x) into g (len 2) and returns f(x).
func (f *Func) Grad(g, x []float64) float64 {
	checkPoint(x)
	if len(g) != 2 {
		panic("expr: gradient destination must have length 2")
	}
	p := &f.prog
	if p.isConst {
		g[0], g[1] = 0, 0
		return p.c
	}
	var r [maxRegs]dual
	r[0] = dual{v: x[0], dx: 1}
	r[1] = dual{v: x[1], dy: 1}
	p.grad(&r)
	z := r[p.out]
	g[0], g[1] = z.dx, z.dy
	return z.v
}

// Hess writes ∇²f(x) into dst, which must be 2×2.
func (f *Func) Hess(dst *mat.SymDense, x []float64) {
	f.hessAt(dst, x)
}

// hessAt is Hess that also returns the value and gradient (for tests).
func (f *Func) hessAt(dst *mat.SymDense, x []float64) hyper {
	checkPoint(x)
	if dst.SymmetricDim() != 2 {
		panic("expr: Hessian destination must be 2×2")
	}
	p := &f.prog
	var z hyper
	if p.isConst {
		z.v = p.c
	} else {
		var r [maxRegs]hyper
		r[0] = hyper{v: x[0], dx: 1}
		r[1] = hyper{v: x[1], dy: 1}
		p.hess(&r)
		z = r[p.out]
	}
	dst.SetSym(0, 0, z.xx)
	dst.SetSym(0, 1, z.xy)
	dst.SetSym(1, 1, z.yy)
	return z
}

func checkPoint(x []float64) {
	if len(x) != 2 {
		panic("expr: point must have length 2")
	}
}
