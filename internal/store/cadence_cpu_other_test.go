//go:build !unix

package store_test

import "time"

// cadenceProcessCPU is not measured here.
func cadenceProcessCPU() time.Duration { return 0 }
