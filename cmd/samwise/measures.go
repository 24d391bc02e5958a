package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// graderCmd prints the ten-check account-management grader, the same
// figures as /measures and GET /api/v1/grader.
type graderCmd struct {
	Account int64  `help:"Grade one account and list its ten checks." placeholder:"ID"`
	JSON    bool   `name:"json" help:"Print JSON instead of a table."`
	Org     string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *graderCmd) Run(e *env) error {
	if c.Account < 0 {
		return fmt.Errorf("--account must be an account id")
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	grades, err := db.Grades(e.ctx, sc, store.GraderScope{AccountID: c.Account}, account.DateOf(time.Now().UTC()))
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if c.Account != 0 {
			return enc.Encode(grades[0])
		}
		return enc.Encode(struct {
			Portfolio measure.Portfolio `json:"portfolio"`
			Grades    []measure.Grade   `json:"grades"`
		}{measure.Summarise(grades), grades})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if c.Account != 0 {
		g := grades[0]
		fmt.Fprintf(e.stdout, "%s: %d/10, %s\n\n", g.AccountName, g.Score, g.Band.Label())
		fmt.Fprintln(w, "#\tCHECK\tRESULT\tWHY\tFIX")
		for _, ch := range g.Checks {
			res := "pass"
			if !ch.Pass {
				res = "FAIL"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", ch.N, ch.Title, res, ch.Why, ch.FixURL)
		}
		return w.Flush()
	}
	if len(grades) == 0 {
		fmt.Fprintln(e.stdout, "No accounts to grade yet.")
		return nil
	}
	fmt.Fprintln(w, "ID\tACCOUNT\tSCORE\tBAND\tFAILING")
	for _, g := range grades {
		var failing []string
		for _, ch := range g.Failing() {
			failing = append(failing, fmt.Sprint(ch.N))
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\n", g.AccountID, g.AccountName, g.Score, g.Band.Label(), strings.Join(failing, ","))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	p := measure.Summarise(grades)
	fmt.Fprintf(e.stdout, "\n%d accounts, average %.1f: %d doing well, %d areas to work on, %d at risk.\n",
		p.Accounts, p.Average, p.Bands[measure.DoingWell], p.Bands[measure.WorkOn], p.Bands[measure.AtRisk])
	if len(p.Weakest) > 0 && p.Weakest[0].Failing > 0 {
		fmt.Fprintf(e.stdout, "Weakest check: %d. %s (%d failing).\n", p.Weakest[0].N, p.Weakest[0].Title, p.Weakest[0].Failing)
	}
	return nil
}
