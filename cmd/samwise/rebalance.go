package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// portfolioRebalanceCmd is `samwise portfolio rebalance`: the workload board
// and the proposed moves, from the same database serve uses, and optionally
// accepting moves — each an audited change of owner, as in the browser.
type portfolioRebalanceCmd struct {
	Org    string  `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
	Accept []int64 `help:"Accept the proposed move of this account (repeatable, or comma-separated)." placeholder:"ACCOUNT-ID"`
	All    bool    `help:"Accept every proposed move."`
	JSON   bool    `name:"json" help:"Print the board and the proposed moves as JSON."`
}

// rebalanceReport is the JSON form of the command's answer.
type rebalanceReport struct {
	Managers   []rebalanceManager `json:"managers"`
	Unassigned int                `json:"unassigned"`
	Moves      []staffing.Move    `json:"moves"`
	Exact      bool               `json:"exact"`
	Overflow   int                `json:"overflow"`
	Accepted   []int64            `json:"accepted,omitempty"`
	Millis     float64            `json:"compute_ms"`
}

type rebalanceManager struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Load       int    `json:"load"`
	Capacity   int    `json:"capacity"`
	After      int    `json:"load_after_moves"`
	Overloaded bool   `json:"overloaded"`
}

func (c *portfolioRebalanceCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	w, plan, took, err := rebalancePlan(e, db, sc)
	if err != nil {
		return err
	}
	var accepted []int64
	if c.All || len(c.Accept) > 0 {
		for _, mv := range plan.Moves {
			if !c.All && !slices.Contains(c.Accept, mv.AccountID) {
				continue
			}
			if _, err := db.MoveAccount(e.ctx, sc, mv.AccountID, mv.FromID, mv.ToID); err != nil {
				return fmt.Errorf("accept the move of account %d: %w", mv.AccountID, err)
			}
			accepted = append(accepted, mv.AccountID)
		}
		for _, id := range c.Accept {
			if !slices.Contains(accepted, id) {
				return account.Errorf(account.ENOTFOUND, "No move of account %d is proposed; run samwise portfolio rebalance to see the proposals.", id)
			}
		}
		// Show the board as it is now.
		if w, plan, took, err = rebalancePlan(e, db, sc); err != nil {
			return err
		}
	}
	names := map[int64]string{}
	rep := rebalanceReport{Unassigned: len(w.Unassigned), Moves: plan.Moves, Exact: plan.Exact, Overflow: plan.Overflow,
		Accepted: accepted, Millis: float64(took.Microseconds()) / 1000}
	for _, m := range w.Managers {
		names[m.ID] = m.Name
		rep.Managers = append(rep.Managers, rebalanceManager{ID: m.ID, Name: m.Name, Load: m.Load, Capacity: m.Capacity,
			After: plan.After[m.ID], Overloaded: m.Overloaded()})
	}
	if rep.Moves == nil {
		rep.Moves = []staffing.Move{}
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	for _, id := range accepted {
		fmt.Fprintf(e.stdout, "accepted: account %d moved\n", id)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MANAGER\tLOAD\tCAPACITY\tAFTER MOVES\tSTATUS")
	for _, m := range rep.Managers {
		status := "ok"
		switch {
		case m.Overloaded:
			status = fmt.Sprintf("over by %d", m.Load-m.Capacity)
		case m.Load == m.Capacity:
			status = "full"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", m.Name, m.Load, m.Capacity, m.After, status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	method := "proven optimal"
	if !plan.Exact {
		method = "greedy, for large portfolios"
	}
	switch {
	case len(plan.Moves) == 0 && plan.Overflow == 0:
		fmt.Fprintln(e.stdout, "\nEvery manager is within capacity: no moves proposed.")
	case len(plan.Moves) == 0:
		fmt.Fprintf(e.stdout, "\nNobody has room for the overloaded managers' accounts: %d points stay over capacity.\n", plan.Overflow)
	default:
		fmt.Fprintf(e.stdout, "\nProposed moves (%s):\n", method)
		tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT ID\tACCOUNT\tFROM\tTO\tPOINTS\tREVENUE\tKNOWS IT")
		for _, mv := range plan.Moves {
			knows := ""
			if mv.Related {
				knows = "yes"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", mv.AccountID, mv.AccountName, names[mv.FromID], names[mv.ToID],
				mv.Load, cliMoney(mv.Revenue, mv.Currency), knows)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if plan.Overflow > 0 {
			fmt.Fprintf(e.stdout, "Even after these moves %d points stay over capacity: raise capacities or add a manager.\n", plan.Overflow)
		}
		fmt.Fprintln(e.stdout, "Accept with: samwise portfolio rebalance --accept ACCOUNT-ID (or --all)")
	}
	if rep.Unassigned > 0 {
		fmt.Fprintf(e.stdout, "%d account(s) without an owner need one (see /workload).\n", rep.Unassigned)
	}
	fmt.Fprintf(e.stderr, "computed in %.1f ms for %d managers\n", rep.Millis, len(rep.Managers))
	return nil
}

// rebalancePlan reads the board and computes the proposals, timing the
// reading and computing together.
func rebalancePlan(e *env, db *store.DB, sc account.Scope) (staffing.Workload, staffing.Plan, time.Duration, error) {
	start := time.Now()
	w, err := db.Workload(e.ctx, sc)
	if err != nil {
		return w, staffing.Plan{}, 0, err
	}
	related, err := db.Relationships(e.ctx, sc, w.Candidates(), time.Now().Add(-store.RelationshipWindow))
	if err != nil {
		return w, staffing.Plan{}, 0, err
	}
	plan := staffing.Rebalance(w, related)
	return w, plan, time.Since(start), nil
}

// cliMoney prints minor units as major units with the currency code.
func cliMoney(minor int64, currency string) string {
	if minor == 0 {
		return "-"
	}
	return fmt.Sprintf("%s %d", currency, minor/100)
}
