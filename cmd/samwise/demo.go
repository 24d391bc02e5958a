package main

import (
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/demo"
)

type demoCmd struct{}

func (demoCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := demo.Install(e.ctx, db, time.Now())
	if err != nil {
		return err
	}
	if err := demo.Seed(e.ctx, db, res.Scope, time.Now()); err != nil {
		return err
	}
	if !res.Loaded {
		_, err = fmt.Fprintf(e.stdout, "Organisation %q (%s) already has accounts; nothing loaded.\n", res.Org.Slug, res.Org.Name)
		return err
	}
	c := res.Counts
	_, err = fmt.Fprintf(e.stdout, "Loaded the demo portfolio into organisation %q (%s): %d people, %d accounts, %d stakeholders, %d touches, %d opportunities, %d contracts.\n",
		res.Org.Slug, res.Org.Name, c.People, c.Accounts, c.Stakeholders, c.Touches, c.Opportunities, c.Contracts)
	return err
}
