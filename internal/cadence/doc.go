// Package cadence holds the rules of contact cadences — the promise of how
// often each stakeholder is touched — and their adherence states. Plain Go:
// no database, no HTTP. It must not import store, web or api.
//
// Definitions (also in the README): for a stakeholder with interval I days,
// due-soon window W days, tolerance T (a fraction), last touch L, previous
// touch P and today D — all calendar days in the viewer's time zone — the
// next touch is due on N = L + I. The state is overdue if D > N; due soon if
// N − W ≤ D ≤ N; on track otherwise. Over-contacted is shown beside that
// state when the two most recent touches are closer than the promise allows:
// L − P < I × (1 − T). A stakeholder never touched is overdue from the day
// the cadence started (the day the stakeholder was added).
//
// What counts: a touch counts for every stakeholder present at it. Touches
// of kind business_review are business reviews — the account's own cadence,
// per tier (Settings.Review) — and the other kinds (meeting, call, email,
// event, other) are check-ins, the stakeholder's cadence. A review does not
// reset a stakeholder's check-in clock.
//
// Which interval (Resolve): an acceleration active that day (the fastest,
// whether for the stakeholder or the whole account; it ends by itself after
// its last day), else the cadence agreed with the client for the stakeholder,
// else the one agreed for the whole account, else the policy's default for
// the account's tier and the stakeholder's level (an untiered account counts
// as tier C). The defaults: A executives 60 days and everyone else 30, B 90
// and 60, C 180 and 120; reviews A 90, B 180, C 365; W 7 days; T 0.5.
//
// Adherence (Row.Adherent, Tally): the share of active stakeholders neither
// overdue nor over-contacted. Over-contacting counts against adherence
// because too many touches break the promise as surely as too few; due soon
// is still kept. A group without stakeholders counts as 100%, and a trend
// month without any as no data (Trend evaluates each month end with the
// check-ins known on that day).
//
// Time zones: callers pass calendar days. The web pages use the server's
// zone (users have no zone of their own yet), the API and the CLI UTC unless
// told otherwise (samwise cadence due --zone).
package cadence
