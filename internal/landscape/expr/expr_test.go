package expr

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exact is a hand-written f with its gradient and Hessian (xx, xy, yy).
type exact func(x, y float64) (v float64, g [2]float64, h [3]float64)

func sig(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// handCases pairs expressions with derivatives worked out by hand, each on
// a box where the expression is smooth.
var handCases = []struct {
	name, src string
	box       [4]float64 // xlo, xhi, ylo, yhi
	f         exact
}{
	{"rosenbrock", "(1-x)^2 + 100*(y-x^2)^2", [4]float64{-2, 2, -1, 3}, func(x, y float64) (float64, [2]float64, [3]float64) {
		b := y - x*x
		return (1-x)*(1-x) + 100*b*b, [2]float64{-2*(1-x) - 400*x*b, 200 * b}, [3]float64{2 - 400*(y-3*x*x), -400 * x, 200}
	}},
	{"himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [4]float64{-5, 5, -5, 5}, func(x, y float64) (float64, [2]float64, [3]float64) {
		a, b := x*x+y-11, x+y*y-7
		return a*a + b*b, [2]float64{4*x*a + 2*b, 2*a + 4*y*b}, [3]float64{4*a + 8*x*x + 2, 4*x + 4*y, 2 + 4*b + 8*y*y}
	}},
	{"saddle", "x^2 - y^2", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		return x*x - y*y, [2]float64{2 * x, -2 * y}, [3]float64{2, 0, -2}
	}},
	{"beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", [4]float64{-4.5, 4.5, -4.5, 4.5}, func(x, y float64) (v float64, g [2]float64, h [3]float64) {
		for i, c := range []float64{1.5, 2.25, 2.625} {
			n := float64(i + 1)
			t := c - x + x*math.Pow(y, n)
			tx, ty := math.Pow(y, n)-1, n*x*math.Pow(y, n-1)
			txy, tyy := n*math.Pow(y, n-1), n*(n-1)*x*math.Pow(y, n-2)
			v += t * t
			g[0] += 2 * t * tx
			g[1] += 2 * t * ty
			h[0] += 2 * tx * tx
			h[1] += 2 * (tx*ty + t*txy)
			h[2] += 2 * (ty*ty + t*tyy)
		}
		return v, g, h
	}},
	{"monkey saddle, negative bases", "x^3 - 3*x*y^2", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		return x*x*x - 3*x*y*y, [2]float64{3*x*x - 3*y*y, -6 * x * y}, [3]float64{6 * x, -6 * y, -6 * x}
	}},
	{"quartic", "(x - y)^4/4", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		d := x - y
		return d * d * d * d / 4, [2]float64{d * d * d, -d * d * d}, [3]float64{3 * d * d, -3 * d * d, 3 * d * d}
	}},
	{"sin cos", "sin(x)*cos(y)", [4]float64{-3, 3, -3, 3}, func(x, y float64) (float64, [2]float64, [3]float64) {
		sx, cx, sy, cy := math.Sin(x), math.Cos(x), math.Sin(y), math.Cos(y)
		return sx * cy, [2]float64{cx * cy, -sx * sy}, [3]float64{-sx * cy, -cx * sy, -sx * cy}
	}},
	{"gaussian", "exp(-(x^2 + y^2)/2)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		e := math.Exp(-(x*x + y*y) / 2)
		return e, [2]float64{-x * e, -y * e}, [3]float64{(x*x - 1) * e, x * y * e, (y*y - 1) * e}
	}},
	{"log", "log(1 + x^2 + y^2)", [4]float64{-3, 3, -3, 3}, func(x, y float64) (float64, [2]float64, [3]float64) {
		r := 1 + x*x + y*y
		return math.Log(r), [2]float64{2 * x / r, 2 * y / r}, [3]float64{2/r - 4*x*x/(r*r), -4 * x * y / (r * r), 2/r - 4*y*y/(r*r)}
	}},
	{"sqrt", "sqrt(1 + x^2 + y^2)", [4]float64{-3, 3, -3, 3}, func(x, y float64) (float64, [2]float64, [3]float64) {
		s := math.Sqrt(1 + x*x + y*y)
		s3 := s * s * s
		return s, [2]float64{x / s, y / s}, [3]float64{1/s - x*x/s3, -x * y / s3, 1/s - y*y/s3}
	}},
	{"tanh", "tanh(x*y)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		t := math.Tanh(x * y)
		u := 1 - t*t
		d2 := -2 * t * u
		return t, [2]float64{y * u, x * u}, [3]float64{y * y * d2, u + x*y*d2, x * x * d2}
	}},
	{"sigmoid", "sigmoid(x - 2*y)", [4]float64{-5, 5, -5, 5}, func(x, y float64) (float64, [2]float64, [3]float64) {
		s := sig(x - 2*y)
		u := s * (1 - s)
		w := u * (1 - 2*s)
		return s, [2]float64{u, -2 * u}, [3]float64{w, -2 * w, 4 * w}
	}},
	{"softplus", "softplus(x + y^2)", [4]float64{-3, 3, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		z := x + y*y
		s := sig(z)
		u := s * (1 - s)
		return math.Log(1 + math.Exp(z)), [2]float64{s, 2 * y * s}, [3]float64{u, 2 * y * u, 2*s + 4*y*y*u}
	}},
	{"quotients", "x/y + y/x", [4]float64{0.5, 2, 0.5, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		return x/y + y/x, [2]float64{1/y - y/(x*x), -x/(y*y) + 1/x}, [3]float64{2 * y / (x * x * x), -1/(y*y) - 1/(x*x), 2 * x / (y * y * y)}
	}},
	{"general power", "x^y", [4]float64{0.5, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		v, l := math.Pow(x, y), math.Log(x)
		return v, [2]float64{y * math.Pow(x, y-1), v * l}, [3]float64{y * (y - 1) * math.Pow(x, y-2), math.Pow(x, y-1) * (1 + y*l), v * l * l}
	}},
	{"constant base and reciprocal", "3*2^x/(1 + y^2)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		q := 1 + y*y
		v, l := 3*math.Pow(2, x)/q, math.Ln2
		return v, [2]float64{v * l, -2 * y * v / q}, [3]float64{v * l * l, -2 * y * v * l / q, -2*v/q + 8*y*y*v/(q*q)}
	}},
	{"reciprocal", "1/(1 + x^2 + y^2)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		r := 1 + x*x + y*y
		return 1 / r, [2]float64{-2 * x / (r * r), -2 * y / (r * r)}, [3]float64{-2/(r*r) + 8*x*x/(r*r*r), 8 * x * y / (r * r * r), -2/(r*r) + 8*y*y/(r*r*r)}
	}},
	{"abs", "abs(x - 1) + 2*abs(y)", [4]float64{-2, 3, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		sgn := func(a float64) float64 { return math.Copysign(1, a) }
		return math.Abs(x-1) + 2*math.Abs(y), [2]float64{sgn(x - 1), 2 * sgn(y)}, [3]float64{}
	}},
	{"min max", "max(x^2, y) + min(x, -y)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (v float64, g [2]float64, h [3]float64) {
		if x*x >= y {
			v, g[0], h[0] = x*x, 2*x, 2
		} else {
			v, g[1] = y, 1
		}
		if x <= -y {
			v, g[0] = v+x, g[0]+1
		} else {
			v, g[1] = v-y, g[1]-1
		}
		return v, g, h
	}},
	{"tan", "-x^2 + tan(y/2)", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		t := math.Tan(y / 2)
		return -x*x + t, [2]float64{-2 * x, (1 + t*t) / 2}, [3]float64{-2, 0, t * (1 + t*t) / 2}
	}},
	{"cos and e", "cos(x*y) - e^x", [4]float64{-2, 2, -2, 2}, func(x, y float64) (float64, [2]float64, [3]float64) {
		s, c, ex := math.Sin(x*y), math.Cos(x*y), math.Exp(x)
		return c - ex, [2]float64{-y*s - ex, -x * s}, [3]float64{-y*y*c - ex, -s - x*y*c, -x * x * c}
	}},
}

// boxPoints returns an n×n grid over box, offset so that no point falls on
// a kink such as x = 1 or x² = y.
func boxPoints(box [4]float64, n int) [][2]float64 {
	var pts [][2]float64
	for i := range n {
		for j := range n {
			pts = append(pts, [2]float64{
				box[0] + (float64(i)+0.371)/float64(n)*(box[1]-box[0]),
				box[2] + (float64(j)+0.613)/float64(n)*(box[3]-box[2]),
			})
		}
	}
	return pts
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestAgainstHandWritten(t *testing.T) {
	h := mat.NewSymDense(2, nil)
	g := make([]float64, 2)
	for _, tc := range handCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range boxPoints(tc.box, 9) {
				x := p[:]
				wv, wg, wh := tc.f(p[0], p[1])
				v := f.Value(x)
				gv := f.Grad(g, x)
				f.Hess(h, x)
				if !near(v, wv, 1e-12) {
					t.Errorf("f%v = %v, want %v", p, v, wv)
				}
				if gv != v {
					t.Errorf("Grad%v returned %v, Value gave %v", p, gv, v)
				}
				for i := range 2 {
					if !near(g[i], wg[i], 1e-11) {
						t.Errorf("∇f%v = %v, want %v", p, g, wg)
						break
					}
				}
				got := [3]float64{h.At(0, 0), h.At(0, 1), h.At(1, 1)}
				for i := range 3 {
					if !near(got[i], wh[i], 1e-10) {
						t.Errorf("∇²f%v = %v (xx, xy, yy), want %v", p, got, wh)
						break
					}
				}
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		src    string
		x, y   float64
		want   float64
		canon  string // String(), "" if the same as src
		reason string
	}{
		{"-x^2", 3, 0, -9, "", "^ binds tighter than unary minus"},
		{"-2^2", 0, 0, -4, "", "also for numbers"},
		{"(-2)^2", 0, 0, 4, "", "parentheses override"},
		{"2^3^2", 0, 0, 512, "", "^ is right-associative"},
		{"(2^3)^2", 0, 0, 64, "", "explicit left grouping"},
		{"2^-1", 0, 0, 0.5, "", "a signed exponent"},
		{"2^-x^2", 1, 0, 0.5, "", "the sign covers the exponent's power"},
		{"x - y - 1", 5, 2, 2, "", "- is left-associative"},
		{"x - (y - 1)", 5, 2, 4, "", "kept parentheses"},
		{"8/2/2", 0, 0, 2, "", "/ is left-associative"},
		{"8/(2/2)", 0, 0, 8, "", "kept parentheses"},
		{"2/4*2", 0, 0, 1, "", "* and / share a level"},
		{"1 + 2*3", 0, 0, 7, "", "* before +"},
		{"2*3^2", 0, 0, 18, "", "^ before *"},
		{"-x*y", 2, 3, -6, "", "(-x)*y"},
		{"x*-y", 2, 3, -6, "", "a sign after *"},
		{"x - -y", 2, 3, 5, "", "a sign after -"},
		{"--x", 2, 0, 2, "-(-x)", "double negation"},
		{"+x", 2, 0, 2, "x", "unary plus"},
		{"pi", 0, 0, math.Pi, "", "constant pi"},
		{"e", 0, 0, math.E, "", "constant e"},
		{"2e", 0, 0, 0, "", "placeholder, see errors"},
		{"1e-3", 0, 0, 0.001, "0.001", "exponent"},
		{".5 + 2.5", 0, 0, 3, "0.5 + 2.5", "leading dot"},
		{"1E2", 0, 0, 100, "100", "capital E"},
		{"min(x, y) + max(x, y)", 1, 2, 3, "", "two-argument functions"},
		{"(1-x)^2+100*(y-x^2)^2", 1, 1, 0, "(1 - x)^2 + 100*(y - x^2)^2", "canonical spacing"},
		{"x + (y + 1)", 1, 2, 4, "", "+ grouping kept (floating point is not associative)"},
		{"  sin ( x )  ", 0, 0, 0, "sin(x)", "spaces"},
	} {
		if tc.src == "2e" {
			continue // 2e is an error (missing operator), tested in TestErrors
		}
		t.Run(tc.src, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Value([]float64{tc.x, tc.y}); got != tc.want {
				t.Errorf("at (%v, %v) got %v, want %v (%s)", tc.x, tc.y, got, tc.want, tc.reason)
			}
			canon := tc.canon
			if canon == "" {
				canon = tc.src
			}
			if got := f.String(); got != canon {
				t.Errorf("String() = %q, want %q", got, canon)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		offset    int
		msg, hint string // substrings
	}{
		{"empty", "", 0, "empty expression", ""},
		{"blank", "   ", 0, "empty expression", ""},
		{"implicit product", "2x", 1, "missing operator between 2 and x", "did you mean 2*x?"},
		{"implicit product with e", "2e", 1, "missing operator between 2 and e", "2*e"},
		{"juxtaposed names", "x y", 2, "missing operator between x and y", "x*y"},
		{"two numbers", "x + 2 3", 6, "missing operator between 2 and 3", ""},
		{"number before paren", "2(x + 1)", 1, "missing operator between 2 and (", "2*(...)"},
		{"parens side by side", "(x)(y)", 3, "missing operator between ) and (", ""},
		{"misspelt function", "1 + sni(x)", 4, "unknown function 'sni'", "did you mean 'sin'?"},
		{"capitalised function", "x + Sin(y)", 4, "unknown function 'Sin'", "'sin'"},
		{"sqr", "sqr(x)", 0, "unknown function 'sqr'", "'sqrt'"},
		{"two edits in a long name", "sigmd(x)", 0, "unknown function 'sigmd'", "'sigmoid'"},
		{"swapped letters", "tahn(x)", 0, "unknown function 'tahn'", "'tanh'"},
		{"ln", "ln(x)", 0, "unknown function 'ln'", "'log'"},
		{"relu", "relu(x)", 0, "unknown function 'relu'", "max(0, ...)"},
		{"no suggestion", "foo(x)", 0, "unknown function 'foo'", "the functions are"},
		{"unknown variable", "x + z", 4, "unknown name 'z'", "the variables are x and y"},
		{"product as a name", "xy + 1", 0, "unknown name 'xy'", "'x*y'"},
		{"function without parens as a name", "sinx", 0, "unknown name 'sinx'", "'sin(x)'"},
		{"misspelt constant", "2*pii", 2, "unknown name 'pii'", "'pi'"},
		{"function without parens", "sin x", 0, "function sin needs its argument in parentheses", "sin(x)"},
		{"function alone", "exp", 0, "function exp needs its argument in parentheses", "exp(...)"},
		{"variable called", "x(y)", 1, "x is not a function", "x*(...)"},
		{"unclosed", "(x + 1", 0, "unclosed '('", "add ')'"},
		{"unclosed inner", "((x) + 1", 0, "unclosed '('", ""},
		{"unclosed call", "1 + sin(x", 7, "unclosed '(' of sin", ""},
		{"unmatched close", "x + 1)", 5, "unmatched ')'", ""},
		{"unmatched close early", "(x))+y", 3, "unmatched ')'", ""},
		{"too few arguments", "min(x)", 0, "min takes 2 arguments, got 1", ""},
		{"no arguments", "y + max()", 4, "max takes 2 arguments, got 0", ""},
		{"too many arguments", "sin(x, y)", 0, "sin takes 1 argument, got 2", ""},
		{"stray comma", "x, y", 1, "unexpected ','", "min and max"},
		{"bad number", "1.2.3", 0, "bad number '1.2.3'", ""},
		{"lone dot", "x + .", 4, "bad number '.'", ""},
		{"huge number", "x + 1e999", 4, "number '1e999' is too large", ""},
		{"unexpected character", "x # y", 2, "unexpected character '#'", ""},
		{"superscript", "x²", 1, "unexpected character '²'", "^"},
		{"times sign", "2×x", 1, "unexpected character '×'", "use * to multiply"},
		{"double star", "x**2", 1, "unexpected '**'", "use ^ for powers"},
		{"dangling operator", "x +", 3, "expression ends after '+'", ""},
		{"leading operator", "* x", 0, "unexpected '*'", ""},
		{"operator after paren", "(/x)", 1, "unexpected '/'", ""},
		{"empty parens", "x*()", 2, "empty parentheses", ""},
		{"offset in characters, not bytes", "π + 1", 0, "unexpected character 'π'", "write pi"},
		{"offset after multibyte", "−x + ½", 0, "unexpected character '−'", "ASCII minus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tc.src, f)
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			if e.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", e.Offset, tc.offset, err)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.msg)
			}
			if !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("hint %q does not contain %q", e.Hint, tc.hint)
			}
			if strings.Contains(e.Msg, " at ") {
				t.Errorf("message %q repeats the offset", e.Msg)
			}
		})
	}
}

// TestErrorText pins the exact wording a user sees.
func TestErrorText(t *testing.T) {
	for src, want := range map[string]string{
		"2x":         "missing operator between 2 and x at 1; did you mean 2*x?",
		"1 + sni(x)": "unknown function 'sni' at 4; did you mean 'sin'?",
		"min(x)":     "min takes 2 arguments, got 1 at 0",
	} {
		_, err := Parse(src)
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q) error = %v, want %q", src, err, want)
		}
	}
}

func TestLimits(t *testing.T) {
	nested := func(n int) string { return strings.Repeat("(", n) + "x" + strings.Repeat(")", n) }
	for _, tc := range []struct {
		name, src string
		offset    int // -1: must parse
		msg       string
	}{
		{"longest", "x" + strings.Repeat(" ", MaxLen-1), -1, ""},
		{"too long", "x" + strings.Repeat(" ", MaxLen), MaxLen, "expression is too long (1001 characters, at most 1000)"},
		{"too long in characters", strings.Repeat("π", MaxLen+1), MaxLen, "too long"},
		{"deep but allowed", nested(MaxDepth - 1), -1, ""},
		{"too deep", nested(MaxDepth + 10), MaxDepth, "nested too deeply"}, // the 65th (
		{"too deep by signs", strings.Repeat("-", 100) + "x", MaxDepth, "nested too deeply"},
		{"too deep by powers", strings.Repeat("x^", 100) + "x", 2 * MaxDepth, "nested too deeply"},
		{"many nodes", "x" + strings.Repeat("+x", (MaxNodes-1)/2), -1, ""},
		{"too many nodes", "x" + strings.Repeat("+x", MaxNodes/2+1), 2*(MaxNodes/2) - 1, "too large (more than 500"}, // the 501st node, a +
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.src)
			if tc.offset < 0 {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				if v := f.Value([]float64{1, 2}); math.IsNaN(v) {
					t.Errorf("value NaN")
				}
				return
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Offset != tc.offset || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %q at %d, want %q at %d", e.Msg, e.Offset, tc.msg, tc.offset)
			}
		})
	}
}

func TestDomainEdges(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, tc := range []struct {
		src  string
		x, y float64
		v    float64
		g    [2]float64
		h    [3]float64
	}{
		{"x^2", -3, 0, 9, [2]float64{-6, 0}, [3]float64{2, 0, 0}},
		{"x^3", -2, 0, -8, [2]float64{12, 0}, [3]float64{-12, 0, 0}},
		{"x^-1", -2, 0, -0.5, [2]float64{-0.25, 0}, [3]float64{-0.25, 0, 0}},
		{"x^0.5", -1, 0, nan, [2]float64{nan, 0}, [3]float64{nan, 0, 0}},
		{"sqrt(x)", 0, 1, 0, [2]float64{inf, 0}, [3]float64{-inf, 0, 0}},
		{"log(x)", 0, 1, -inf, [2]float64{inf, 0}, [3]float64{-inf, 0, 0}},
		{"log(x)", -1, 1, nan, [2]float64{-1, 0}, [3]float64{-1, 0, 0}},
		{"abs(x)", 0, 0, 0, [2]float64{0, 0}, [3]float64{0, 0, 0}},
		{"abs(x*y)", -2, 3, 6, [2]float64{-3, 2}, [3]float64{0, -1, 0}},
		{"min(x, y)", 1, 2, 1, [2]float64{1, 0}, [3]float64{0, 0, 0}},
		{"min(x, y)", 3, 2, 2, [2]float64{0, 1}, [3]float64{0, 0, 0}},
		{"max(x^2, 1)", 2, 0, 4, [2]float64{4, 0}, [3]float64{2, 0, 0}},
		{"max(x^2, 1)", 0.5, 0, 1, [2]float64{0, 0}, [3]float64{0, 0, 0}},
		{"1/x", 0, 0, inf, [2]float64{-inf, 0}, [3]float64{inf, 0, 0}},
		{"x*y", 2, 3, 6, [2]float64{3, 2}, [3]float64{0, 1, 0}},
		{"0^x", 2, 0, 0, [2]float64{0, 0}, [3]float64{0, 0, 0}},
		{"3", 2, 0, 3, [2]float64{0, 0}, [3]float64{0, 0, 0}},
		{"sin(pi/2)*x", 2, 0, 2, [2]float64{1, 0}, [3]float64{0, 0, 0}},
		{"softplus(x)", 1000, 0, 1000, [2]float64{1, 0}, [3]float64{0, 0, 0}},
		{"sigmoid(x)", -1000, 0, 0, [2]float64{0, 0}, [3]float64{0, 0, 0}},
	} {
		t.Run(fmt.Sprintf("%s at (%v,%v)", tc.src, tc.x, tc.y), func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			x := []float64{tc.x, tc.y}
			g := make([]float64, 2)
			h := mat.NewSymDense(2, nil)
			v := f.Value(x)
			gv := f.Grad(g, x)
			f.Hess(h, x)
			if !same(v, tc.v) || !same(gv, tc.v) {
				t.Errorf("value %v (Grad says %v), want %v", v, gv, tc.v)
			}
			if !same(g[0], tc.g[0]) || !same(g[1], tc.g[1]) {
				t.Errorf("gradient %v, want %v", g, tc.g)
			}
			got := [3]float64{h.At(0, 0), h.At(0, 1), h.At(1, 1)}
			for i := range got {
				if !same(got[i], tc.h[i]) {
					t.Errorf("Hessian %v, want %v", got, tc.h)
					break
				}
			}
		})
	}
}

func TestVars(t *testing.T) {
	for src, want := range map[string][2]bool{
		"x^2":       {true, false},
		"sin(y)":    {false, true},
		"x*y":       {true, true},
		"pi + e":    {false, false},
		"x - x + 1": {true, false},
	} {
		f, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if x, y := f.Vars(); x != want[0] || y != want[1] {
			t.Errorf("%s: Vars() = %v, %v; want %v", src, x, y, want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	f, err := Parse("sin(x)*cos(y) + (1-x)^2 + 100*(y-x^2)^2 + max(x, y)/(1 + y^2)")
	if err != nil {
		t.Fatal(err)
	}
	x, g, h := []float64{0.3, -0.7}, make([]float64, 2), mat.NewSymDense(2, nil)
	if n := testing.AllocsPerRun(100, func() {
		f.Value(x)
		f.Grad(g, x)
		f.Hess(h, x)
	}); n != 0 {
		t.Errorf("%v allocations per evaluation, want 0", n)
	}
}

// TestConcurrent has many goroutines share one *Func; run it with -race.
func TestConcurrent(t *testing.T) {
	f, err := Parse("log(1 + (1-x)^2 + 100*(y-x^2)^2) + sigmoid(x*y) + min(x, y)^2")
	if err != nil {
		t.Fatal(err)
	}
	pts := boxPoints([4]float64{-2, 2, -1, 3}, 20)
	type result struct {
		v float64
		g [2]float64
		h [3]float64
	}
	eval := func(p [2]float64) result {
		var r result
		h := mat.NewSymDense(2, nil)
		r.v = f.Grad(r.g[:], p[:])
		f.Hess(h, p[:])
		r.h = [3]float64{h.At(0, 0), h.At(0, 1), h.At(1, 1)}
		return r
	}
	want := make([]result, len(pts))
	for i, p := range pts {
		want[i] = eval(p)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := range 8 {
		wg.Go(func() {
			for k := range pts {
				i := (k*7 + w*13) % len(pts) // each worker in its own order
				if got := eval(pts[i]); got != want[i] {
					errs <- fmt.Sprintf("worker %d at %v: %v, want %v", w, pts[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
