package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// world is an organisation with a user in every role and one record of each
// kind, on an account owned by the account manager with the team member on
// its team.
type world struct {
	db    *store.DB
	sc    account.Scope
	srv   *server.Server
	url   string
	users map[auth.Role]auth.User
	ids   map[string]int64 // path segment before {id} → id to use
}

func newWorld(t *testing.T, d store.Dialect) *world {
	t.Helper()
	ctx := context.Background()
	db, sc := storetest.New(t, d)
	w := &world{db: db, sc: sc, users: map[auth.Role]auth.User{}, ids: map[string]int64{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	people := map[auth.Role]*account.Person{}
	for _, r := range auth.Roles {
		p := &account.Person{Name: string(r), Email: string(r) + "@" + sc.Actor + fmt.Sprint(sc.OrgID) + ".example.com"}
		must(db.CreatePerson(ctx, sc, p))
		people[r] = p
		u := auth.User{Email: p.Email, Name: p.Name, Role: r, PersonID: &p.ID}
		must(db.CreateUser(ctx, sc, &u))
		w.users[r] = u
	}
	a := &account.Account{Name: "Owned", Lifecycle: account.Customer, OwnerID: &people[auth.RoleAccountManager].ID}
	must(db.CreateAccount(ctx, sc, a))
	must(db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: a.ID, PersonID: people[auth.RoleTeamMember].ID, Role: auth.TeamSalesEngineer}))
	s := &account.Stakeholder{AccountID: a.ID, Name: "Stake"}
	must(db.CreateStakeholder(ctx, sc, s))
	tc := &account.Touch{AccountID: a.ID, Kind: account.Call, OccurredAt: time.Now(), Summary: "Hi"}
	must(db.CreateTouch(ctx, sc, tc))
	o := &account.Opportunity{AccountID: a.ID, Name: "Opp"}
	must(db.CreateOpportunity(ctx, sc, o))
	c := &account.Contract{AccountID: a.ID, Product: "P", Start: account.Date{Year: 2026, Month: 1, Day: 1}}
	must(db.CreateContract(ctx, sc, c))
	tok := auth.Token{UserID: w.users[auth.RoleViewer].ID, Name: "t", Scope: auth.ScopeRead}
	_, err := db.CreateToken(ctx, sc, &tok)
	must(err)
	w.ids = map[string]int64{"accounts": a.ID, "stakeholders": s.ID, "touches": tc.ID, "opportunities": o.ID,
		"contracts": c.ID, "people": people[auth.RoleViewer].ID, "users": w.users[auth.RoleViewer].ID, "tokens": tok.ID}
	w.srv = server.New(server.Deps{DB: db, Guard: server.Guard{DB: db}})
	hs := httptest.NewServer(w.srv)
	t.Cleanup(hs.Close)
	w.url = hs.URL
	return w
}

var param = regexp.MustCompile(`\{[^}]+\}`)

// path turns a route pattern into a concrete path, using for each {param}
// the id of the record kind named by the segment before it.
func (w *world) path(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "app.css" // a subtree route: ask for something inside it
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if param.MatchString(s) {
			id, ok := int64(0), false
			if i > 0 {
				id, ok = w.ids[segs[i-1]]
			}
			if !ok {
				id = w.ids["accounts"]
			}
			segs[i] = param.ReplaceAllString(s, fmt.Sprint(id))
		}
	}
	return method, strings.Join(segs, "/")
}

func (w *world) call(t *testing.T, method, path string, role auth.Role) *http.Response {
	t.Helper()
	var body *strings.Reader
	ctype := "application/x-www-form-urlencoded"
	if strings.HasPrefix(path, "/api/") {
		body, ctype = strings.NewReader("{}"), "application/json"
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, w.url+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if role != "" {
		// A fresh session per call: sign-out routes end the one they use.
		secret, _, err := w.db.CreateSession(context.Background(), w.users[role], time.Hour, "test", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: "samwise_session", Value: secret})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func refused(res *http.Response) bool {
	switch {
	case res.StatusCode == http.StatusUnauthorized, res.StatusCode == http.StatusForbidden:
		return true
	case res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusFound:
		// Sent to sign in; not sign-out's own "/signin?done=signout".
		loc := res.Header.Get("Location")
		return loc == "/signin" || strings.HasPrefix(loc, "/signin?next=")
	}
	return false
}

// TestEveryRouteEnforcesItsRuleForEveryRole walks the server's own route
// table — not a hand-kept list — so a route added without a rule, or with a
// rule its handler does not enforce, fails here.
func TestEveryRouteEnforcesItsRuleForEveryRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		w := newWorld(t, d)
		if len(w.srv.Routes) < 10 {
			t.Fatalf("only %d routes in the table", len(w.srv.Routes))
		}
		roles := append([]auth.Role{""}, auth.Roles...)
		for _, rt := range w.srv.Routes {
			if rt.Rule == "" {
				t.Errorf("%s has no access rule", rt.Pattern)
				continue
			}
			method, path := w.path(rt.Pattern)
			for _, role := range roles {
				p := &auth.Principal{}
				if role != "" {
					u := w.users[role]
					p.User = &u
				}
				allowed := rt.Rule == access.Public || (role != "" && (rt.Rule == access.SignedIn || p.Allowed(auth.Action(rt.Rule))))
				res := w.call(t, method, path, role)
				name := string(role)
				if name == "" {
					name = "anonymous"
				}
				switch {
				case !allowed && !refused(res):
					t.Errorf("%s %s as %s = %d, want refused (rule %s)", method, path, name, res.StatusCode, rt.Rule)
				case allowed && refused(res) && !(res.StatusCode == http.StatusForbidden && role == auth.RoleTeamMember && rt.Rule == access.WriteRecords):
					// A team member may be refused a write by record-level rules
					// (their team role does not cover that part); anyone else
					// who passes the route rule must not be refused.
					t.Errorf("%s %s as %s = %d, want allowed (rule %s)", method, path, name, res.StatusCode, rt.Rule)
				}
			}
		}
	})
}

// TestNeedToKnowNarrowsListsAndHidesRecords turns the setting on and checks,
// through the API as the account manager, that only their own account is
// listed and that another's records answer 404 — while a leader still sees
// everything.
func TestNeedToKnowNarrowsListsAndHidesRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newWorld(t, d)
		other := &account.Account{Name: "Elsewhere"}
		if err := w.db.CreateAccount(ctx, w.sc, other); err != nil {
			t.Fatal(err)
		}
		hidden := &account.Stakeholder{AccountID: other.ID, Name: "Hidden"}
		if err := w.db.CreateStakeholder(ctx, w.sc, hidden); err != nil {
			t.Fatal(err)
		}
		if err := w.db.SetOrgSettings(ctx, w.sc, auth.OrgSettings{NeedToKnow: true}); err != nil {
			t.Fatal(err)
		}
		get := func(role auth.Role, path string) (int, string) {
			secret, _, err := w.db.CreateSession(ctx, w.users[role], time.Hour, "test", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", w.url+path, nil)
			req.AddCookie(&http.Cookie{Name: "samwise_session", Value: secret})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if code, body := get(auth.RoleAccountManager, "/api/v1/accounts"); code != 200 || strings.Contains(body, "Elsewhere") || !strings.Contains(body, "Owned") {
			t.Errorf("manager's account list = %d %s", code, body)
		}
		if code, body := get(auth.RoleAccountManager, "/api/v1/stakeholders"); code != 200 || strings.Contains(body, "Hidden") {
			t.Errorf("manager's stakeholder list = %d %s", code, body)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/accounts/%d", other.ID), fmt.Sprintf("/api/v1/stakeholders/%d", hidden.ID),
			fmt.Sprintf("/accounts/%d", other.ID)} {
			if code, _ := get(auth.RoleAccountManager, path); code != http.StatusNotFound {
				t.Errorf("manager GET %s = %d, want 404", path, code)
			}
		}
		if code, body := get(auth.RoleLeader, "/api/v1/accounts"); code != 200 || !strings.Contains(body, "Elsewhere") {
			t.Errorf("leader's account list = %d %s", code, body)
		}
	})
}
