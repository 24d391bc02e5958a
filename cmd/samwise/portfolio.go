package main

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// portfolioCmd reads the same database as serve: the ranking is the one the
// portfolio page shows, and --recompute records revenue and tiers as the
// page's button does (run it nightly from cron).
type portfolioCmd struct {
	Rank         portfolioRankCmd         `cmd:"" help:"Print the ranking: rank, account, Strategic Score, tier and trailing-12-month revenue."`
	Tiers        portfolioTiersCmd        `cmd:"" help:"Print how many accounts and how much revenue each tier holds; --recompute records today's first."`
	Rebalance    portfolioRebalanceCmd    `cmd:"" help:"Show managers' load against capacity and the moves that bring everyone within it; --accept or --all applies them."`
	Deliverables portfolioDeliverablesCmd `cmd:"" help:"List account-team deliverables that are stale, due soon or missing; --account shows one account's team."`
}

type portfolioRankCmd struct {
	Limit int    `default:"20" help:"How many accounts to print (0: all)."`
	Tier  string `help:"Only accounts of this tier (A, B or C)." placeholder:"TIER"`
	Org   string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *portfolioRankCmd) Run(e *env) error {
	if c.Limit < 0 {
		return fmt.Errorf("--limit must be 0 or more")
	}
	t := portfolio.Tier(strings.ToUpper(c.Tier))
	if c.Tier != "" && !t.Valid() {
		return fmt.Errorf("--tier must be A, B or C")
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
	r, err := db.Ranking(e.ctx, sc)
	if err != nil {
		return err
	}
	var rows []portfolio.Row
	for _, row := range r.Rows {
		if t == "" || row.Tier == t {
			rows = append(rows, row)
		}
		if c.Limit > 0 && len(rows) == c.Limit {
			break
		}
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	accts, err := db.AccountsByID(e.ctx, sc, ids)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "RANK\tMOVE\tACCOUNT\tSCORE\tTIER\tREVENUE 12M\tSTRATEGIC\t")
	for _, row := range rows {
		rank, score := "-", "-"
		if row.Scored {
			rank, score = fmt.Sprint(row.Rank), fmt.Sprintf("%.1f", math.Round(row.Score*10)/10)
		}
		move := ""
		switch {
		case row.IsNew():
			move = "new"
		case row.Movement() > 0:
			move = fmt.Sprintf("+%d", row.Movement())
		case row.Movement() < 0:
			move = fmt.Sprint(row.Movement())
		}
		tier := string(row.Tier)
		if tier == "" {
			tier = "-"
		}
		strategic := ""
		switch row.Decision {
		case portfolio.Designated:
			strategic = "yes"
		case portfolio.Declined:
			strategic = "declined"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", rank, move, accts[row.ID].Name, score, tier, money(row.Revenue), strategic)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(r.Rows) > len(rows) && t == "" {
		fmt.Fprintf(e.stderr, "%d of %d accounts; --limit 0 prints all\n", len(rows), len(r.Rows))
	}
	return nil
}

type portfolioTiersCmd struct {
	Recompute bool   `help:"Record today's trailing-12-month revenue and tiers first (what the nightly job does)."`
	Org       string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *portfolioTiersCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, org, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	if c.Recompute {
		n, err := db.RecomputeTiers(e.ctx, sc, "recomputed from the command line")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "recorded revenue and tiers of %s: %d accounts changed tier\n", org.Name, n)
	}
	r, err := db.Ranking(e.ctx, sc)
	if err != nil {
		return err
	}
	_, at, err := db.PortfolioPolicy(e.ctx, sc)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "TIER\tACCOUNTS\tREVENUE 12M\tSHARE\t")
	untiered := len(r.Rows)
	for _, s := range r.Summary {
		var n int
		var rev int64
		for _, row := range r.Rows {
			if row.Stored == s.Tier {
				n++
				rev += max(row.Revenue, 0)
			}
		}
		untiered -= n
		share := 0.0
		if r.Revenue > 0 {
			share = 100 * float64(rev) / float64(r.Revenue)
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%.1f%%\t\n", s.Tier, n, money(rev), share)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	method := "revenue (Pareto)"
	if r.Policy.Method == portfolio.ByScore {
		method = "Strategic Score"
	}
	when := "never recorded: run with --recompute"
	if !at.IsZero() {
		when = "recorded " + at.Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(e.stderr, "tiers by %s, %s", method, when)
	if untiered > 0 {
		fmt.Fprintf(e.stderr, "; %d accounts not tiered yet", untiered)
	}
	fmt.Fprintln(e.stderr)
	return nil
}

// money prints minor units as whole major units with thousands separators.
func money(minor int64) string {
	sign, n := "", minor/100
	if n < 0 {
		sign, n = "-", -n
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}
