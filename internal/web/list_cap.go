package web

import (
	"net/http"
	"net/url"
)

// listShown is how many rows a long list page shows unless asked for all
// with ?all=1: on a 100,000-account portfolio a page of every row weighed
// tens or hundreds of megabytes. Summary counts and the page's exports
// still cover every row.
const listShown = 100

// capped describes a list cut to its first rows: Shown of Total, with
// AllURL the same page (same filters and sort) with every row.
type capped struct {
	Shown, Total int
	AllURL       string
}

// Capped reports whether rows were left out.
func (c capped) Capped() bool { return c.Shown < c.Total }

// showAll reports whether the request asks for every row (?all=1).
func showAll(r *http.Request) bool { return r.URL.Query().Get("all") == "1" }

// capOf is the cap for a list of total rows on the page of r: every row
// when r asks for all, else the first listShown.
func capOf(r *http.Request, total int) capped {
	c := capped{Shown: total, Total: total}
	if !showAll(r) {
		c.Shown = min(total, listShown)
	}
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		q[k] = vs
	}
	q.Set("all", "1")
	c.AllURL = r.URL.Path + "?" + q.Encode()
	return c
}

// capRows cuts rows to the cap of the page of r.
func capRows[T any](r *http.Request, rows []T) ([]T, capped) {
	c := capOf(r, len(rows))
	return rows[:c.Shown], c
}
