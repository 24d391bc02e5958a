package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// coverageCmd prints the relationship coverage findings (package intel)
// across the portfolio, or the accounts one person owns or serves.
type coverageCmd struct {
	Org          string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
	Rule         string `help:"Only findings of this rule: departed_key_player, unknown_decision_maker, influential_blocker, single_threaded, level_gap, quiet_champion." placeholder:"RULE"`
	Person       string `help:"Only the accounts this person (one of our people, by e-mail) owns or is on the team of." placeholder:"EMAIL"`
	QuietDays    int    `default:"60" help:"A champion not touched for more days than this has gone quiet."`
	DepartedDays int    `default:"90" help:"Departures of champions and decision makers are raised for this many days."`
	Zone         string `default:"UTC" help:"Time zone whose calendar days count, e.g. Europe/Paris." placeholder:"ZONE"`
	JSON         bool   `name:"json" help:"Print the findings as JSON."`
}

func (c *coverageCmd) Run(e *env) error {
	rule, err := intel.ParseRule(c.Rule)
	if err != nil {
		return err
	}
	if c.QuietDays < 1 || c.DepartedDays < 1 {
		return account.Invalid("quiet_days", "and --departed-days must be 1 or more")
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return account.Invalid("zone", "must be a time zone such as UTC or Europe/Paris")
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
	var scope store.MapScope
	if c.Person != "" {
		want := strings.ToLower(strings.TrimSpace(c.Person))
		people, err := db.AllPeople(e.ctx, sc)
		if err != nil {
			return err
		}
		for _, p := range people {
			if p.Email == want {
				scope.VisibleTo = p.ID
			}
		}
		if scope.VisibleTo == 0 {
			return account.Errorf(account.ENOTFOUND, "No person has the e-mail %s.", want)
		}
	}
	today := account.DateOf(db.Now().In(loc))
	all, err := db.Coverage(e.ctx, sc, scope, today, intel.CoverageOptions{QuietDays: c.QuietDays, DepartedDays: c.DepartedDays}, loc)
	if err != nil {
		return err
	}
	fs := make([]intel.Finding, 0, len(all))
	for _, f := range all {
		if rule == "" || f.Rule == rule {
			fs = append(fs, f)
		}
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			AsOf     string          `json:"as_of"`
			Counts   map[string]int  `json:"counts"`
			Findings []intel.Finding `json:"findings"`
		}{today.String(), countsOf(fs), fs})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SEVERITY\tRULE\tACCOUNT\tMANAGER\tWHO\tDETAIL")
	for _, f := range fs {
		who := f.StakeholderName
		if who == "" && f.PersonName != "" {
			who = f.PersonName + " (ours)"
		}
		if who == "" {
			who = account.Label(f.Level)
		}
		manager := f.OwnerName
		if manager == "" {
			manager = "unassigned"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Rule, f.AccountName, manager, who, f.Detail)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var parts []string
	counts := countsOf(fs)
	for _, r := range intel.Rules {
		if n := counts[string(r)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(intel.RuleLabel(r))))
		}
	}
	summary := "none"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	fmt.Fprintf(e.stderr, "%s: %d coverage findings (%s).\n", today, len(fs), summary)
	return nil
}

func countsOf(fs []intel.Finding) map[string]int {
	out := map[string]int{}
	for r, n := range intel.CountByRule(fs) {
		out[string(r)] = n
	}
	return out
}
