package landscape

// Matrix is one matrix inside a flat parameter vector: Rows×Cols, stored
// row-major at θ[Offset : Offset+Rows*Cols].
type Matrix struct {
	Offset, Rows, Cols int
}

// Len is the number of parameters in the matrix.
func (m Matrix) Len() int { return m.Rows * m.Cols }

// Matrixed is an objective whose parameters are (partly) matrices: the
// factors of a matrix factorisation, a network's weight matrices. Methods
// that precondition or orthogonalise a whole matrix at a time (Muon,
// Shampoo) act on each of them; coordinates in no listed matrix (biases)
// are plain vector coordinates. The matrices do not overlap and lie within
// Dim.
//
// A 2-D function of (x, y) has no matrices: it is one vector, and does not
// implement Matrixed.
type Matrixed interface {
	Matrices() []Matrix
}
