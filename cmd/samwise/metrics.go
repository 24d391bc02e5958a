package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
)

// metricsCmd prints the outcome measures the /outcomes page shows, from the
// same database (formulas in docs/outcomes.md).
type metricsCmd struct {
	Retention metricsRetentionCmd `cmd:"" help:"Logo retention, gross and net revenue retention over [--from, --to), by tier and strategic against the rest."`
	Revenue   metricsRevenueCmd   `cmd:"" help:"Pipeline by stage weighted by probability, won business and win rate, per manager."`
	Roi       metricsROICmd       `cmd:"" name:"roi" help:"Whether the strategic-account program pays, with every input."`
}

// metricsPeriod are the flags every measure takes.
type metricsPeriod struct {
	From string `help:"First day of the period, YYYY-MM-DD (default: see each command)." placeholder:"DAY"`
	To   string `help:"The first day after the period, YYYY-MM-DD." placeholder:"DAY"`
	JSON bool   `name:"json" help:"Print JSON instead of a table."`
	Org  string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

// period reads --from and --to with defaults.
func (p metricsPeriod) period(defFrom, defTo account.Date) (account.Date, account.Date, error) {
	from, to := defFrom, defTo
	var err error
	if p.From != "" {
		if from, err = account.ParseDate(p.From); err != nil {
			return from, to, fmt.Errorf("--from: %w", err)
		}
	}
	if p.To != "" {
		if to, err = account.ParseDate(p.To); err != nil {
			return from, to, fmt.Errorf("--to: %w", err)
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("--to must be after --from")
	}
	return from, to, nil
}

func lastYearDates() (account.Date, account.Date) {
	today := account.DateOf(time.Now())
	return today.AddDays(-365), today
}

func tierFlag(t string) (string, error) {
	switch t = strings.ToUpper(strings.TrimSpace(t)); t {
	case "", "A", "B", "C", "-":
		return t, nil
	}
	return "", fmt.Errorf("--tier must be A, B, C or - (not tiered)")
}

func pctText(v float64) string { return fmt.Sprintf("%.1f%%", math.Round(v*1000)/10) }

func minor(v int64) string { return fmt.Sprintf("%.2f", float64(v)/100) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type metricsRetentionCmd struct {
	metricsPeriod
	Tier string `help:"Only accounts of this tier (A, B, C, or - for not tiered)." placeholder:"TIER"`
}

func (c *metricsRetentionCmd) Run(e *env) error {
	from, to, err := c.period(lastYearDates())
	if err != nil {
		return err
	}
	tier, err := tierFlag(c.Tier)
	if err != nil {
		return err
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
	rep, err := db.RetentionReport(e.ctx, sc, from, to, tier)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "Retention %s to %s (first day after); target %s of key accounts: %s\n\n", from, to, pctText(rep.Target),
		map[bool]string{true: "met", false: "not met"}[rep.TargetMet])
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "ACCOUNTS\tCOHORT\tKEPT\tSTART ARR\tEND ARR\tLOGO\tGRR\tNRR\t")
	row := func(label string, r outcome.Retention) {
		if !r.Defined {
			fmt.Fprintf(w, "%s\t%d\t-\t-\t-\t-\t-\t-\t\n", label, r.Cohort)
			return
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", label, r.Cohort, r.Retained, minor(r.StartARR), minor(r.EndARR),
			pctText(r.Logo), pctText(r.GRR), pctText(r.NRR))
	}
	row("all", rep.All)
	row("strategic", rep.Strategic)
	row("rest", rep.Rest)
	for _, t := range []string{"A", "B", "C", ""} {
		if r := rep.Tiers[t]; r.Cohort > 0 {
			row("tier "+cmpStr(t, "-"), r)
		}
	}
	return w.Flush()
}

func cmpStr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

type metricsRevenueCmd struct {
	metricsPeriod
	Tier string `help:"Only accounts of this tier (A, B, C, or - for not tiered)." placeholder:"TIER"`
}

func (c *metricsRevenueCmd) Run(e *env) error {
	y := time.Now().Year()
	from, to, err := c.period(account.Date{Year: y, Month: 1, Day: 1}, account.Date{Year: y + 1, Month: 1, Day: 1})
	if err != nil {
		return err
	}
	tier, err := tierFlag(c.Tier)
	if err != nil {
		return err
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
	m, err := db.Revenue(e.ctx, sc, from, to, tier)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(e.stdout, m.RevenueReport)
	}
	a := m.All
	win := "-"
	if a.WinDefined {
		win = pctText(a.WinRate)
	}
	fmt.Fprintf(e.stdout, "Revenue %s to %s (%s): won %s (%d), lost %d, win rate %s\n\n", from, to, m.Currency, minor(a.Won), a.WonCount, a.LostCount, win)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "STAGE\tOPEN\tAMOUNT\tPROBABILITY\tWEIGHTED\t")
	for _, s := range a.Pipeline {
		fmt.Fprintf(w, "%s\t%d\t%s\t%g%%\t%s\t\n", s.Stage, s.Count, minor(s.Amount), s.Probability, minor(s.Weighted))
	}
	fmt.Fprintf(w, "total\t\t%s\t\t%s\t\n", minor(a.Open), minor(a.Weighted))
	if err := w.Flush(); err != nil {
		return err
	}
	ids := make([]int64, 0, len(m.Managers))
	for id := range m.Managers {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y int64) int { return strings.Compare(m.Names[x], m.Names[y]) })
	fmt.Fprintln(e.stdout)
	w = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "MANAGER\tWON\tGOAL\tOF GOAL\tWIN RATE\tWEIGHTED\t")
	for _, id := range ids {
		r := m.Managers[id]
		name := cmpStr(m.Names[id], "(no owner)")
		goal, share, wr := "-", "-", "-"
		if r.Goal > 0 {
			goal, share = minor(r.Goal), pctText(r.GoalShare)
		}
		if r.WinDefined {
			wr = pctText(r.WinRate)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, minor(r.Won), goal, share, wr, minor(r.Weighted))
	}
	return w.Flush()
}

type metricsROICmd struct {
	metricsPeriod
}

func (c *metricsROICmd) Run(e *env) error {
	from, to, err := c.period(lastYearDates())
	if err != nil {
		return err
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
	roi, _, err := db.ProgramROI(e.ctx, sc, from, to, time.Local)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(e.stdout, struct {
			From, To account.Date
			outcome.ROI
		}{from, to, roi})
	}
	verdict := "not enough data (needs strategic and other accounts with ARR at the start, and team time)"
	if roi.Defined {
		verdict = "ROI " + pctText(roi.Value) + map[bool]string{true: ": the program pays", false: ": the program does not pay yet"}[roi.Pays]
	}
	fmt.Fprintf(e.stdout, "Program ROI %s to %s: %s\n\n", from, to, verdict)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, l := range [][2]string{
		{"strategic ARR at start", minor(roi.StrategicStart) + fmt.Sprintf(" (%d accounts)", roi.StrategicAccounts)},
		{"strategic NRR", pctText(roi.StrategicNRR)},
		{"NRR of the rest", pctText(roi.RestNRR) + fmt.Sprintf(" (%d accounts)", roi.RestAccounts)},
		{"expected ARR without the program", minor(roi.Expected)},
		{"actual ARR", minor(roi.Actual)},
		{"extra ARR", minor(roi.ExtraARR)},
		{"margin × years", fmt.Sprintf("%g%% × %.2f", roi.MarginPercent, roi.Years)},
		{"extra margin", minor(roi.ExtraMargin)},
		{"team hours", fmt.Sprintf("%.1f", roi.Hours)},
		{"cost per hour", minor(roi.CostPerHour)},
		{"cost of team time", minor(roi.Cost)},
	} {
		fmt.Fprintf(w, "%s\t%s\n", l[0], l[1])
	}
	for _, t := range roi.Touches {
		fmt.Fprintf(w, "  %s\t%d × %g h\n", t.Kind, t.Count, t.Hours)
	}
	return w.Flush()
}
