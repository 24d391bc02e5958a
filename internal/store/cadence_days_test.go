package store

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/cadence"
)

// The day cache gives the same calendar day as converting each instant, in
// zones with whole-hour, half-hour and quarter-hour offsets and daylight
// saving, at the instants around local midnight and at random ones.
func TestTheDayCacheAgreesWithTheTimeZone(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone data: %v", err)
		}
		c, direct := newDayCache(loc), newDayCache(loc)
		direct.direct = true
		var instants []int64
		for d := time.Date(2024, 3, 1, 0, 0, 0, 0, loc); d.Year() < 2025; d = d.AddDate(0, 0, 1) {
			m := d.UnixMilli()
			instants = append(instants, m-1, m, m+1)
		}
		for range 20000 {
			instants = append(instants, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()+rng.Int64N(6*365*24*3600*1000))
		}
		for _, m := range instants {
			want := cadence.Day(time.UnixMilli(m), loc)
			if got := c.day(m); got != want {
				t.Fatalf("%s at %d (%s): %s, want %s", name, m, time.UnixMilli(m).In(loc), got, want)
			}
			if got := direct.day(m); got != want {
				t.Fatalf("%s at %d (%s), uncached: %s, want %s", name, m, time.UnixMilli(m).In(loc), got, want)
			}
		}
	}
}
