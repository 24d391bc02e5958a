// Package cadence holds the rules of contact cadences — the promise of how
// often each stakeholder is touched — and their adherence states. Plain Go:
// no database, no HTTP.
//
// Definitions (also in the README): for a stakeholder with interval I days,
// due-soon window W days, tolerance T (a fraction), last touch L, previous
// touch P and today D — all calendar days in the viewer's time zone — the
// next touch is due on N = L + I. The state is overdue if D > N; due soon if
// N − W ≤ D ≤ N; on track otherwise. Over-contacted is shown beside that
// state when the two most recent touches are closer than the promise allows:
// L − P < I × (1 − T). A stakeholder never touched is overdue from the day
// the cadence started.
package cadence
