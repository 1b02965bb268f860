package expr

// Nodes is the number of numbers, names and operators in the expression: a
// measure of what one evaluation costs, for budgets of heavy work.
func (f *Func) Nodes() int {
	n := 0
	f.root.walk(func(*node) { n++ })
	return n
}
