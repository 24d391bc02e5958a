// Package web renders samwise's pages: server-side HTML from html/template
// (embedded, parsed once at start, one typed view struct per page), a base
// layout, our own CSS and a little vanilla JavaScript served from /static/.
//
// Pages work without JavaScript: every change is a form that POSTs and then
// redirects (303) to a page that shows the result; GET never changes state.
// The script only enhances (collapsing the navigation on phones, submitting
// filters as they change). Nothing inline — no <script> blocks, no event
// handler attributes, no style attributes — so a strict Content-Security-
// Policy can forbid them.
//
// Every route is declared in routes.go with the access.Rule it requires; the
// wrapper there asks the Guard before the handler runs, and handlers ask the
// Guard again about the particular account (need-to-know, and which parts of
// it the principal may edit).
//
// Storage is reached through *store.DB directly rather than through
// interfaces of the domain packages (as STYLE.md suggests): the pages are
// thin views over the store's lists, there is no second implementation to
// swap in, and the tests run against real SQLite and PostgreSQL anyway. A
// page makes a bounded number of queries whatever the number of rows (names
// come from one AllPeople call, never one query per row).
//
// Times are shown in the location of the clock Deps.Now returns (the
// server's local zone in production) until users have time zones of their
// own; the "when" of a touch typed into a form is read in the same zone.
//
// web must not import internal/api or internal/server; the server wires
// sign-in, sessions and CSRF protection around the handlers registered here.
package web
