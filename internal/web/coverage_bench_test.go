//go:build unix

package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/web"
)

// BenchmarkCoveragePage measures the server time of GET /coverage — the
// findings counted per rule over the whole portfolio and the first rows of
// the list — unfiltered and filtered to one rule. On the database `samwise
// gen --accounts 100000` makes (SAMWISE_BENCH_DB) most accounts have
// several findings (hundreds of thousands in all). SAMWISE_BENCH_EXPORTS=1
// adds the CSV downloads of every finding (of one rule and of all).
func BenchmarkCoveragePage(b *testing.B) {
	db, sc := benchDB(b)
	mux := http.NewServeMux()
	web.Register(mux, web.Deps{DB: db, Guard: access.Unrestricted{S: sc}, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	paths := []string{"/coverage", "/coverage?rule=quiet_champion&quiet_days=30"}
	if os.Getenv("SAMWISE_BENCH_EXPORTS") != "" {
		// Every finding: slow at 100,000 accounts, hence asked for.
		paths = append(paths, "/coverage/export?rule=quiet_champion&format=csv", "/coverage/export?format=csv")
	}
	for _, path := range paths {
		b.Run(path, func(b *testing.B) {
			var took []time.Duration
			size := 0
			cpu0 := cpuTime()
			for b.Loop() {
				rec := httptest.NewRecorder()
				start := time.Now()
				mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			cpu := cpuTime() - cpu0
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "p50-ms")
			b.ReportMetric(float64(cpu)/float64(len(took))/float64(time.Millisecond), "cpu-ms/op")
			b.ReportMetric(float64(size)/1024, "page-KiB")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used: on a
// shared machine a fairer figure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
