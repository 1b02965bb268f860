// Package expr parses typed expressions in x and y (the grammar of API.md)
// into a tree and evaluates them with exact first and second derivatives.
//
// The tree is never evaluated directly: Parse folds its constants and builds
// three trees of closures from it. Value's compute numbers, Grad's compute
// (value, ∂x, ∂y) and Hess's also carry the three second derivatives: that is
// forward-mode automatic differentiation truncated at second order. Results
// travel in registers, so evaluating a *Func allocates nothing, and the
// closures capture only immutable values, so a *Func is safe for concurrent
// use.
//
// Non-smooth functions (abs, min, max) are differentiated honestly at their
// kinks: the derivatives reported there are the mean of the one-sided ones
// (see mirror): a subgradient where both are finite (0 for |x| at 0, ½
// for max(x, 0) at 0), the true derivative where the composition is smooth
// (|x|² has second derivative 2 at 0), and not finite where a one-sided
// derivative is infinite (|x|^0.5 at 0: the gradient is NaN; |x|^1.5 at
// 0: the gradient is 0 and the Hessian +Inf), so callers refuse the point
// as they refuse x^1.5 at 0.
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
	usesX, usesY bool

	isConst bool    // the whole expression folded to c
	c       float64 // its value
	val     vArg
	grad    gArg
	hess    hArg
	// The left-sided trees (mirror), when the expression has kinks.
	kinks bool
	gradL gArg
	hessL hArg
}

// Parse parses src. A mistake in src is reported as an *Error.
func Parse(src string) (*Func, error) {
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	f := &Func{root: root}
	root.walk(func(n *node) {
		switch n.kind {
		case kX:
			f.usesX = true
		case kY:
			f.usesY = true
		}
	})
	o, c := lower(root)
	if o == nil {
		f.isConst, f.c = true, c
		return f, nil
	}
	f.val, f.grad, f.hess = buildValue(o), buildGrad(o), buildHess(o)
	if l, ok := mirror(o); ok {
		f.kinks, f.gradL, f.hessL = true, buildGrad(l), buildHess(l)
	}
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
	if f.isConst {
		return f.c
	}
	return f.val.at(x[0], x[1])
}

// Grad writes ∇f(x) into g (len 2) and returns f(x).
func (f *Func) Grad(g, x []float64) float64 {
	checkPoint(x)
	if len(g) != 2 {
		panic("expr: gradient destination must have length 2")
	}
	if f.isConst {
		g[0], g[1] = 0, 0
		return f.c
	}
	z := f.grad.f(x[0], x[1])
	if f.kinks {
		l := f.gradL.f(x[0], x[1])
		z.dx, z.dy = mean(z.dx, l.dx), mean(z.dy, l.dy)
	}
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
	z := hyper{v: f.c}
	if !f.isConst {
		z = f.hess.at(x[0], x[1])
	}
	if f.kinks {
		l := f.hessL.at(x[0], x[1])
		z.dx, z.dy = mean(z.dx, l.dx), mean(z.dy, l.dy)
		z.xx, z.xy, z.yy = mean(z.xx, l.xx), mean(z.xy, l.xy), mean(z.yy, l.yy)
	}
	dst.SetSym(0, 0, z.xx)
	dst.SetSym(0, 1, z.xy)
	dst.SetSym(1, 1, z.yy)
	return z
}

// mean is the mean of a kink's one-sided derivatives (mirror): a itself
// when they agree, NaN for +Inf and −Inf, and no overflow for huge ones.
func mean(a, b float64) float64 {
	if a == b {
		return a
	}
	return a/2 + b/2
}

func checkPoint(x []float64) {
	if len(x) != 2 {
		panic("expr: point must have length 2")
	}
}
