package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// fixture holds records the resources under test refer to.
type fixture struct{ person, account, stakeholder int64 }

func (e *env) fixture() fixture {
	e.t.Helper()
	var f fixture
	f.person = e.create("people", map[string]any{"name": "Pat Owner", "email": "pat@example.com"})
	f.account = e.create("accounts", map[string]any{"name": "Fixture Ltd"})
	f.stakeholder = e.create("stakeholders", map[string]any{"account_id": f.account, "name": "Sam Stake"})
	return f
}

// fields checks that the JSON object body has the wanted values.
func fields(t *testing.T, body []byte, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	// Compare through JSON so that numbers and nested values have one form.
	raw, _ := json.Marshal(want)
	var norm map[string]any
	_ = json.Unmarshal(raw, &norm)
	for k, w := range norm {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s = %#v, want %#v (body %s)", k, got[k], w, body)
		}
	}
}

func TestEachResourceIsCreatedReadUpdatedAndDeleted(t *testing.T) {
	cases := []struct {
		name       string
		collection string
		create     func(f fixture) map[string]any
		created    map[string]any // fields the new record has, defaults included
		put        func(f fixture) map[string]any
		putWant    map[string]any
		patch      map[string]any
		patchWant  map[string]any // after the patch; fields it did not name keep their PUT values
	}{
		{
			name: "account", collection: "accounts",
			create: func(f fixture) map[string]any {
				return map[string]any{"name": "  Globex  ", "domain": "https://Globex.example/", "annual_revenue": 12_500_000_00, "owner_id": f.person}
			},
			created: map[string]any{"name": "Globex", "domain": "globex.example", "currency": "USD", "lifecycle": "prospect", "parent_id": nil},
			put: func(f fixture) map[string]any {
				return map[string]any{"name": "Globex", "industry": "Energy", "country": "DE", "lifecycle": "customer", "parent_id": f.account}
			},
			putWant:   map[string]any{"industry": "Energy", "owner_id": nil, "annual_revenue": 0, "lifecycle": "customer"},
			patch:     map[string]any{"parent_id": nil, "employees": 250},
			patchWant: map[string]any{"parent_id": nil, "employees": 250, "industry": "Energy", "country": "DE"},
		},
		{
			name: "stakeholder", collection: "stakeholders",
			create: func(f fixture) map[string]any {
				return map[string]any{"account_id": f.account, "name": "Dana Decider", "email": "Dana@Client.example"}
			},
			created: map[string]any{"email": "dana@client.example", "level": "operational", "buying_role": "unknown", "active": true},
			put: func(fixture) map[string]any {
				return map[string]any{"name": "Dana Decider", "title": "CFO", "level": "executive", "buying_role": "decision_maker"}
			},
			putWant:   map[string]any{"title": "CFO", "email": "", "active": true},
			patch:     map[string]any{"active": false},
			patchWant: map[string]any{"active": false, "title": "CFO", "level": "executive"},
		},
		{
			name: "person", collection: "people",
			create: func(fixture) map[string]any {
				return map[string]any{"name": "Kim Colleague", "email": "Kim@Our.example"}
			},
			created: map[string]any{"email": "kim@our.example", "manager_id": nil},
			put: func(f fixture) map[string]any {
				return map[string]any{"name": "Kim Colleague", "email": "kim@our.example", "manager_id": f.person, "title": "AM"}
			},
			putWant:   map[string]any{"title": "AM"},
			patch:     map[string]any{"manager_id": nil},
			patchWant: map[string]any{"manager_id": nil, "title": "AM"},
		},
		{
			name: "touch", collection: "touches",
			create: func(f fixture) map[string]any {
				return map[string]any{"account_id": f.account, "kind": "meeting", "occurred_at": "2026-02-03T09:30:00.123456+01:00",
					"summary": "Quarterly check-in", "people_ids": []int64{f.person, f.person}, "stakeholder_ids": []int64{f.stakeholder}}
			},
			created: map[string]any{"occurred_at": "2026-02-03T08:30:00.123Z", "next_step": ""},
			put: func(f fixture) map[string]any {
				return map[string]any{"kind": "call", "occurred_at": "2026-02-04T10:00:00Z", "summary": "Follow-up", "people_ids": []int64{f.person}}
			},
			putWant:   map[string]any{"kind": "call", "stakeholder_ids": []int64{}},
			patch:     map[string]any{"next_step": "Send the proposal"},
			patchWant: map[string]any{"next_step": "Send the proposal", "summary": "Follow-up", "kind": "call"},
		},
		{
			name: "opportunity", collection: "opportunities",
			create: func(f fixture) map[string]any {
				return map[string]any{"account_id": f.account, "name": "Renewal 2027", "kind": "renewal", "amount": 4_800_000, "expected_close": "2026-11-30"}
			},
			created: map[string]any{"stage": "prospecting", "currency": "USD", "actual_close": nil, "expected_close": "2026-11-30", "owner_id": nil},
			put: func(f fixture) map[string]any {
				return map[string]any{"name": "Renewal 2027", "kind": "renewal", "stage": "won", "actual_close": "2026-10-01", "owner_id": f.person, "currency": "EUR"}
			},
			putWant:   map[string]any{"stage": "won", "expected_close": nil, "amount": 0, "currency": "EUR"},
			patch:     map[string]any{"amount": 5_000_000},
			patchWant: map[string]any{"amount": 5_000_000, "stage": "won", "actual_close": "2026-10-01"},
		},
		{
			name: "contract", collection: "contracts",
			create: func(f fixture) map[string]any {
				return map[string]any{"account_id": f.account, "product": "Analytics", "annual_value": 36_000_00, "start": "2026-01-01", "end": "2026-12-31"}
			},
			created: map[string]any{"status": "active", "auto_renew": false, "end": "2026-12-31"},
			put: func(fixture) map[string]any {
				return map[string]any{"product": "Analytics+", "start": "2026-02-01", "auto_renew": true, "status": "pending"}
			},
			putWant:   map[string]any{"end": nil, "annual_value": 0, "auto_renew": true},
			patch:     map[string]any{"end": "2027-01-31", "status": "active"},
			patchWant: map[string]any{"end": "2027-01-31", "status": "active", "product": "Analytics+", "start": "2026-02-01"},
		},
	}
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := *e
				e.t = t

				r := e.do(http.MethodPost, "/api/v1/"+c.collection, c.create(f))
				want(t, r, http.StatusCreated)
				var rec struct {
					ID        int64  `json:"id"`
					CreatedAt string `json:"created_at"`
				}
				r.decode(t, &rec)
				if rec.ID == 0 || rec.CreatedAt == "" {
					t.Fatalf("the created record has no id or created_at: %s", r.Body)
				}
				fields(t, r.Body, c.created)
				loc := r.Header.Get("Location")
				if loc != path("/api/v1/%s/%d", c.collection, rec.ID) {
					t.Errorf("Location = %q", loc)
				}

				got := e.do(http.MethodGet, loc, nil)
				want(t, got, http.StatusOK)
				if string(got.Body) != string(r.Body) {
					t.Errorf("read after create differs:\n got %s\nwant %s", got.Body, r.Body)
				}

				r = e.do(http.MethodPut, loc, c.put(f))
				want(t, r, http.StatusOK)
				fields(t, r.Body, c.put(f))
				fields(t, r.Body, c.putWant)

				r = e.do(http.MethodPatch, loc, c.patch)
				want(t, r, http.StatusOK)
				fields(t, r.Body, c.patchWant)
				got = e.do(http.MethodGet, loc, nil)
				if string(got.Body) != string(r.Body) {
					t.Errorf("read after patch differs:\n got %s\nwant %s", got.Body, r.Body)
				}

				ids, _ := e.ids("/api/v1/" + c.collection + "?limit=500")
				if !contains(ids, rec.ID) {
					t.Errorf("the list does not show %d: %v", rec.ID, ids)
				}

				r = e.do(http.MethodDelete, loc, nil)
				want(t, r, http.StatusNoContent)
				if len(r.Body) != 0 {
					t.Errorf("DELETE answered a body: %s", r.Body)
				}
				r = e.do(http.MethodGet, loc, nil)
				want(t, r, http.StatusNotFound)
				r.problem(t)
				want(t, e.do(http.MethodDelete, loc, nil), http.StatusNotFound)
			})
		}
	})
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func TestDeletingAnAccountRemovesItsRecordsAndIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		want(t, e.do(http.MethodDelete, path("/api/v1/accounts/%d", f.account), nil), http.StatusNoContent)
		want(t, e.do(http.MethodGet, path("/api/v1/stakeholders/%d", f.stakeholder), nil), http.StatusNotFound)
		r := e.do(http.MethodGet, path("/api/v1/audit?entity=account&entity_id=%d", f.account), nil)
		want(t, r, http.StatusOK)
		var page struct {
			Items []AuditEntry `json:"items"`
		}
		r.decode(t, &page)
		if len(page.Items) != 2 || page.Items[0].Action != "delete" || page.Items[1].Action != "create" {
			t.Fatalf("audit trail of the account: %s", r.Body)
		}
		if page.Items[0].UserID != e.sc.UserID || page.Items[0].Actor != e.sc.Actor {
			t.Errorf("the trail names %d %q, want the guard's scope %d %q", page.Items[0].UserID, page.Items[0].Actor, e.sc.UserID, e.sc.Actor)
		}
	})
}

func TestNullForAnOptionalFieldMeansItsDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		r := e.do(http.MethodPost, "/api/v1/accounts", `{"name":"Nully","currency":null,"lifecycle":null,"owner_id":null,"domain":null}`)
		want(t, r, http.StatusCreated)
		fields(t, r.Body, map[string]any{"currency": "USD", "lifecycle": "prospect", "owner_id": nil, "domain": ""})
		var a Account
		r.decode(t, &a)
		r = e.do(http.MethodPost, "/api/v1/stakeholders", map[string]any{"account_id": a.ID, "name": "N", "active": nil, "level": nil})
		want(t, r, http.StatusCreated)
		fields(t, r.Body, map[string]any{"active": true, "level": "operational"})
		// In a patch, null clears an optional field and is refused for one
		// that always has a value.
		r = e.do(http.MethodPatch, path("/api/v1/accounts/%d", a.ID), `{"industry":"Retail","currency":"EUR"}`)
		want(t, r, http.StatusOK)
		r = e.do(http.MethodPatch, path("/api/v1/accounts/%d", a.ID), `{"industry":null,"currency":null}`)
		want(t, r, http.StatusOK)
		fields(t, r.Body, map[string]any{"industry": "", "currency": "USD", "name": "Nully"})
		r = e.do(http.MethodPatch, path("/api/v1/accounts/%d", a.ID), `{"name":null}`)
		want(t, r, http.StatusBadRequest)
	})
}
