// Package portfolio holds the rules for choosing strategic accounts: the
// weighted Strategic Score, the A-B-C tiers, the ranking with its movement,
// the designation of strategic accounts and the strategic pipeline. Plain Go
// over in-memory values: no database, no HTTP. It imports account (for the
// error type and dates) and must never import store, web or api.
//
// # Strategic Score
//
// An organisation scores accounts on criteria — by default the six of good
// practice (DefaultCriteria) — each with a weight w ≥ 0 and five level texts
// saying what a rating of 1 to 5 means. The score is
//
//	score = 100 × Σ w·(rating−1)/4 ÷ Σ w
//
// so all ones give 0 and all fives 100. An account missing the rating of a
// weighted criterion is "not scored", never zero. Scores are computed from
// the ratings whenever they are needed, never stored as the truth: a change
// of weights rescores the whole portfolio at once (Rank over 100,000
// accounts takes tens of milliseconds; see BENCHMARKS.md).
//
// # Ranking and movement
//
// Scored accounts rank by score, highest first; equal scores share a rank
// and the next rank skips (1, 2, 2, 4), so the order of equal accounts —
// by revenue, then name, then id — never shows as movement. Movement is
// the change of rank over a rolling period (MovementPeriod, 30 days): the
// rank an account's score had, under the criteria and ratings in force at
// the start of the period, among every score then. A rolling period, rather
// than the calendar month, keeps the arrows meaningful on the first of the
// month. An account scored now but not then is "new".
//
// # A-B-C tiers
//
// By Pareto (the default): sort accounts by trailing-12-month revenue,
// descending, ties by name then id; an account is A while the share of
// revenue before it is below 80% (so the account crossing 80% is still A),
// B while below 95%, C otherwise; accounts with no revenue are C whatever
// their place. Both shares are settings.
//
// Trailing-12-month revenue (Window, ContractRevenue) is, for the window of
// the 365 (or 366) days ending today:
//   - the amounts of won opportunities whose actual close day falls in the
//     window, plus
//   - for each active or expired contract, its annual value prorated by the
//     days it ran inside the window (a contract covering the whole window
//     counts its annual value; one that ran a quarter of it, a quarter).
//     Pending contracts have not started; cancelled ones stopped on a day
//     samwise does not know, so both are left out.
//
// samwise does not link a won opportunity to the contract it produced, so a
// deal closed in the window and its contract both count: the figure is
// "business done with us this year", the same rule for every account, which
// is what an ordering needs. Amounts are summed as stored, whatever their
// currency: an organisation is expected to record in one currency.
//
// By score: A from a score of 70, B from 40, C below; an account not scored
// is C. Both floors are settings.
//
// A tier can be overridden by hand with a reason; the override wins until
// removed. The tier an account shows everywhere (account page, lists, API,
// other features such as staffing) is the recorded one. It is recorded when
// the policy or the criteria change, when an account is rated (under the
// score method), when an override is set or removed, and when someone
// recomputes — the leader's "Recompute tiers" button, `samwise portfolio
// tiers --recompute` (run it nightly from cron), or the API. Revenue moves
// with every won deal and every day that passes, so the portfolio page also
// computes today's tiers live and says how many accounts a recompute would
// move (Ranking.Pending). Every change of recorded tier is kept in the
// tier history with its source (pareto, score or override).
//
// # Designation and the strategic pipeline
//
// The SAM leader designates accounts strategic, or declines them, from the
// ranking, always with a reason; decisions are kept in a history. The
// strategic pipeline (Pipeline) buckets customers into queued (not yet
// scored), scored but undecided, designated and declined; see StageOf.
package portfolio
