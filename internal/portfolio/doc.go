// Package portfolio holds the rules for choosing strategic accounts: the
// weighted Strategic Score and the A-B-C (Pareto) tiers. Plain Go over
// in-memory values: no database, no HTTP.
package portfolio
