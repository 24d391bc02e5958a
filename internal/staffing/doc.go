// Package staffing holds the rules for staffing strategic accounts: how much
// work each account is (load points by tier), how much each account manager
// can carry (capacity), the workload board, the rebalancing of overloaded
// managers, manager goals and their progress, and the account team's seats
// and deliverables with their staleness.
//
// It is plain Go over in-memory values: it imports account, auth and
// portfolio (domain packages) and never store, web, api, nor any database or
// HTTP library. The store gathers the inputs; web, api and the CLI show the
// results.
//
// # Load, capacity and exemptions
//
// Every account that is not a former customer carries load points by its
// current tier: A = 5, B = 2, C = 1 by default (Settings.Points, editable per
// organisation). An account that has no tier yet counts as C: it has to be
// looked after all the same, and a newly won account should not look free.
// A manager's load is the sum over the accounts they own (accounts.owner_id);
// their capacity is their own figure if the leader set one, else the
// organisation's default capacity. A manager is overloaded when load >
// capacity (a manager exactly at capacity is full, not overloaded).
//
// The managers on the board are the people who own at least one account or
// have a capacity of their own: giving someone a capacity is how a leader
// makes a new account manager available for accounts.
//
// An account without an owner needs one, unless it is exempt: either it is
// marked exempt with a reason (an irregular account handled by a pool, a
// reseller's client), or the organisation's policy exempts every account
// whose revenue is below Settings.ExemptBelow (very small accounts). Both
// exist because the first is a decision about one account and the second a
// rule about many. The board lists accounts needing an owner and, apart, the
// exempt ones.
//
// Revenue, here, is what the store reports per account: the annual value of
// its active contracts (annual recurring revenue), in minor units.
//
// # Rebalancing
//
// Rebalance proposes moves (account, from, to) that bring every manager
// within capacity. Only accounts of overloaded managers move, and only to
// managers who are not overloaded and stay within capacity after receiving
// (no chains through a third manager, never onto an overloaded receiver).
// Among all such sets of moves the best is, lexicographically:
//
//  1. the least load still over capacity (zero when every manager can be
//     brought within capacity, i.e. when that is feasible);
//  2. the fewest accounts moved — every move breaks a client relationship;
//  3. the least revenue moved — large clients feel a change of manager most;
//  4. the most moves to a receiver who already has a strong relationship
//     with the account: they sit on its team or attended one of its touches
//     in the last twelve months (touch_people).
//
// Two algorithms find it:
//
// Greedy (any size). Overloaded managers are taken by excess, largest
// first. For one manager with excess e, the candidate sets are described by
// how many accounts of each load value they take (the load values are the
// few tier points; the enumeration cuts every branch that can no longer
// reach e, so a manager with thousands of accounts costs milliseconds, not
// the seconds a walk of every split took); within a load value the cheapest
// accounts by revenue are taken. Count vectors are tried by
// number of accounts, then revenue, and the first whose accounts can be
// placed is taken. That choice is exactly optimal for criteria 2 and 3 for
// that manager alone. Accounts are placed largest load first, each on the
// receiver with room that has a relationship with it, else the one with the
// most spare capacity (so receivers fill evenly), ties by id. If no set
// can be placed, the manager keeps the excess that cannot be placed: accounts
// are moved largest load first wherever they fit until the excess is gone.
//
// The greedy can be suboptimal when receivers' spare capacity is scarce or
// fragmented: a manager handled first can take the only gap large enough
// for another manager's accounts (e.g. two overloaded managers each needing
// 2 points moved, where one has a 2-point account and two 1-point accounts
// and the other only a 2-point account, with receivers' gaps of 2, 1 and 1:
// the greedy moves the first manager's 2-point account into the 2-point gap
// and the second stays overloaded; the optimum moves the two 1-point
// accounts instead). Its placement can also miss a packing that exists
// (packing is bin packing), and criterion 4 is only honoured where capacity
// allows.
//
// Exact search (small cases). When the overloaded managers own at most
// ExactLimit accounts between them, a depth-first branch and bound over
// "this account stays / moves to receiver r" finds the optimum of the four
// criteria, seeded with the greedy answer and pruned by a lower bound (the
// excess the remaining accounts cannot cover, and the fewest further moves
// each overloaded manager still needs). Receivers that no remaining account
// has a relationship with and that have the same spare capacity are
// interchangeable, so only one of them is tried. The search stops after
// searchBudget nodes; it then returns the best answer found (never worse
// than the greedy) and Plan.Exact is false.
//
// Tests compare both with a brute force over every assignment on small
// cases (rebalance_test.go); the benchmark of 200 managers and 20,000
// accounts is in BENCHMARKS.md.
//
// Proposals are recomputed from current data on every view; a leader
// accepts them one at a time, and each acceptance is an ordinary change of
// the account's owner, audited like any other. A proposal whose account
// changed owner meanwhile, or whose receiver would now go over capacity, is
// refused (CheckMove).
//
// # Goals
//
// A manager may have goals per period (a year "2026" or a quarter
// "2026-Q4"): a revenue uplift goal (minor units), a retention goal (a
// percentage) and a communication goal (touches). Progress is computed from
// the records, for the accounts the manager owns now:
//
//   - revenue uplift: the amounts of opportunities won (stage won) with an
//     actual close date in the period;
//   - retention: of the contracts that ended in the period up to today, the
//     share renewed — a contract counts as renewed when it auto-renews and
//     was neither cancelled nor let expire, or when the same account has
//     another contract for the same product starting within 60 days either
//     side of its end (a follow-on contract). Contracts ending later in the
//     period are reported as still to renew; with none ended yet there is
//     no figure;
//   - communication: the touches the manager attended in the period.
//
// Revenue and touches are on track when the actual reaches the goal's share
// of the period elapsed (half the goal halfway through the quarter);
// retention is compared with its goal directly.
//
// # The account team and its deliverables
//
// Each account-team role (auth.TeamRoles) has a key deliverable, tracked per
// account: a title (defaulted from the role), a link (http or https) or a
// note saying where it lives, an owner, the day it was last brought up to
// date and a refresh interval in days (defaulted per role). It is due on
// last update + interval; "due soon" within DueSoonDays of that, "stale"
// after it, "missing" when it has neither link nor note or was never
// updated. A role someone holds on the account (other than only "as
// needed") with no deliverable recorded at all is missing too. The
// account's owner counts as its account manager, as in auth.
package staffing
