package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
)

type modelCmd struct {
	Train modelTrainCmd `cmd:"" help:"Train the churn-risk model on the organisation's history of renewals and churn, and keep it."`
	Eval  modelEvalCmd  `cmd:"" help:"Fit the model on part of the history and print its AUC and calibration on the held-out rest (saves nothing)."`
}

type modelTrainCmd struct {
	Org string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

type modelEvalCmd struct {
	Org    string  `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
	Test   float64 `default:"0.3" help:"Share of accounts held out for evaluation, between 0 and 1."`
	Seed   uint64  `default:"1" help:"Seed of the held-out split."`
	Lambda float64 `default:"0.01" help:"L2 penalty on the standardised coefficients."`
}

func (c *modelTrainCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	run, err := db.TrainHealthModel(e.ctx, sc, account.DateOf(db.Now().UTC()))
	if err != nil {
		return err
	}
	if run.Model == nil {
		fmt.Fprintln(e.stdout, run.Message)
		return nil
	}
	m := run.Model.Metrics
	fmt.Fprintf(e.stdout, "Trained the churn model on %d renewal outcomes (%d churned): %d to fit, %d held out.\n",
		run.Outcomes, run.Churned, m.Train, m.Test)
	printAUC(e.stdout, m)
	return nil
}

func (c *modelEvalCmd) Run(e *env) error {
	if c.Test <= 0 || c.Test >= 1 {
		return errors.New("--test must be between 0 and 1")
	}
	if c.Lambda <= 0 {
		return errors.New("--lambda must be above 0")
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
	today := account.DateOf(db.Now().UTC())
	recs, err := db.HealthHistory(e.ctx, sc, today)
	if err != nil {
		return err
	}
	set, err := db.HealthSettings(e.ctx, sc)
	if err != nil {
		return err
	}
	m, err := health.Train(recs, health.Options{Lambda: c.Lambda, TestFraction: c.Test, Seed: c.Seed, Weights: set.Weights}, db.Now())
	var little *health.TooLittle
	if errors.As(err, &little) {
		fmt.Fprintln(e.stdout, little.Error())
		return nil
	}
	if err != nil {
		return err
	}
	mt := m.Metrics
	fmt.Fprintf(e.stdout, "Churn model on %d renewal outcomes: fitted on %d (%d churned), evaluated on %d held out (%d churned).\n",
		len(recs), mt.Train, mt.TrainChurned, mt.Test, mt.TestChurned)
	printAUC(e.stdout, mt)
	fmt.Fprintln(e.stdout, "\nCalibration (held-out accounts by predicted risk, in tenths):")
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "DECILE\tN\tPREDICTED\tOBSERVED\t")
	for _, b := range mt.Calibration {
		fmt.Fprintf(w, "%d\t%d\t%.1f%%\t%.1f%%\t\n", b.Decile, b.N, 100*b.Predicted, 100*b.Observed)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\nCoefficients (log-odds per standard deviation; positive raises the risk):")
	w = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for j, n := range m.Encoder.Names() {
		fmt.Fprintf(w, "  %s\t%+.3f\n", n, m.Coef[j])
	}
	return w.Flush()
}

func printAUC(out io.Writer, m health.Metrics) {
	switch {
	case m.HasAUC:
		fmt.Fprintf(out, "Held-out AUC: %.3f", m.AUC)
		if m.HasScoreAUC {
			fmt.Fprintf(out, " (rule-based health score: %.3f)", m.ScoreAUC)
		}
		fmt.Fprintln(out)
	default:
		fmt.Fprintln(out, "Held-out AUC: not defined (the held-out accounts were all of one outcome).")
	}
}
