package store

// CoverageFallbacks is how many times CoverageList found its counts at odds
// with the rules and answered from the full matrices instead.
func (db *DB) CoverageFallbacks() int64 { return db.coverageFallbacks.Load() }
