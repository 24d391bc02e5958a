package main

import (
	"log/slog"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// prepare readies the database for serving and returns the guard that
// decides access. TEMPORARY: until sign-in is wired, everything runs in the
// first organisation.
func (s *serveCmd) prepare(e *env, db *store.DB, log *slog.Logger) (access.Guard, error) {
	orgs, err := db.Organisations(e.ctx)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		o := account.Organisation{Name: "My Company", Slug: "default"}
		if err := db.CreateOrganisation(e.ctx, &o); err != nil {
			return nil, err
		}
		orgs = append(orgs, o)
	}
	return access.Unrestricted{S: account.Scope{OrgID: orgs[0].ID, Actor: "system"}}, nil
}
