package web

import "net/http"

type personRow struct {
	ID       int64
	Name     string
	Email    string
	Title    string
	Manager  string
	Owned    int
	OwnedURL string
}

type peopleView struct {
	page
	Rows []personRow
}

// peopleList shows our people with their managers and how many accounts
// each owns: three queries whatever the number of people.
func (h *handler) peopleList(w http.ResponseWriter, r *http.Request) {
	v, err := h.people(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "people", v)
}

// people builds the list (the page and its export share it).
func (h *handler) people(r *http.Request) (peopleView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		return peopleView{}, err
	}
	owned, err := h.db.AccountCountsByOwner(ctx, sc)
	if err != nil {
		return peopleView{}, err
	}
	// Under need-to-know the counts would reveal how many accounts others
	// own; show only the principal's own.
	visible := h.guard.VisibleTo(ctx)
	names := personNames(people)
	v := peopleView{page: page{Title: "People", Section: "people"}}
	for _, p := range people {
		row := personRow{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Owned: owned[p.ID]}
		if visible != 0 && p.ID != visible {
			row.Owned = -1
		}
		if p.ManagerID != nil {
			row.Manager = names[*p.ManagerID]
		}
		if row.Owned > 0 {
			row.OwnedURL = accountQuery{Owner: p.ID}.url()
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}
