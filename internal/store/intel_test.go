package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

type intelFixture struct {
	t       *testing.T
	db      *store.DB
	sc      account.Scope
	ctx     context.Context
	clock   time.Time
	ann     *account.Person
	bob     *account.Person
	acme    *account.Account
	other   *account.Account
	ceo     *account.Stakeholder
	cfo     *account.Stakeholder
	manager *account.Stakeholder
	clerk   *account.Stakeholder
}

func (f *intelFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// tick moves the store's clock on by a minute.
func (f *intelFixture) tick() { f.clock = f.clock.Add(time.Minute) }

func newIntelFixture(t *testing.T, d store.Dialect) *intelFixture {
	db, sc := storetest.New(t, d)
	f := &intelFixture{t: t, db: db, sc: sc, ctx: context.Background(), clock: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.clock }
	f.ann = &account.Person{Name: "Ann", Email: "ann@example.com"}
	f.bob = &account.Person{Name: "Bob", Email: "bob@example.com"}
	f.must(db.CreatePerson(f.ctx, sc, f.ann))
	f.must(db.CreatePerson(f.ctx, sc, f.bob))
	f.acme = &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &f.ann.ID}
	f.other = &account.Account{Name: "Other", Lifecycle: account.Customer, OwnerID: &f.bob.ID}
	f.must(db.CreateAccount(f.ctx, sc, f.acme))
	f.must(db.CreateAccount(f.ctx, sc, f.other))
	f.ceo = &account.Stakeholder{AccountID: f.acme.ID, Name: "Cleo CEO", Level: account.Executive, BuyingRole: account.DecisionMaker, Active: true}
	f.cfo = &account.Stakeholder{AccountID: f.acme.ID, Name: "Fred CFO", Level: account.Executive, BuyingRole: account.Champion, Active: true}
	f.manager = &account.Stakeholder{AccountID: f.acme.ID, Name: "Mia Manager", Level: account.MiddleManagement, BuyingRole: account.Blocker, Active: true}
	f.clerk = &account.Stakeholder{AccountID: f.acme.ID, Name: "Otto Ops", Level: account.Operational, BuyingRole: account.User, Active: true}
	for _, s := range []*account.Stakeholder{f.ceo, f.cfo, f.manager, f.clerk} {
		f.must(db.CreateStakeholder(f.ctx, sc, s))
	}
	return f
}

func TestProductsCatalogIsAuditedAndProtectsProductsInUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newIntelFixture(t, d)
		ctx, db, sc := f.ctx, f.db, f.sc
		core := &intel.Product{Name: "Core Platform", Family: "Platform", ListPrice: 12_000_00}
		f.must(db.CreateProduct(ctx, sc, core))
		if err := db.CreateProduct(ctx, sc, &intel.Product{Name: "core platform"}); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("duplicate name: %v", err)
		}
		if err := db.CreateProduct(ctx, sc, &intel.Product{Name: "", ListPrice: -1}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad product: %v", err)
		}
		f.must(db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.acme.ID, ProductID: core.ID, State: intel.InPlace}))
		if err := db.DeleteProduct(ctx, sc, core.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("delete in use: %v", err)
		}
		core.Retired = true
		f.must(db.UpdateProduct(ctx, sc, core))
		if ps, _ := db.Products(ctx, sc, false); len(ps) != 0 {
			t.Fatalf("retired product listed: %+v", ps)
		}
		ps, err := db.Products(ctx, sc, true)
		f.must(err)
		if len(ps) != 1 || !ps[0].Retired || ps[0].ListPrice != 12_000_00 {
			t.Fatalf("products %+v", ps)
		}
		spare := &intel.Product{Name: "Spare"}
		f.must(db.CreateProduct(ctx, sc, spare))
		f.must(db.DeleteProduct(ctx, sc, spare.ID))
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "product"})
		f.must(err)
		if len(entries) != 4 {
			t.Fatalf("audit %d entries", len(entries))
		}
	})
}

func TestProfileIsSavedWholeVersionedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newIntelFixture(t, d)
		ctx, db, sc := f.ctx, f.db, f.sc
		p, err := db.Profile(ctx, sc, f.acme.ID)
		f.must(err)
		if p.Version != 0 || p.TargetMarkets == nil || !p.Empty() {
			t.Fatalf("empty profile %+v", p)
		}
		p.Summary = "Regional grocer going national."
		p.TargetMarkets = []intel.Entry{{Text: "Urban shoppers"}, {Text: "Online delivery", Note: "since 2025"}}
		p.Buying = []intel.Entry{{Text: "CFO signs", StakeholderID: &f.cfo.ID}}
		p.OurCompetitors = []intel.Entry{{Text: "Globex"}}
		f.must(db.SetProfile(ctx, sc, &p))
		if p.Version != 1 {
			t.Fatalf("version %d", p.Version)
		}
		got, err := db.Profile(ctx, sc, f.acme.ID)
		f.must(err)
		if got.Version != 1 || len(got.TargetMarkets) != 2 || got.TargetMarkets[1].Note != "since 2025" ||
			got.Buying[0].StakeholderID == nil || *got.Buying[0].StakeholderID != f.cfo.ID || got.OurCompetitors[0].Text != "Globex" {
			t.Fatalf("profile %+v", got)
		}
		stale := got
		stale.Version = 1
		got.GoalsShort = []intel.Entry{{Text: "Open 10 stores"}}
		f.tick()
		f.must(db.SetProfile(ctx, sc, &got))
		if err := db.SetProfile(ctx, sc, &stale); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("stale save: %v", err)
		}
		stranger := &account.Stakeholder{AccountID: f.other.ID, Name: "Stranger", Active: true}
		f.must(db.CreateStakeholder(ctx, sc, stranger))
		bad := got
		bad.Buying = []intel.Entry{{Text: "x", StakeholderID: &stranger.ID}}
		bad.Version = 0
		if err := db.SetProfile(ctx, sc, &bad); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("foreign stakeholder: %v", err)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: f.acme.ID, Entity: "account_profile"})
		f.must(err)
		if len(entries) != 2 || entries[0].Changes["goals_short"].New == nil {
			t.Fatalf("audit %+v", entries)
		}
	})
}

func TestVisionRevisionsKeepEarlierVisionsAndMoveTheirLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newIntelFixture(t, d)
		ctx, db, sc := f.ctx, f.db, f.sc
		v := &intel.VisionItem{AccountID: f.acme.ID, HorizonYears: 3, Text: "Enter Asia", SourceStakeholderID: &f.ceo.ID,
			StatedOn: day("2026-10-01"), TargetDate: day("2029-01-01")}
		f.must(db.AddVisionItem(ctx, sc, v))
		if v.SourceName != "Cleo CEO" || v.Version != 1 {
			t.Fatalf("vision %+v", v)
		}
		five := &intel.VisionItem{AccountID: f.acme.ID, HorizonYears: 5, Text: "Be number one", SourceNote: "Annual report", StatedOn: day("2026-09-01")}
		f.must(db.AddVisionItem(ctx, sc, five))
		if err := db.AddVisionItem(ctx, sc, &intel.VisionItem{AccountID: f.acme.ID, HorizonYears: 2, Text: "x"}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad vision: %v", err)
		}
		core := &intel.Product{Name: "Core"}
		f.must(db.CreateProduct(ctx, sc, core))
		need := &intel.Need{AccountID: f.acme.ID, Text: "Multi-currency billing", VisionItemID: &v.ID, ProductIDs: []int64{core.ID}}
		f.must(db.CreateNeed(ctx, sc, need))
		f.must(db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.acme.ID, ProductID: core.ID, State: intel.NeededForVision, VisionItemID: &v.ID, EstimatedValue: 500}))

		f.tick()
		rev := &intel.VisionItem{HorizonYears: 3, Text: "Enter Japan and Korea", SourceStakeholderID: &f.ceo.ID, StatedOn: day("2026-11-01")}
		f.must(db.ReviseVisionItem(ctx, sc, v.ID, rev))
		if err := db.ReviseVisionItem(ctx, sc, v.ID, rev); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("revising twice: %v", err)
		}
		f.tick()
		f.must(db.WithdrawVisionItem(ctx, sc, five.ID))

		current, err := db.VisionItems(ctx, sc, f.acme.ID, false)
		f.must(err)
		if len(current) != 1 || current[0].ID != rev.ID || current[0].AccountID != f.acme.ID {
			t.Fatalf("current %+v", current)
		}
		all, err := db.VisionItems(ctx, sc, f.acme.ID, true)
		f.must(err)
		versions := intel.VisionVersions(all)
		if len(versions) != 3 || len(versions[0].Items) != 1 || len(versions[1].Items) != 2 || versions[1].Items[0].Text != "Enter Japan and Korea" ||
			len(versions[2].Items) != 2 || versions[2].Items[0].Text != "Enter Asia" {
			t.Fatalf("versions %+v", versions)
		}
		old, err := db.VisionItem(ctx, sc, v.ID)
		f.must(err)
		if old.Current() || old.SupersededBy == nil || *old.SupersededBy != rev.ID || old.Text != "Enter Asia" {
			t.Fatalf("old %+v", old)
		}
		n, err := db.Need(ctx, sc, need.ID)
		f.must(err)
		rm, err := db.Roadmap(ctx, sc, f.acme.ID)
		f.must(err)
		if *n.VisionItemID != rev.ID || *rm[0].VisionItemID != rev.ID {
			t.Fatalf("links not moved: need %v roadmap %v", *n.VisionItemID, *rm[0].VisionItemID)
		}
		// A stakeholder who is deleted stops being the source, the item stays.
		f.must(db.DeleteStakeholder(ctx, sc, f.ceo.ID))
		again, err := db.VisionItem(ctx, sc, rev.ID)
		f.must(err)
		if again.SourceStakeholderID != nil || again.Text != "Enter Japan and Korea" {
			t.Fatalf("after delete %+v", again)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: f.acme.ID, Entity: "vision_item"})
		f.must(err)
		if len(entries) != 4 {
			t.Fatalf("audit %d", len(entries))
		}
	})
}

func TestRelationshipMatrixReadsPlacementsStrengthsAndLastTouches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newIntelFixture(t, d)
		ctx, db, sc := f.ctx, f.db, f.sc
		f.must(db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: f.ceo.ID, Function: "Board", Influence: 5, Attitude: 1}))
		f.must(db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: f.manager.ID, Function: "IT", Influence: 4, Attitude: -1}))
		if err := db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: f.clerk.ID, Influence: 9}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad influence: %v", err)
		}
		f.must(db.SetRelationship(ctx, sc, &intel.Relationship{StakeholderID: f.cfo.ID, PersonID: f.ann.ID, Strength: intel.Strong}))
		f.must(db.SetRelationship(ctx, sc, &intel.Relationship{StakeholderID: f.clerk.ID, PersonID: f.ann.ID, Strength: intel.Weak}))
		r := &intel.Relationship{StakeholderID: f.clerk.ID, PersonID: f.ann.ID, Strength: intel.Moderate, Note: "lunch"}
		f.must(db.SetRelationship(ctx, sc, r))
		if err := db.SetRelationship(ctx, sc, &intel.Relationship{AccountID: f.other.ID, StakeholderID: f.clerk.ID, PersonID: f.bob.ID, Strength: intel.Weak}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("wrong account: %v", err)
		}
		at := time.Date(2026, 10, 20, 23, 30, 0, 0, time.UTC)
		f.must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: f.acme.ID, Kind: account.Call, OccurredAt: at, Summary: "call",
			PeopleIDs: []int64{f.ann.ID}, StakeholderIDs: []int64{f.cfo.ID}}))
		f.must(db.CreateTouch(ctx, sc, &account.Touch{AccountID: f.acme.ID, Kind: account.Email, OccurredAt: at.Add(24 * time.Hour), Summary: "mail",
			PeopleIDs: []int64{f.bob.ID}, StakeholderIDs: []int64{f.cfo.ID}}))

		berlin, _ := time.LoadLocation("Europe/Berlin")
		m, err := db.AccountMap(ctx, sc, f.acme.ID, berlin)
		f.must(err)
		if m.AccountName != "Acme" || m.OwnerName != "Ann" || len(m.Players) != 4 {
			t.Fatalf("map %+v", m)
		}
		byName := map[string]intel.Player{}
		for _, p := range m.Players {
			byName[p.Name] = p
		}
		cfo := byName["Fred CFO"]
		if cfo.LastTouch != day("2026-10-22") || len(cfo.Links) != 1 || cfo.Links[0].LastTouch != day("2026-10-21") || cfo.Links[0].Strength != intel.Strong {
			t.Fatalf("cfo %+v", cfo)
		}
		if ceo := byName["Cleo CEO"]; ceo.Function != "Board" || ceo.Influence != 5 || ceo.Attitude != 1 || len(ceo.Links) != 0 {
			t.Fatalf("ceo %+v", ceo)
		}
		if clerk := byName["Otto Ops"]; clerk.Influence != 3 || clerk.Links[0].Strength != intel.Moderate || clerk.Links[0].Note != "lunch" {
			t.Fatalf("clerk %+v", clerk)
		}

		today := day("2026-11-01")
		fs, err := db.Coverage(ctx, sc, store.MapScope{}, today, intel.CoverageOptions{}, berlin)
		f.must(err)
		var got []string
		for _, x := range fs {
			got = append(got, string(x.Rule)+":"+x.StakeholderName+string(x.Level))
		}
		want := []string{"unknown_decision_maker:Cleo CEOexecutive", "influential_blocker:Mia Managermiddle_management",
			"single_threaded:", "level_gap:senior_management", "level_gap:middle_management"}
		if !slices.Equal(got, want) {
			t.Fatalf("findings\n got %v\nwant %v", got, want)
		}

		// The champion leaves: the departure is raised, their relationship stays.
		f.tick()
		f.must(db.MarkStakeholderLeft(ctx, sc, f.cfo.ID, day("2026-10-30"), "Globex"))
		s, err := db.Stakeholder(ctx, sc, f.cfo.ID)
		f.must(err)
		if s.Active {
			t.Fatal("a stakeholder who left is still active")
		}
		fs, err = db.Coverage(ctx, sc, store.MapScope{VisibleTo: f.ann.ID}, today, intel.CoverageOptions{}, berlin)
		f.must(err)
		if len(fs) == 0 || fs[0].Rule != intel.DepartedKeyPlayer || fs[0].OwnerID == nil || *fs[0].OwnerID != f.ann.ID {
			t.Fatalf("findings %+v", fs)
		}
		if fs, _ := db.Coverage(ctx, sc, store.MapScope{VisibleTo: f.bob.ID}, today, intel.CoverageOptions{}, berlin); len(fs) != 0 {
			t.Fatalf("bob sees %+v", fs)
		}
		rels, err := db.AccountRelationships(ctx, sc, f.acme.ID)
		f.must(err)
		if len(rels) != 2 {
			t.Fatalf("relationships %+v", rels)
		}
		// Coming back reactivates them.
		f.must(db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: f.cfo.ID, Influence: 3}))
		if s, _ := db.Stakeholder(ctx, sc, f.cfo.ID); !s.Active {
			t.Fatal("not active again")
		}
		f.must(db.DeleteRelationship(ctx, sc, f.clerk.ID, f.ann.ID))
		if err := db.DeleteRelationship(ctx, sc, f.clerk.ID, f.ann.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: f.acme.ID, Entity: "stakeholder_map"})
		f.must(err)
		if len(entries) != 4 || entries[1].Action != "left" {
			t.Fatalf("audit %+v", entries)
		}
	})
}

func TestRoadmapWhitespaceAndNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newIntelFixture(t, d)
		ctx, db, sc := f.ctx, f.db, f.sc
		core := &intel.Product{Name: "Core", Family: "Platform"}
		analytics := &intel.Product{Name: "Analytics", Family: "Data"}
		f.must(db.CreateProduct(ctx, sc, core))
		f.must(db.CreateProduct(ctx, sc, analytics))
		c := &account.Contract{AccountID: f.acme.ID, Product: "Core", AnnualValue: 100, Start: day("2025-01-01"), Status: account.ContractActive}
		f.must(db.CreateContract(ctx, sc, c))
		f.must(db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.acme.ID, ProductID: core.ID, State: intel.InPlace, Since: day("2025-01-01"), ContractID: &c.ID}))
		f.must(db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.acme.ID, ProductID: analytics.ID, State: intel.CouldUse, Fit: 4, EstimatedValue: 30_000}))
		f.must(db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.other.ID, ProductID: analytics.ID, State: intel.CouldUse, EstimatedValue: 10_000}))
		if err := db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.other.ID, ProductID: core.ID, State: intel.InPlace, ContractID: &c.ID}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("foreign contract: %v", err)
		}
		if err := db.SetRoadmapItem(ctx, sc, &intel.RoadmapItem{AccountID: f.other.ID, ProductID: core.ID, State: intel.NeededForVision}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("needed without vision: %v", err)
		}
		rm, err := db.Roadmap(ctx, sc, f.acme.ID)
		f.must(err)
		if len(rm) != 2 || rm[0].ProductName != "Analytics" || rm[1].ContractID == nil || rm[1].Since != day("2025-01-01") {
			t.Fatalf("roadmap %+v", rm)
		}
		// Deleting the contract unlinks it.
		f.must(db.DeleteContract(ctx, sc, c.ID))
		rm, _ = db.Roadmap(ctx, sc, f.acme.ID)
		if rm[1].ContractID != nil || rm[1].State != intel.InPlace {
			t.Fatalf("after contract delete %+v", rm[1])
		}

		ws, err := db.Whitespace(ctx, sc, 0)
		f.must(err)
		if ws.Total != 40_000 || len(ws.Rows) != 2 || ws.Rows[0].AccountName != "Acme" || ws.Rows[0].Total != 30_000 || ws.Products[0].Total != 40_000 {
			t.Fatalf("whitespace %+v", ws)
		}
		ws, err = db.Whitespace(ctx, sc, f.bob.ID)
		f.must(err)
		if ws.Total != 10_000 || len(ws.Rows) != 1 {
			t.Fatalf("bob's whitespace %+v", ws)
		}

		o := &account.Opportunity{AccountID: f.acme.ID, Name: "Analytics for Acme", Kind: account.CrossSell, Stage: account.Prospecting, Amount: 30_000}
		f.must(db.OpenRoadmapOpportunity(ctx, sc, analytics.ID, o))
		rm, _ = db.Roadmap(ctx, sc, f.acme.ID)
		if rm[0].OpportunityID == nil || *rm[0].OpportunityID != o.ID || rm[0].Fit != 4 {
			t.Fatalf("opportunity not linked %+v", rm[0])
		}
		got, err := db.Opportunity(ctx, sc, o.ID)
		f.must(err)
		if got.Product != "Analytics" {
			t.Fatalf("opportunity %+v", got)
		}
		f.must(db.DeleteOpportunity(ctx, sc, o.ID))
		rm, _ = db.Roadmap(ctx, sc, f.acme.ID)
		if rm[0].OpportunityID != nil {
			t.Fatal("deleted opportunity still linked")
		}
		f.must(db.DeleteRoadmapItem(ctx, sc, f.acme.ID, analytics.ID))
		if err := db.DeleteRoadmapItem(ctx, sc, f.acme.ID, analytics.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}

		n := &intel.Need{AccountID: f.acme.ID, Text: "See sales by store", Priority: intel.HighPriority, ProductIDs: []int64{analytics.ID, analytics.ID, core.ID}}
		f.must(db.CreateNeed(ctx, sc, n))
		low := &intel.Need{AccountID: f.acme.ID, Text: "Later", Horizon: intel.FutureNeed, Priority: intel.LowPriority}
		f.must(db.CreateNeed(ctx, sc, low))
		if err := db.CreateNeed(ctx, sc, &intel.Need{AccountID: f.acme.ID, Text: "x", ProductIDs: []int64{999}}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("unknown product: %v", err)
		}
		n.Status = intel.Addressed
		n.ProductIDs = []int64{core.ID}
		f.must(db.UpdateNeed(ctx, sc, n))
		ns, err := db.Needs(ctx, sc, f.acme.ID)
		f.must(err)
		if len(ns) != 2 || ns[0].ID != low.ID || !slices.Equal(ns[1].ProductIDs, []int64{core.ID}) || ns[1].Status != intel.Addressed {
			t.Fatalf("needs %+v", ns)
		}
		f.must(db.DeleteNeed(ctx, sc, low.ID))
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{AccountID: f.acme.ID})
		f.must(err)
		count := map[string]int{}
		for _, e := range entries {
			count[e.Entity]++
		}
		if count["need"] != 4 || count["roadmap_item"] != 4 {
			t.Fatalf("audit %v", count)
		}
	})
}
