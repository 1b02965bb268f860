package expr

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is the kind of a tree node.
type kind uint8

const (
	kNum kind = iota // a literal number, or pi or e (name says which)
	kX
	kY
	kNeg
	kAdd
	kSub
	kMul
	kDiv
	kPow
	kCall
)

// fn is a built-in function.
type fn uint8

const (
	fSin fn = iota
	fCos
	fTan
	fExp
	fLog
	fSqrt
	fAbs
	fTanh
	fSigmoid
	fSoftplus
	fMin
	fMax
	numFuncs
)

var funcNames = [numFuncs]string{"sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "softplus", "min", "max"}

func (f fn) arity() int {
	if f == fMin || f == fMax {
		return 2
	}
	return 1
}

func lookupFunc(name string) (fn, bool) {
	for i, s := range funcNames {
		if s == name {
			return fn(i), true
		}
	}
	return 0, false
}

// node is one node of the expression tree.
type node struct {
	kind kind
	fn   fn      // for kCall
	val  float64 // for kNum
	name string  // for kNum: "pi" or "e" when the source named the constant
	a, b *node   // operands (b only for binary operators and two-argument calls)

	konst bool // no variable below: folded to a number when compiled
	need  int  // scratch registers to evaluate it (Sethi–Ullman number)
}

func (n *node) walk(visit func(*node)) {
	visit(n)
	if n.a != nil {
		n.a.walk(visit)
	}
	if n.b != nil {
		n.b.walk(visit)
	}
}

// token kinds.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tOp // one of + - * / ^ ( ) ,
)

type token struct {
	kind tokKind
	text string
	pos  int // rune offset
	val  float64
}

// operandStart reports whether t can begin an operand; seeing one where an
// operator belongs means the user left the operator out.
func (t token) operandStart() bool {
	return t.kind == tNum || t.kind == tIdent || (t.kind == tOp && t.text == "(")
}

func (t token) is(op string) bool { return t.kind == tOp && t.text == op }

func (t token) describe() string {
	if t.kind == tEOF {
		return "the end"
	}
	return "'" + t.text + "'"
}

// bail carries an *Error up through the recursive descent to parse.
type bail struct{ err *Error }

func fail(pos int, hint, format string, args ...any) {
	panic(bail{&Error{Offset: pos, Msg: fmt.Sprintf(format, args...), Hint: hint}})
}

func lex(src []rune) []token {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case isDigit(c) || c == '.':
			start := i
			for i < len(src) && (isDigit(src[i]) || src[i] == '.') {
				i++
			}
			// An exponent only when digits follow, so that 2e reads as 2 e.
			if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
				j := i + 1
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
				if j < len(src) && isDigit(src[j]) {
					for j < len(src) && isDigit(src[j]) {
						j++
					}
					i = j
				}
			}
			text := string(src[start:i])
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					fail(start, "", "number '%s' is too large", text)
				}
				fail(start, "", "bad number '%s'", text)
			}
			toks = append(toks, token{kind: tNum, text: text, pos: start, val: v})
		case isLetter(c):
			start := i
			for i < len(src) && (isLetter(src[i]) || isDigit(src[i])) {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: string(src[start:i]), pos: start})
		case strings.ContainsRune("+-*/^(),", c):
			if c == '*' && i+1 < len(src) && src[i+1] == '*' {
				fail(i, "use ^ for powers, as in x^2", "unexpected '**'")
			}
			toks = append(toks, token{kind: tOp, text: string(c), pos: i})
			i++
		default:
			fail(i, charHint(c), "unexpected character %s", quoteRune(c))
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)})
}

func isDigit(c rune) bool  { return c >= '0' && c <= '9' }
func isLetter(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func quoteRune(c rune) string {
	if unicode.IsPrint(c) {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("%U", c)
}

// charHint suggests the ASCII spelling of look-alike characters.
func charHint(c rune) string {
	switch c {
	case '²', '³':
		return "use ^ for powers, as in x^2"
	case '×', '·', '⋅', '∗':
		return "use * to multiply"
	case '−', '–':
		return "use the ASCII minus sign -"
	case '÷':
		return "use / to divide"
	case 'π':
		return "write pi"
	case '[', '{':
		return "use ( ) for grouping"
	}
	return ""
}

type parser struct {
	toks  []token
	i     int
	depth int
	nodes int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) newNode(at token, n node) *node {
	p.nodes++
	if p.nodes > MaxNodes {
		fail(at.pos, "simplify it", "expression is too large (more than %d numbers, names and operators)", MaxNodes)
	}
	return &n
}

// parse turns src into a tree, or reports the first mistake.
func parse(src string) (root *node, err error) {
	if !utf8.ValidString(src) {
		return nil, &Error{Offset: 0, Msg: "expression is not valid UTF-8 text"}
	}
	runes := []rune(src)
	if len(runes) > MaxLen {
		return nil, &Error{Offset: MaxLen, Msg: fmt.Sprintf("expression is too long (%d characters, at most %d)", len(runes), MaxLen)}
	}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			root, err = nil, b.err
		}
	}()
	p := &parser{toks: lex(runes)}
	if p.peek().kind == tEOF {
		fail(0, "type a function of x and y, such as x^2 + y^2", "empty expression")
	}
	root = p.expr()
	if t := p.peek(); t.kind != tEOF {
		p.unexpected()
	}
	return root, nil
}

// expr := term (('+' | '-') term)*
func (p *parser) expr() *node {
	n := p.term()
	for {
		t := p.peek()
		if !t.is("+") && !t.is("-") {
			return n
		}
		p.next()
		r := p.term()
		k := kAdd
		if t.text == "-" {
			k = kSub
		}
		n = p.newNode(t, node{kind: k, a: n, b: r})
	}
}

// term := unary (('*' | '/') unary)*
func (p *parser) term() *node {
	n := p.unary()
	for {
		t := p.peek()
		if !t.is("*") && !t.is("/") {
			return n
		}
		p.next()
		r := p.unary()
		k := kMul
		if t.text == "/" {
			k = kDiv
		}
		n = p.newNode(t, node{kind: k, a: n, b: r})
	}
}

// unary := ('-' | '+') unary | power
func (p *parser) unary() *node {
	t := p.peek()
	p.depth++
	if p.depth > MaxDepth {
		fail(t.pos, "simplify it", "expression is nested too deeply (more than %d levels)", MaxDepth)
	}
	defer func() { p.depth-- }()
	switch {
	case t.is("-"):
		p.next()
		return p.newNode(t, node{kind: kNeg, a: p.unary()})
	case t.is("+"):
		p.next()
		return p.unary()
	}
	return p.power()
}

// power := primary ('^' unary)?
//
// The exponent is a unary, so ^ is right-associative (2^3^2 = 2^9), takes a
// sign (2^-1), and binds tighter than a leading minus (-x^2 = -(x^2)).
func (p *parser) power() *node {
	base := p.primary()
	t := p.peek()
	if !t.is("^") {
		return base
	}
	p.next()
	return p.newNode(t, node{kind: kPow, a: base, b: p.unary()})
}

// primary := number | name | function '(' args ')' | '(' expr ')'
func (p *parser) primary() *node {
	t := p.next()
	switch t.kind {
	case tNum:
		return p.newNode(t, node{kind: kNum, val: t.val})
	case tIdent:
		return p.name(t)
	case tEOF:
		if p.i >= 2 {
			prev := p.toks[p.i-2]
			fail(t.pos, "", "expression ends after %s; expected a number, x, y, a function or '('", prev.describe())
		}
		fail(t.pos, "", "expected a number, x, y, a function or '('")
	}
	switch t.text {
	case "(":
		if p.peek().is(")") {
			fail(t.pos, "put an expression inside them", "empty parentheses")
		}
		n := p.expr()
		p.close(t, "")
		return n
	case ")":
		fail(t.pos, "", "unexpected ')'; expected a number, x, y, a function or '('")
	}
	fail(t.pos, "", "unexpected '%s'; expected a number, x, y, a function or '('", t.text)
	return nil
}

// close consumes the ')' matching open, or reports what stands in its way.
func (p *parser) close(open token, fname string) {
	t := p.peek()
	if t.is(")") {
		p.next()
		return
	}
	if t.kind == tEOF {
		if fname != "" {
			fail(open.pos, "add ')'", "unclosed '(' of %s", fname)
		}
		fail(open.pos, "add ')'", "unclosed '('")
	}
	p.unexpected()
}

// unexpected reports the current token, which cannot follow the expression
// just parsed.
func (p *parser) unexpected() {
	t := p.peek()
	prev := p.toks[p.i-1]
	switch {
	case t.operandStart():
		next := t.text
		if t.text == "(" {
			next = "(...)"
		}
		fail(t.pos, fmt.Sprintf("did you mean %s*%s?", prev.text, next), "missing operator between %s and %s", prev.text, t.text)
	case t.is(")"):
		fail(t.pos, "remove it or add a matching '('", "unmatched ')'")
	case t.is(","):
		fail(t.pos, "only min and max take two arguments", "unexpected ','")
	}
	fail(t.pos, "", "unexpected %s", t.describe())
}

func (p *parser) name(t token) *node {
	switch t.text {
	case "x":
		p.notCalled(t)
		return p.newNode(t, node{kind: kX})
	case "y":
		p.notCalled(t)
		return p.newNode(t, node{kind: kY})
	case "pi":
		p.notCalled(t)
		return p.newNode(t, node{kind: kNum, val: math.Pi, name: "pi"})
	case "e":
		p.notCalled(t)
		return p.newNode(t, node{kind: kNum, val: math.E, name: "e"})
	}
	f, ok := lookupFunc(t.text)
	called := p.peek().is("(")
	switch {
	case !ok && called:
		fail(t.pos, suggestFunc(t.text), "unknown function '%s'", t.text)
	case !ok:
		fail(t.pos, suggestName(t.text), "unknown name '%s'", t.text)
	case !called:
		hint := fmt.Sprintf("write %s(...)", t.text)
		if n := p.peek(); n.kind == tNum || n.kind == tIdent {
			hint = fmt.Sprintf("did you mean %s(%s)?", t.text, n.text)
		}
		fail(t.pos, hint, "function %s needs its argument in parentheses", t.text)
	}
	open := p.next()
	var args []*node
	if !p.peek().is(")") {
		args = append(args, p.expr())
		for p.peek().is(",") {
			p.next()
			args = append(args, p.expr())
		}
	}
	p.close(open, t.text)
	if len(args) != f.arity() {
		want := "1 argument"
		if f.arity() == 2 {
			want = "2 arguments"
		}
		fail(t.pos, "", "%s takes %s, got %d", t.text, want, len(args))
	}
	n := node{kind: kCall, fn: f, a: args[0]}
	if len(args) == 2 {
		n.b = args[1]
	}
	return p.newNode(t, n)
}

// notCalled rejects a variable or constant used as a function: x(y+1).
func (p *parser) notCalled(t token) {
	if p.peek().is("(") {
		fail(p.peek().pos, fmt.Sprintf("did you mean %s*(...)?", t.text), "%s is not a function", t.text)
	}
}

// aliases are names from other notations with a known spelling here.
var aliases = map[string]string{
	"ln":     "did you mean 'log'?",
	"relu":   "write max(0, ...)",
	"pow":    "use ^ for powers, as in x^2",
	"square": "use ^ for powers, as in x^2",
	"sq":     "use ^ for powers, as in x^2",
	"sgn":    "sign is not available; abs is",
	"sign":   "sign is not available; abs is",
}

func suggestFunc(name string) string {
	if h, ok := aliases[strings.ToLower(name)]; ok {
		return h
	}
	if s := closest(name, funcNames[:]); s != "" {
		return fmt.Sprintf("did you mean '%s'?", s)
	}
	return "the functions are " + strings.Join(funcNames[:], ", ")
}

func suggestName(name string) string {
	if h, ok := aliases[strings.ToLower(name)]; ok {
		return h
	}
	// xy, xx, pix: products written without *.
	if parts := splitNames(name); len(parts) > 1 {
		return fmt.Sprintf("did you mean '%s'?", strings.Join(parts, "*"))
	}
	// sinx: a function applied without parentheses.
	for _, f := range funcNames {
		if rest, ok := strings.CutPrefix(name, f); ok && rest != "" {
			if parts := splitNames(rest); len(parts) == 1 {
				return fmt.Sprintf("did you mean '%s(%s)'?", f, rest)
			}
		}
	}
	cands := append([]string{"x", "y", "pi"}, funcNames[:]...)
	if s := closest(name, cands); s != "" {
		return fmt.Sprintf("did you mean '%s'?", s)
	}
	return "the variables are x and y"
}

// splitNames splits s into the names x, y, pi and e, or returns nil.
func splitNames(s string) []string {
	var parts []string
	for s != "" {
		switch {
		case s[0] == 'x' || s[0] == 'y' || s[0] == 'e':
			parts = append(parts, s[:1])
			s = s[1:]
		case strings.HasPrefix(s, "pi"):
			parts = append(parts, "pi")
			s = s[2:]
		default:
			return nil
		}
	}
	return parts
}

// closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a likely typo, else "".
func closest(name string, cands []string) string {
	lower := strings.ToLower(name)
	// One edit for short names (foo is not cos), two for longer ones.
	limit := 1
	if len(name) > 4 {
		limit = 2
	}
	// On a tie prefer the same length: tahn is tanh swapped, not tan.
	best, bestD, bestL := "", limit+1, 0
	for _, c := range cands {
		d, l := editDistance(lower, c), abs(len(c)-len(name))
		if d < len(name) && (d < bestD || d == bestD && l < bestL) {
			best, bestD, bestL = c, d, l
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost 1, so "sni" is
// one edit from "sin".
func editDistance(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		return 99 // far too long to be a typo of a built-in name
	}
	var d [34][34]int
	for i := 0; i <= len(a); i++ {
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
