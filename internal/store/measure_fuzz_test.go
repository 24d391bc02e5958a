package store

import (
	"slices"
	"testing"
)

// FuzzUnpackAssessment: the packed ratings of an assessment answer read
// back as written, and any text reads without a panic.
func FuzzUnpackAssessment(f *testing.F) {
	f.Add("5,4,3,2,1,5,4,3,2,1,5,4,3,2,1")
	f.Add("")
	f.Add(",,,")
	f.Add("9999999999999999999999,-1")
	f.Fuzz(func(t *testing.T, s string) {
		r := unpackAssessment(s)
		if r != nil && !slices.Equal(unpackAssessment(packAssessment(r)), r) {
			t.Fatalf("%q → %v does not round-trip", s, r)
		}
		for _, p := range splitList(s) {
			if p == "" {
				t.Fatalf("splitList(%q) has an empty item", s)
			}
		}
	})
}
