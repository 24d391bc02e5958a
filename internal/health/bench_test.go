package health

import (
	"testing"
	"time"
)

// BenchmarkTrain10k trains the churn model on 10,000 synthetic records
// (five numbers and a tier) with a 30 % held-out split.
func BenchmarkTrain10k(b *testing.B) {
	recs, _ := synthetic(10_000, 3)
	for b.Loop() {
		if _, err := Train(recs, Options{Seed: 1}, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackTest10k back-tests 10,000 outcomes with three signals.
func BenchmarkBackTest10k(b *testing.B) {
	ex := history(10_000, 4)
	for b.Loop() {
		BackTest(ex, DefaultWeights())
	}
}
