// Package demo makes data: the demo portfolio that shows every state samwise
// can display (Load), and synthetic portfolios of any size for benchmarks
// (Generate).
//
// Both are deterministic: the demo given its reference time, the synthetic
// data given its seed, size and reference time; they draw from math/rand/v2's
// PCG with fixed seeds and never iterate over maps. The word lists and the
// distributions live here; the SQL that writes the records lives in the
// store's bulk path, which validates every record by the domain rules.
//
// It imports account and store; nothing but commands and tests import it.
package demo
