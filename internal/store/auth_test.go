package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// cheap hashes keep the store tests fast; the real parameters are tested in
// package auth.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// addr makes an e-mail address unique to the test's organisation: users'
// e-mails are unique across the installation, and on PostgreSQL the tests of
// this package share one database.
func addr(sc account.Scope, name string) string {
	return fmt.Sprintf("%s.%d@example.com", name, sc.OrgID)
}

func newUser(t *testing.T, db *store.DB, sc account.Scope, name string, role auth.Role, password string) *auth.User {
	t.Helper()
	u := &auth.User{Email: addr(sc, name), Name: strings.ToUpper(name[:1]) + name[1:], Role: role}
	if password != "" {
		h, err := cheap.Hash(password)
		must(t, err)
		u.PasswordHash = h
	}
	must(t, db.CreateUser(context.Background(), sc, u))
	return u
}

func clock(db *store.DB, start time.Time) *time.Time {
	now := start
	db.Now = func() time.Time { return now }
	return &now
}

func TestUsersAreFoundByEmailAcrossOrganisationsAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		clock(db, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		before, err := db.CountUsers(ctx)
		must(t, err)

		// A person with the same e-mail is linked automatically.
		ann := &account.Person{Name: "Ann Lee", Email: addr(sc, "ann")}
		must(t, db.CreatePerson(ctx, sc, ann))
		u := &auth.User{Email: "  " + strings.ToUpper(addr(sc, "ann")), Name: "Ann Lee", Role: auth.RoleAccountManager, PasswordHash: "$argon2id$x"}
		must(t, db.CreateUser(ctx, sc, u))
		if u.ID == 0 || u.OrgID != sc.OrgID || u.PersonID == nil || *u.PersonID != ann.ID || u.Email != addr(sc, "ann") {
			t.Fatalf("created %+v", u)
		}
		newUser(t, db, sc, "bob", auth.RoleViewer, "")
		if n, _ := db.CountUsers(ctx); n != before+2 {
			t.Errorf("CountUsers = %d, want %d", n, before+2)
		}

		got, err := db.UserByEmail(ctx, strings.ToUpper(addr(sc, "ann")))
		must(t, err)
		if got.ID != u.ID || got.PasswordHash != "$argon2id$x" || got.Role != auth.RoleAccountManager || !got.LastSignInAt.IsZero() {
			t.Errorf("UserByEmail = %+v", got)
		}
		if _, err := db.UserByEmail(ctx, addr(sc, "nobody")); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("unknown e-mail: %v", err)
		}
		list, err := db.Users(ctx, sc)
		must(t, err)
		if len(list) != 2 || list[0].Email != addr(sc, "ann") || list[1].Email != addr(sc, "bob") || list[1].PersonID != nil {
			t.Errorf("Users = %+v", list)
		}

		// The e-mail is unique across the installation, not only the organisation.
		other := account.Organisation{Name: "Other", Slug: fmt.Sprintf("other-%d", sc.OrgID)}
		must(t, db.CreateOrganisation(ctx, &other))
		dup := &auth.User{Email: addr(sc, "ann"), Name: "Another Ann", Role: auth.RoleViewer}
		if err := db.CreateUser(ctx, account.Scope{OrgID: other.ID}, dup); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("duplicate e-mail in another organisation: %v", err)
		}
		if _, err := db.User(ctx, account.Scope{OrgID: other.ID}, u.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("user visible from another organisation: %v", err)
		}
		bad := &auth.User{Email: addr(sc, "carl"), Name: "Carl", Role: auth.RoleViewer, PersonID: ptr(int64(999999))}
		if err := db.CreateUser(ctx, sc, bad); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("unknown person: %v", err)
		}
		if err := db.CreateUser(ctx, sc, &auth.User{Email: "x", Role: "root"}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("invalid user: %v", err)
		}

		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "user", EntityID: u.ID})
		must(t, err)
		if len(entries) != 1 || entries[0].Action != "create" || entries[0].Changes["role"].New != "account_manager" {
			t.Fatalf("audit = %+v", entries)
		}
		raw, _ := json.Marshal(entries)
		if strings.Contains(string(raw), "argon2id") {
			t.Errorf("the audit trail holds the password hash: %s", raw)
		}
	})
}

func TestUpdatingUsersKeepsAnAdministratorAndDisablingEndsSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		clock(db, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		admin := newUser(t, db, sc, "admin", auth.RoleAdministrator, "")
		lee := newUser(t, db, sc, "lee", auth.RoleLeader, "")

		demoted := *admin
		demoted.Role = auth.RoleLeader
		if err := db.UpdateUser(ctx, sc, &demoted); account.ErrorCode(err) != account.ECONFLICT || !strings.Contains(err.Error(), "last administrator") {
			t.Errorf("demoting the last administrator: %v", err)
		}
		disabled := *admin
		disabled.Disabled = true
		if err := db.UpdateUser(ctx, sc, &disabled); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("disabling the last administrator: %v", err)
		}

		secret, _, err := db.CreateSession(ctx, *lee, time.Hour, "test", "10.0.0.1")
		must(t, err)
		promoted := *lee
		promoted.Role = auth.RoleAdministrator
		promoted.Name = "Lee Chen"
		must(t, db.UpdateUser(ctx, sc, &promoted))
		if _, _, err := db.SessionByToken(ctx, secret); err != nil {
			t.Errorf("a role change ended the session: %v", err)
		}
		// Now there are two administrators, so one may step down.
		must(t, db.UpdateUser(ctx, sc, &demoted))
		promoted.Disabled = true
		if err := db.UpdateUser(ctx, sc, &promoted); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("disabling the last administrator after the other stepped down: %v", err)
		}
		promoted.Role, promoted.Disabled = auth.RoleLeader, false
		if err := db.UpdateUser(ctx, sc, &promoted); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("demoting the last administrator: %v", err)
		}
		promoted.Role = auth.RoleAdministrator
		must(t, db.UpdateUser(ctx, sc, &promoted))
		demoted.Role = auth.RoleAdministrator
		must(t, db.UpdateUser(ctx, sc, &demoted))
		promoted.Disabled = true
		must(t, db.UpdateUser(ctx, sc, &promoted))
		if _, _, err := db.SessionByToken(ctx, secret); account.ErrorCode(err) != account.EUNAUTHORIZED {
			t.Errorf("session of a disabled user: %v", err)
		}
		got, err := db.User(ctx, sc, lee.ID)
		must(t, err)
		if got.Name != "Lee Chen" || !got.Disabled || got.Role != auth.RoleAdministrator {
			t.Errorf("updated user = %+v", got)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "user", EntityID: lee.ID})
		must(t, err)
		if len(entries) < 2 || entries[0].Action != "update" || entries[0].Changes["disabled"].New != true {
			t.Errorf("audit = %+v", entries)
		}
	})
}

func TestSetPasswordStoresTheHashAndAuditsOnlyTheFact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		u := newUser(t, db, sc, "ann", auth.RoleViewer, "first password!")
		h, _ := cheap.Hash("second password!")
		must(t, db.SetPassword(ctx, sc, u.ID, h))
		got, _ := db.User(ctx, sc, u.ID)
		if ok, _ := auth.VerifyPassword(got.PasswordHash, "second password!"); !ok {
			t.Error("new password does not verify")
		}
		if err := db.SetPassword(ctx, sc, 999999, h); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "user", EntityID: u.ID})
		if entries[0].Action != "set_password" || entries[0].Changes["password"].New != "(changed)" {
			t.Errorf("audit = %+v", entries[0])
		}
	})
}

func TestSessionsExpireAreSeenLazilyAndEndEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		now := clock(db, t0)
		ann := newUser(t, db, sc, "ann", auth.RoleViewer, "")
		bob := newUser(t, db, sc, "bob", auth.RoleViewer, "")

		secret, s, err := db.CreateSession(ctx, *ann, 8*time.Hour, "Firefox", "10.0.0.1")
		must(t, err)
		if !strings.HasPrefix(secret, auth.SessionPrefix) || !s.ExpiresAt.Equal(t0.Add(8*time.Hour)) {
			t.Fatalf("session %q %+v", secret, s)
		}
		*now = t0.Add(30 * time.Second)
		gs, gu, err := db.SessionByToken(ctx, secret)
		must(t, err)
		if gu.ID != ann.ID || gs.UserAgent != "Firefox" || gs.Address != "10.0.0.1" || !gs.LastSeenAt.Equal(t0) {
			t.Errorf("within a minute: %+v %+v", gs, gu)
		}
		*now = t0.Add(2 * time.Minute)
		gs, _, _ = db.SessionByToken(ctx, secret)
		*now = t0.Add(2*time.Minute + time.Second)
		gs2, _, _ := db.SessionByToken(ctx, secret)
		if !gs.LastSeenAt.Equal(t0.Add(2*time.Minute)) || !gs2.LastSeenAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("last seen = %v then %v, want +2m", gs.LastSeenAt, gs2.LastSeenAt)
		}

		*now = t0.Add(8*time.Hour - time.Millisecond)
		if _, _, err := db.SessionByToken(ctx, secret); err != nil {
			t.Errorf("just before expiry: %v", err)
		}
		*now = t0.Add(8 * time.Hour)
		if _, _, err := db.SessionByToken(ctx, secret); account.ErrorCode(err) != account.EUNAUTHORIZED {
			t.Errorf("at expiry: %v", err)
		}
		for _, bad := range []string{"", "sws_nonsense", secret[:len(secret)-1] + "A", strings.Replace(secret, "sws_", "sw_", 1)} {
			if _, _, err := db.SessionByToken(ctx, bad); account.ErrorCode(err) != account.EUNAUTHORIZED {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if n, err := db.DeleteExpiredSessions(ctx); err != nil || n < 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
		}

		// Sign out, and sign out everywhere.
		*now = t0.Add(9 * time.Hour)
		one, _, _ := db.CreateSession(ctx, *ann, time.Hour, "", "")
		two, _, _ := db.CreateSession(ctx, *ann, time.Hour, "", "")
		bobs, _, _ := db.CreateSession(ctx, *bob, time.Hour, "", "")
		must(t, db.DeleteSession(ctx, one))
		must(t, db.DeleteSession(ctx, one)) // twice is fine
		if _, _, err := db.SessionByToken(ctx, one); err == nil {
			t.Error("signed-out session still works")
		}
		three, _, _ := db.CreateSession(ctx, *ann, time.Hour, "", "")
		n, err := db.DeleteUserSessions(ctx, sc, ann.ID)
		if err != nil || n != 2 {
			t.Errorf("DeleteUserSessions = %d, %v; want 2", n, err)
		}
		for _, s := range []string{two, three} {
			if _, _, err := db.SessionByToken(ctx, s); err == nil {
				t.Error("session survived sign-out everywhere")
			}
		}
		if _, _, err := db.SessionByToken(ctx, bobs); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "user", EntityID: ann.ID})
		if entries[0].Action != "sign_out_everywhere" {
			t.Errorf("audit = %+v", entries[0])
		}
		disabled := *bob
		disabled.Disabled = true
		if _, _, err := db.CreateSession(ctx, disabled, time.Hour, "", ""); account.ErrorCode(err) != account.EFORBIDDEN {
			t.Errorf("session for a disabled user: %v", err)
		}
	})
}

func TestTokensWorkUntilRevokedOrExpiredAndRecordTheirUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		now := clock(db, t0)
		ann := newUser(t, db, sc, "ann", auth.RoleAccountManager, "")
		bob := newUser(t, db, sc, "bob", auth.RoleViewer, "")

		tok := &auth.Token{UserID: ann.ID, Name: " nightly export ", Scope: auth.ScopeRead, ExpiresAt: t0.Add(30 * 24 * time.Hour)}
		secret, err := db.CreateToken(ctx, sc, tok)
		must(t, err)
		if !auth.WellFormed(secret, auth.TokenPrefix) || tok.ID == 0 || tok.Name != "nightly export" || tok.UserEmail != ann.Email {
			t.Fatalf("token %q %+v", secret, tok)
		}
		forever := &auth.Token{UserID: bob.ID, Scope: auth.ScopeReadWrite}
		bobSecret, err := db.CreateToken(ctx, sc, forever)
		must(t, err)

		*now = t0.Add(time.Hour)
		gt, gu, err := db.TokenBySecret(ctx, secret)
		must(t, err)
		if gt.ID != tok.ID || gu.ID != ann.ID || gt.Scope != auth.ScopeRead || !gt.LastUsedAt.Equal(*now) {
			t.Errorf("TokenBySecret = %+v %+v", gt, gu)
		}
		*now = t0.Add(time.Hour + 30*time.Second)
		db.TokenBySecret(ctx, secret) // within a minute: no write
		*now = t0.Add(time.Hour + 5*time.Minute)
		db.TokenBySecret(ctx, secret) // written, but not audited again within the hour
		got, _ := db.Token(ctx, sc, tok.ID)
		if !got.LastUsedAt.Equal(t0.Add(time.Hour + 5*time.Minute)) {
			t.Errorf("last used = %v", got.LastUsedAt)
		}
		uses, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "token", EntityID: tok.ID})
		if len(uses) != 2 || uses[0].Action != "use" || uses[0].Actor != fmt.Sprintf("token %d (%s)", tok.ID, ann.Email) || uses[1].Action != "create" {
			t.Errorf("token audit = %+v", uses)
		}
		raw, _ := json.Marshal(uses)
		if strings.Contains(string(raw), secret[3:]) {
			t.Error("the audit trail holds the secret")
		}

		all, err := db.Tokens(ctx, sc, 0)
		must(t, err)
		mine, err := db.Tokens(ctx, sc, ann.ID)
		must(t, err)
		if len(all) != 2 || len(mine) != 1 || mine[0].ID != tok.ID || all[1].UserEmail != bob.Email {
			t.Errorf("Tokens = %+v / %+v", all, mine)
		}

		*now = t0.Add(30 * 24 * time.Hour)
		if _, _, err := db.TokenBySecret(ctx, secret); account.ErrorCode(err) != account.EUNAUTHORIZED || !strings.Contains(err.Error(), "expired") {
			t.Errorf("expired token: %v", err)
		}
		if _, _, err := db.TokenBySecret(ctx, bobSecret); err != nil {
			t.Errorf("a token without expiry expired: %v", err)
		}
		must(t, db.RevokeToken(ctx, sc, forever.ID))
		must(t, db.RevokeToken(ctx, sc, forever.ID)) // twice is fine
		if _, _, err := db.TokenBySecret(ctx, bobSecret); account.ErrorCode(err) != account.EUNAUTHORIZED || !strings.Contains(err.Error(), "revoked") {
			t.Errorf("revoked token: %v", err)
		}
		revokes, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "token", EntityID: forever.ID})
		if len(revokes) != 3 || revokes[0].Action != "revoke" || revokes[1].Action != "use" {
			t.Errorf("revoke audit = %+v", revokes)
		}
		for _, bad := range []string{"", "sw_short", "Bearer " + secret, strings.Replace(bobSecret, "sw_", "sws_", 1)} {
			if _, _, err := db.TokenBySecret(ctx, bad); account.ErrorCode(err) != account.EUNAUTHORIZED {
				t.Errorf("%q: %v", bad, err)
			}
		}

		// Tokens belong to a user of the organisation, and their user's state counts.
		other := account.Organisation{Name: "Other", Slug: fmt.Sprintf("tok-%d", sc.OrgID)}
		must(t, db.CreateOrganisation(ctx, &other))
		if _, err := db.CreateToken(ctx, account.Scope{OrgID: other.ID}, &auth.Token{UserID: ann.ID, Scope: auth.ScopeRead}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("token for another organisation's user: %v", err)
		}
		if err := db.RevokeToken(ctx, account.Scope{OrgID: other.ID}, tok.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("revoking another organisation's token: %v", err)
		}
		if _, err := db.CreateToken(ctx, sc, &auth.Token{UserID: ann.ID, Scope: auth.ScopeRead, ExpiresAt: *now}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("token expiring now: %v", err)
		}
		fresh := &auth.Token{UserID: ann.ID, Scope: auth.ScopeRead}
		freshSecret, _ := db.CreateToken(ctx, sc, fresh)
		off := *ann
		off.Disabled = true
		newUser(t, db, sc, "admin", auth.RoleAdministrator, "")
		must(t, db.UpdateUser(ctx, sc, &off))
		if _, _, err := db.TokenBySecret(ctx, freshSecret); account.ErrorCode(err) != account.EUNAUTHORIZED {
			t.Errorf("token of a disabled user: %v", err)
		}
	})
}

func TestSignInIsRateLimitedRecordedAndAuditedOnTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		now := clock(db, t0)
		ann := newUser(t, db, sc, "ann", auth.RoleLeader, "a long enough password")
		a := auth.NewAuthenticator(db)
		a.Params = cheap
		a.Now = func() time.Time { return *now }
		ip := fmt.Sprintf("192.0.2.%d", sc.OrgID%250)

		u, err := a.Authenticate(ctx, strings.ToUpper(ann.Email), "a long enough password", ip)
		must(t, err)
		got, _ := db.User(ctx, sc, u.ID)
		if !got.LastSignInAt.Equal(t0) {
			t.Errorf("last sign-in = %v", got.LastSignInAt)
		}
		for i := range 5 {
			*now = t0.Add(time.Duration(i+1) * time.Minute)
			if _, err := a.Authenticate(ctx, ann.Email, "a wrong password", ip); account.ErrorCode(err) != account.EUNAUTHORIZED {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		*now = t0.Add(6 * time.Minute)
		_, err = a.Authenticate(ctx, ann.Email, "a long enough password", ip)
		if account.ErrorCode(err) != account.ETOOMANY || account.ErrorMessage(err) != "Too many failed sign-ins; try again after 09:20 UTC." {
			t.Errorf("locked: %v", err)
		}
		*now = t0.Add(20 * time.Minute)
		if _, err := a.Authenticate(ctx, ann.Email, "a long enough password", ip); err != nil {
			t.Errorf("after the lock: %v", err)
		}

		attempts, err := db.RecentSignInAttempts(ctx, ann.Email, ip, t0)
		must(t, err)
		if len(attempts) != 7 || !attempts[0].OK || attempts[1].OK || !attempts[6].OK || attempts[3].Address != ip {
			t.Errorf("attempts = %+v", attempts)
		}
		// Attempts are found by e-mail or by address, each once.
		must(t, db.RecordSignInAttempt(ctx, auth.Attempt{Email: addr(sc, "nobody"), Address: ip, At: *now}, nil))
		must(t, db.RecordSignInAttempt(ctx, auth.Attempt{Email: ann.Email, Address: "198.51.100.1", At: *now}, nil))
		attempts, _ = db.RecentSignInAttempts(ctx, ann.Email, ip, t0.Add(10*time.Minute))
		if len(attempts) != 3 {
			t.Errorf("by e-mail or address: %+v", attempts)
		}

		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "user", EntityID: ann.ID})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		want := "sign_in sign_in_failed sign_in_failed sign_in_failed sign_in_failed sign_in_failed sign_in create"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("audit = %s", got)
		}
		if entries[1].Changes["address"].New != ip || entries[1].Changes["reason"].New != "wrong e-mail or password" {
			t.Errorf("failure entry = %+v", entries[1])
		}

		n, err := db.PruneSignInAttempts(ctx, t0.Add(10*time.Minute))
		must(t, err)
		if n < 6 {
			t.Errorf("pruned %d", n)
		}
	})
}

func TestAccountTeamsAndAccessFeedTheAccessRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		clock(db, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		person := func(name string) *account.Person {
			p := &account.Person{Name: name, Email: addr(sc, strings.ToLower(name))}
			must(t, db.CreatePerson(ctx, sc, p))
			return p
		}
		ann, sam, cat, dan := person("Ann"), person("Sam"), person("Cat"), person("Dan")
		acme := &account.Account{Name: "Acme", OwnerID: &ann.ID}
		globex := &account.Account{Name: "Globex", OwnerID: &dan.ID}
		initech := &account.Account{Name: "Initech"}
		for _, a := range []*account.Account{acme, globex, initech} {
			must(t, db.CreateAccount(ctx, sc, a))
		}
		seats := []auth.TeamMember{
			{AccountID: acme.ID, PersonID: cat.ID, Role: auth.TeamCustomerServiceManager},
			{AccountID: acme.ID, PersonID: sam.ID, Role: auth.TeamTechnicalLead},
			{AccountID: acme.ID, PersonID: sam.ID, Role: auth.TeamSalesEngineer},
			{AccountID: globex.ID, PersonID: sam.ID, Role: auth.TeamSalesEngineer},
		}
		for i := range seats {
			must(t, db.AddTeamMember(ctx, sc, &seats[i]))
		}
		if err := db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: acme.ID, PersonID: sam.ID, Role: auth.TeamSalesEngineer}); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("the same seat twice: %v", err)
		}
		if err := db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: acme.ID, PersonID: sam.ID, Role: "coach"}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("unknown team role: %v", err)
		}
		if err := db.AddTeamMember(ctx, sc, &auth.TeamMember{AccountID: acme.ID, PersonID: 999999, Role: auth.TeamSalesEngineer}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("unknown person: %v", err)
		}

		team, err := db.AccountTeam(ctx, sc, acme.ID)
		must(t, err)
		var roles []string
		for _, m := range team {
			roles = append(roles, fmt.Sprintf("%s:%d", m.Role, m.PersonID))
		}
		if want := fmt.Sprintf("sales_engineer:%d customer_service_manager:%d technical_lead:%d", sam.ID, cat.ID, sam.ID); strings.Join(roles, " ") != want {
			t.Errorf("team in role order = %v, want %s", roles, want)
		}
		teams, err := db.AccountTeams(ctx, sc, []int64{acme.ID, globex.ID, initech.ID})
		must(t, err)
		if len(teams) != 2 || len(teams[globex.ID]) != 1 || len(teams[initech.ID]) != 0 {
			t.Errorf("AccountTeams = %+v", teams)
		}

		// Need-to-know, off then on.
		access, err := db.AccountAccess(ctx, sc, acme.ID)
		must(t, err)
		if access.OwnerID != ann.ID || len(access.Team) != 3 || access.NeedToKnow {
			t.Errorf("access = %+v", access)
		}
		must(t, db.SetOrgSettings(ctx, sc, auth.OrgSettings{NeedToKnow: true}))
		s, err := db.OrgSettings(ctx, sc)
		must(t, err)
		if !s.NeedToKnow {
			t.Error("need-to-know not saved")
		}
		all, err := db.AccountAccesses(ctx, sc, []int64{acme.ID, globex.ID, initech.ID, 999999})
		must(t, err)
		if len(all) != 3 || !all[initech.ID].NeedToKnow || all[initech.ID].OwnerID != 0 || all[globex.ID].OwnerID != dan.ID {
			t.Errorf("AccountAccesses = %+v", all)
		}
		if _, err := db.AccountAccess(ctx, sc, 999999); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("unknown account: %v", err)
		}

		// The rules, fed from the database: Cat (a team member, customer
		// service manager on Acme) edits Acme's contracts, not its
		// opportunities, and cannot read Globex under need-to-know.
		catUser := &auth.Principal{User: &auth.User{ID: 1, OrgID: sc.OrgID, PersonID: &cat.ID, Role: auth.RoleTeamMember}}
		if !auth.CanEditAccount(catUser, all[acme.ID], auth.PartContract) || auth.CanEditAccount(catUser, all[acme.ID], auth.PartOpportunity) {
			t.Error("Cat's edits on Acme are wrong")
		}
		if !auth.CanReadAccount(catUser, all[acme.ID]) || auth.CanReadAccount(catUser, all[globex.ID]) {
			t.Error("Cat's reading under need-to-know is wrong")
		}
		// The need-to-know list filter agrees with the rules.
		visible, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{VisibleTo: sam.ID}})
		must(t, err)
		if len(visible) != 2 || visible[0].Name != "Acme" || visible[1].Name != "Globex" {
			t.Errorf("Sam sees %+v", visible)
		}
		unlinked := &auth.Principal{User: &auth.User{ID: 2, OrgID: sc.OrgID, Role: auth.RoleViewer}}
		none, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{VisibleTo: auth.VisiblePerson(unlinked, s)}})
		must(t, err)
		if len(none) != 0 {
			t.Errorf("an unlinked viewer under need-to-know sees %+v", none)
		}

		// Removing a seat, a person and an account clean up the team.
		must(t, db.RemoveTeamMember(ctx, sc, auth.TeamMember{AccountID: acme.ID, PersonID: sam.ID, Role: auth.TeamTechnicalLead}))
		if err := db.RemoveTeamMember(ctx, sc, auth.TeamMember{AccountID: acme.ID, PersonID: sam.ID, Role: auth.TeamTechnicalLead}); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("removing an empty seat: %v", err)
		}
		must(t, db.DeletePerson(ctx, sc, cat.ID))
		must(t, db.DeleteAccount(ctx, sc, globex.ID))
		teams, _ = db.AccountTeams(ctx, sc, []int64{acme.ID, globex.ID})
		if len(teams) != 1 || len(teams[acme.ID]) != 1 || teams[acme.ID][0].Role != auth.TeamSalesEngineer {
			t.Errorf("after removals = %+v", teams)
		}
		entries, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "team_member", AccountID: acme.ID})
		if len(entries) != 4 || entries[0].Action != "delete" || entries[0].Changes["role"].Old != "technical_lead" {
			t.Errorf("team audit = %+v", entries)
		}
		settings, _, _ := db.Audit(ctx, sc, store.AuditFilter{Entity: "org_settings"})
		if len(settings) != 1 || settings[0].Changes["need_to_know"].New != true {
			t.Errorf("settings audit = %+v", settings)
		}
	})
}
