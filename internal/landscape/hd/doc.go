// Package hd holds the tools for high-dimensional objectives drawn on a
// plane: a quadratic with a chosen spectrum whose answers are known in
// closed form, top-k Hessian eigenpairs by Lanczos, the eigenvalue density
// by stochastic Lanczos quadrature, planes and lines through parameter space
// (filter-normalised random, PCA of a trajectory, Hessian eigenvectors,
// three points), projections of trajectories and parallel grid evaluation.
//
// hd knows nothing of neural networks: a model describes the layout of its
// flat parameter vector with Blocks (see package nn).
package hd

// Block describes one contiguous piece of a flat parameter vector.
//
// A weight block is a Rows×Cols matrix stored row-major at
// θ[Offset : Offset+Rows*Cols]; each row holds the incoming weights of one
// unit (one "filter" in the sense of Li et al. 2018). A bias block has
// Cols == 1 and Bias set: Rows values, one per unit.
type Block struct {
	Offset     int
	Rows, Cols int
	Bias       bool
}

// Len is the number of parameters in the block.
func (b Block) Len() int { return b.Rows * b.Cols }
