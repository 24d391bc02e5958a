package store

// CoverageFallbacks is how many times CoverageList found its counts at odds
// with the rules and answered from the full matrices instead.
func CoverageFallbacks() int64 { return coverageFallbacks.Load() }
