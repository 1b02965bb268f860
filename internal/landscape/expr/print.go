package expr

import (
	"strconv"
	"strings"
)

// Binding strengths for printing; higher binds tighter.
const (
	precAdd = iota + 1
	precMul
	precNeg
	precPow
	precAtom
)

func (n *node) prec() int {
	switch n.kind {
	case kAdd, kSub:
		return precAdd
	case kMul, kDiv:
		return precMul
	case kNeg:
		return precNeg
	case kPow:
		return precPow
	}
	return precAtom
}

func (n *node) String() string {
	var sb strings.Builder
	n.print(&sb)
	return sb.String()
}

// print writes n with just the parentheses needed to parse back to the same
// tree (not merely an equal value: a+(b+c) keeps its parentheses, since
// floating-point addition is not associative).
func (n *node) print(sb *strings.Builder) {
	switch n.kind {
	case kNum:
		if n.name != "" {
			sb.WriteString(n.name)
		} else {
			sb.WriteString(strconv.FormatFloat(n.val, 'g', -1, 64))
		}
	case kX:
		sb.WriteByte('x')
	case kY:
		sb.WriteByte('y')
	case kNeg:
		sb.WriteByte('-')
		n.a.printIn(sb, n.a.prec() < precPow)
	case kAdd, kSub, kMul, kDiv:
		n.a.printIn(sb, n.a.prec() < n.prec())
		sb.WriteString([...]string{kAdd: " + ", kSub: " - ", kMul: "*", kDiv: "/"}[n.kind])
		n.b.printIn(sb, n.b.prec() <= n.prec())
	case kPow:
		// The base is a primary; the exponent may carry a sign.
		n.a.printIn(sb, n.a.prec() < precAtom)
		sb.WriteByte('^')
		n.b.printIn(sb, n.b.prec() < precNeg)
	case kCall:
		sb.WriteString(funcNames[n.fn])
		sb.WriteByte('(')
		n.a.print(sb)
		if n.b != nil {
			sb.WriteString(", ")
			n.b.print(sb)
		}
		sb.WriteByte(')')
	}
}

func (n *node) printIn(sb *strings.Builder, paren bool) {
	if paren {
		sb.WriteByte('(')
	}
	n.print(sb)
	if paren {
		sb.WriteByte(')')
	}
}
