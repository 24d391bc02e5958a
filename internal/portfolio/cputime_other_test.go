//go:build !unix

package portfolio

func cpuTime() int64 { return 0 }
