package store

// SetCadenceParallelRows sets how many rows the adherence read splits
// between two goroutines, so that tests of a few rows take that path too;
// it returns a function that restores the setting.
func SetCadenceParallelRows(n int) (restore func()) {
	old := parallelRows
	parallelRows = n
	return func() { parallelRows = old }
}
