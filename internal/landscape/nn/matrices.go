package nn

import (
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// Matrices lists the network's weight matrices (out × in, row-major, as
// Blocks lays them out), for the optimizers that act on a whole matrix at a
// time (Muon, Shampoo); the biases are vector coordinates.
func (m *MLP) Matrices() []landscape.Matrix { return weightMatrices(m.blocks) }

// Matrices lists the recurrent network's weight matrices: the input and
// recurrent weights and the readout; the biases are vector coordinates.
func (r *RNN) Matrices() []landscape.Matrix { return weightMatrices(r.blocks) }

func weightMatrices(blocks []hd.Block) []landscape.Matrix {
	var out []landscape.Matrix
	for _, b := range blocks {
		if !b.Bias {
			out = append(out, landscape.Matrix{Offset: b.Offset, Rows: b.Rows, Cols: b.Cols})
		}
	}
	return out
}

var (
	_ landscape.Matrixed = (*MLP)(nil)
	_ landscape.Matrixed = (*RNN)(nil)
)
