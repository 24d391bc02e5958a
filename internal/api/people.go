package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// PersonInput is what a client sets on one of our people.
type PersonInput struct {
	Name       string `json:"name" minLength:"1" maxLength:"200"`
	Email      string `json:"email" minLength:"3" maxLength:"254" doc:"Work e-mail address, unique in the organisation."`
	Title      string `json:"title,omitempty" maxLength:"200"`
	ManagerID  *int64 `json:"manager_id,omitempty" nullable:"true" minimum:"1" doc:"Their people manager (a person id), or null."`
	ExternalID string `json:"external_id,omitempty" maxLength:"200"`
}

// Person is one of our people as the API returns them.
type Person struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Title      string    `json:"title"`
	ManagerID  *int64    `json:"manager_id"`
	ExternalID string    `json:"external_id"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (in PersonInput) record(id int64) account.Person {
	return account.Person{ID: id, Name: in.Name, Email: in.Email, Title: in.Title, ManagerID: in.ManagerID, ExternalID: in.ExternalID}
}

func personInput(p account.Person) PersonInput {
	return PersonInput{Name: p.Name, Email: p.Email, Title: p.Title, ManagerID: p.ManagerID, ExternalID: p.ExternalID}
}

func personOut(p account.Person) Person {
	return Person{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, ManagerID: p.ManagerID, ExternalID: p.ExternalID,
		CreatedAt: instant(p.CreatedAt), UpdatedAt: instant(p.UpdatedAt)}
}

type listPeopleInput struct {
	PageParams
	Sort    string `query:"sort" enum:"name,-name,email,-email,updated_at,-updated_at" default:"name" doc:"Order of the list; a leading - sorts descending."`
	Manager int64  `query:"manager" minimum:"1" doc:"Only the direct reports of this person."`
	Q       string `query:"q" maxLength:"200" doc:"Matches name or email, case-insensitively."`
}

// People are our own colleagues, not an account's records: reading and
// changing them needs only the route's rule.
func (h *handlers) listPeople(ctx context.Context, in *listPeopleInput) (*listOutput[Person], error) {
	f := account.PersonFilter{Page: in.page(in.Sort), ManagerID: in.Manager, Q: in.Q}
	recs, next, err := h.db.People(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, personOut), nil
}

func (h *handlers) getPerson(ctx context.Context, in *getInput) (*one[Person], error) {
	p, err := h.db.Person(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Person]{Body: personOut(p)}, nil
}

func (h *handlers) createPerson(ctx context.Context, in *createInput[PersonInput]) (*created[Person], error) {
	p := in.Body.record(0)
	if err := h.db.CreatePerson(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return &created[Person]{Location: location("people", p.ID), Body: personOut(p)}, nil
}

func (h *handlers) putPerson(ctx context.Context, in *putInput[PersonInput]) (*one[Person], error) {
	return h.savePerson(ctx, in.ID, in.Body)
}

func (h *handlers) patchPerson(ctx context.Context, in *patchInput[PersonInput]) (*one[Person], error) {
	cur, err := h.db.Person(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	merged, err := in.Body.apply(personInput(cur))
	if err != nil {
		return nil, err
	}
	return h.savePerson(ctx, in.ID, merged)
}

func (h *handlers) savePerson(ctx context.Context, id int64, in PersonInput) (*one[Person], error) {
	p := in.record(id)
	if err := h.db.UpdatePerson(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return &one[Person]{Body: personOut(p)}, nil
}

func (h *handlers) deletePerson(ctx context.Context, in *deleteInput) (*struct{}, error) {
	return nil, h.db.DeletePerson(ctx, h.guard.Scope(ctx), in.ID)
}
