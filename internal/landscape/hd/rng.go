package hd

import "math/rand/v2"

// newRNG is the package's seeded generator (PCG, as package nn uses).
func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
