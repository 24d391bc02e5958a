package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// TestStoredScriptInEveryFreeTextFieldRendersInert fills every free-text
// field of every record kind with markup and checks that no page shows it
// as markup.
func TestStoredScriptInEveryFreeTextFieldRendersInert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newWorld(t, d)
		p := &account.Person{Name: "P" + xss, Email: "xss@example.com", Title: xss}
		must(t, w.db.CreatePerson(ctx, w.sc, p))
		a := &account.Account{Name: "A" + xss, Domain: "xss.example", Industry: xss, Region: xss, Country: xss,
			ExternalID: xss, OwnerID: &p.ID, Lifecycle: account.Customer}
		must(t, w.db.CreateAccount(ctx, w.sc, a))
		s := &account.Stakeholder{AccountID: a.ID, Name: "S" + xss, Title: xss, Phone: "<img src=x onerror=1>", ExternalID: xss}
		must(t, w.db.CreateStakeholder(ctx, w.sc, s))
		must(t, w.db.CreateTouch(ctx, w.sc, &account.Touch{AccountID: a.ID, Kind: account.Meeting, OccurredAt: time.Now(),
			Summary: xss, NextStep: xss, PeopleIDs: []int64{p.ID}, StakeholderIDs: []int64{s.ID}}))
		must(t, w.db.CreateOpportunity(ctx, w.sc, &account.Opportunity{AccountID: a.ID, Name: "O" + xss, Product: xss, ExternalID: xss}))
		must(t, w.db.CreateContract(ctx, w.sc, &account.Contract{AccountID: a.ID, Product: "C" + xss, ExternalID: xss,
			Start: account.Date{Year: 2026, Month: 1, Day: 1}}))
		a.Industry = xss + "2"
		must(t, w.db.UpdateAccount(ctx, w.sc, a)) // an audit entry with markup in old and new values

		for _, path := range []string{"/accounts", fmt.Sprintf("/accounts/%d", a.ID), fmt.Sprintf("/accounts/%d/edit", a.ID),
			fmt.Sprintf("/stakeholders/%d/edit", s.ID), "/people", "/admin/audit", "/accounts?q=" + "%3Cscript%3E"} {
			code, body := w.get(t, auth.RoleAdministrator, path)
			if code != 200 {
				t.Errorf("GET %s = %d", path, code)
				continue
			}
			for _, raw := range []string{"<script>alert", "<img src=x"} {
				if strings.Contains(body, raw) {
					t.Errorf("GET %s shows %q unescaped", path, raw)
				}
			}
		}
	})
}

// TestAnotherOrganisationsRecordsAreNeverReachable creates a second
// organisation with its own administrator and checks every record kind of
// the first by id, through the pages and the API: 404, never the data.
func TestAnotherOrganisationsRecordsAreNeverReachable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newWorld(t, d)
		other := account.Organisation{Name: "Rival", Slug: fmt.Sprintf("rival-%d", w.sc.OrgID)}
		must(t, w.db.CreateOrganisation(ctx, &other))
		osc := account.Scope{OrgID: other.ID, Actor: "test"}
		spy := auth.User{Email: fmt.Sprintf("spy%d@rival.example", other.ID), Name: "Spy", Role: auth.RoleAdministrator}
		must(t, w.db.CreateUser(ctx, osc, &spy))
		w.users["spy"] = spy
		paths := []string{fmt.Sprintf("/accounts/%d", w.ids["accounts"]), fmt.Sprintf("/accounts/%d/edit", w.ids["accounts"]),
			fmt.Sprintf("/stakeholders/%d/edit", w.ids["stakeholders"])}
		for kind, id := range w.ids {
			if kind == "tokens" || kind == "users" {
				continue
			}
			paths = append(paths, fmt.Sprintf("/api/v1/%s/%d", kind, id))
		}
		for _, path := range paths {
			code, body := w.get(t, "spy", path)
			if code != http.StatusNotFound {
				t.Errorf("spy GET %s = %d, want 404: %.200s", path, code, body)
			}
		}
		code, body := w.get(t, "spy", "/api/v1/accounts")
		if code != 200 || strings.Contains(body, "Owned") {
			t.Errorf("spy's account list = %d %s", code, body)
		}
		// Writes by id are refused the same way.
		req, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/v1/accounts/%d", w.url, w.ids["accounts"]), nil)
		res := w.do(t, "spy", req)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("spy DELETE account = %d", res.StatusCode)
		}
		if _, err := w.db.Account(ctx, w.sc, w.ids["accounts"]); err != nil {
			t.Errorf("the account is gone: %v", err)
		}
	})
}

// TestBadBodiesAnswer4xx sends malformed and oversized bodies to a form and
// an API operation.
func TestBadBodiesAnswer4xx(t *testing.T) {
	w := newWorld(t, store.SQLite)
	big := bytes.Repeat([]byte("a"), 2<<20)
	cases := []struct {
		name, method, path, ctype string
		body                      []byte
	}{
		{"malformed JSON", "POST", "/api/v1/accounts", "application/json", []byte(`{"name": `)},
		{"JSON of the wrong shape", "POST", "/api/v1/accounts", "application/json", []byte(`[1,2,3]`)},
		{"oversized JSON", "POST", "/api/v1/accounts", "application/json", append([]byte(`{"name":"`), append(big, '"', '}')...)},
		{"oversized form", "POST", "/accounts", "application/x-www-form-urlencoded", append([]byte("name="), big...)},
		{"malformed form", "POST", "/accounts", "application/x-www-form-urlencoded", []byte("name=%zz")},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, w.url+c.path, bytes.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		res := w.do(t, auth.RoleAdministrator, req)
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("%s: %d, want 4xx", c.name, res.StatusCode)
		}
	}
}

func (w *world) do(t *testing.T, role auth.Role, req *http.Request) *http.Response {
	t.Helper()
	secret, _, err := w.db.CreateSession(context.Background(), w.users[role], time.Hour, "test", "127.0.0.1")
	must(t, err)
	req.AddCookie(&http.Cookie{Name: "samwise_session", Value: secret})
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	must(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (w *world) get(t *testing.T, role auth.Role, path string) (int, string) {
	t.Helper()
	secret, _, err := w.db.CreateSession(context.Background(), w.users[role], time.Hour, "test", "127.0.0.1")
	must(t, err)
	req, _ := http.NewRequest("GET", w.url+path, nil)
	req.AddCookie(&http.Cookie{Name: "samwise_session", Value: secret})
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
