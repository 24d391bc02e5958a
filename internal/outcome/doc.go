// Package outcome holds the rules of three of the four R's: Resolution
// (problems solved early or avoided, against response and resolution
// targets), Retention (logo retention, gross and net revenue retention over a
// period, the renewal calendar) and Revenue (pipeline by stage weighted by
// probability, win rate, uplift against goals), plus what the relationship
// is worth (customer lifetime value) and whether the program pays (ROI).
//
// The formulas are those of the shared domain primer and are written out in
// docs/outcomes.md with worked examples; the tests use the same examples.
//
// The package is plain Go: it imports the standard library and
// internal/account only, never store, web or api. The store feeds it
// aggregates (one row per account or per group), never raw tables.
package outcome
