package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

// Options says what Generate writes.
type Options struct {
	// Accounts is the portfolio size; everything else is proportional to it:
	// per account about 5 stakeholders, 50 touches over two years, 5
	// opportunities and 3 contracts, and max(12, Accounts/500) people.
	Accounts int
	// Seed makes the data: the same seed, size and reference day give the
	// same records.
	Seed uint64
	// Now is the reference time: touches fall in the two years before it,
	// open opportunities and renewals after it.
	Now time.Time
	// Progress, if set, is called now and then with the accounts written so far.
	Progress func(accounts int)
}

// MaxAccounts bounds Options.Accounts: ten million accounts would already be
// about two billion rows.
const MaxAccounts = 10_000_000

// Slug is the organisation the synthetic data goes to: gen-<seed>-<accounts>.
func (o Options) Slug() string { return fmt.Sprintf("gen-%d-%d", o.Seed, o.Accounts) }

// Per-account averages of the synthetic data.
const (
	genStakeholdersMin, genStakeholdersSpan = 3, 5 // 3..7, mean 5
	genTouchesMin, genTouchesSpan           = 20, 61
	genOpportunitiesSpan                    = 11 // 0..10, mean 5
	genContractsMin, genContractsSpan       = 1, 5
	genDays                                 = 730 // touches span two years
)

// Summary is what a generator wrote.
type Summary struct {
	Org    account.Organisation
	Counts store.BulkCounts
}

// Generate writes synthetic data of the size o asks for into a new
// organisation (o.Slug()) through the store's bulk path. It refuses if that
// organisation already holds accounts; an empty one (say, from a load that
// failed) is filled. The data is for benchmarks, so the load trades
// durability for speed (store.BulkOptions: indexes and cadence check-ins
// built at the end, no flush to disk).
func Generate(ctx context.Context, db *store.DB, o Options) (Summary, error) {
	switch {
	case o.Accounts < 1:
		return Summary{}, account.Invalid("accounts", "must be at least 1 (is %d)", o.Accounts)
	case o.Accounts > MaxAccounts:
		return Summary{}, account.Invalid("accounts", "must be at most %d (is %d)", MaxAccounts, o.Accounts)
	case o.Now.IsZero():
		return Summary{}, account.Invalid("now", "is required")
	}
	org, err := ensureOrganisation(ctx, db, o.Slug(), fmt.Sprintf("Synthetic data (seed %d, %d accounts)", o.Seed, o.Accounts))
	if err != nil {
		return Summary{}, err
	}
	sc := account.Scope{OrgID: org.ID, Actor: "samwise gen"}
	counts, err := db.Bulk(ctx, sc, store.BulkOptions{Large: true, NoSync: true}, func(w *store.BulkWriter) error {
		has, err := w.HasAccounts()
		if err != nil {
			return err
		}
		if has {
			return account.Errorf(account.ECONFLICT,
				"Organisation %q already holds data; choose another seed or size, or delete it first.", org.Slug)
		}
		g := &synth{r: newRand(o.Seed), w: w, now: o.Now.UTC(), texts: newTexts(), progress: o.Progress}
		return g.run(o.Accounts)
	})
	return Summary{Org: org, Counts: counts}, err
}

// ensureOrganisation returns the organisation with slug, creating it if absent.
func ensureOrganisation(ctx context.Context, db *store.DB, slug, name string) (account.Organisation, error) {
	org, err := db.OrganisationBySlug(ctx, slug)
	if account.ErrorCode(err) != account.ENOTFOUND {
		return org, err
	}
	org = account.Organisation{Name: name, Slug: slug}
	err = db.CreateOrganisation(ctx, &org)
	if account.ErrorCode(err) == account.ECONFLICT {
		// Someone else created it meanwhile; use theirs.
		return db.OrganisationBySlug(ctx, slug)
	}
	return org, err
}

// synth writes the synthetic portfolio, one account with everything it has at
// a time, so that memory stays flat however large the portfolio.
type synth struct {
	r        *rand.Rand
	w        *store.BulkWriter
	now      time.Time
	texts    *texts
	progress func(int)

	people       []int64
	owners       []int64 // who may own accounts: account directors and managers
	ownerWeights []int
	topLevel     []int64 // accounts without a parent: candidates to be one

	// Reused for every touch, so that five million touches cost few allocations.
	touch        account.Touch
	stakeholders []int64
	times        []time.Time
}

func (g *synth) run(accounts int) error {
	if err := g.writePeople(max(12, accounts/500)); err != nil {
		return err
	}
	for i := range accounts {
		if err := g.writeAccount(i); err != nil {
			return err
		}
		if g.progress != nil && ((i+1)%1000 == 0 || i+1 == accounts) {
			g.progress(i + 1)
		}
	}
	return nil
}

// writePeople writes n people: a head of strategic accounts, account
// directors reporting to them, and account managers, sales engineers and
// others reporting to the directors. The first account manager owns five
// times the share of the others — an overloaded manager.
func (g *synth) writePeople(n int) error {
	combos := len(firstNames) * len(lastNames)
	perm := g.r.Perm(combos)
	directors := max(2, n/10)
	roles := []string{"Account Manager", "Account Manager", "Account Manager", "Sales Engineer",
		"Customer Success Manager", "Professional Services Consultant", "Technical Lead"}
	for j := range n {
		c := perm[j%combos]
		first, last := firstNames[c%len(firstNames)], lastNames[c/len(firstNames)]
		local := asciiWord(first) + "." + asciiWord(last)
		if j >= combos {
			local += fmt.Sprint(j/combos + 1)
		}
		p := account.Person{Name: first + " " + last, Email: local + "@example.com",
			CreatedAt: g.now.AddDate(-3, 0, -g.r.IntN(365))}
		switch {
		case j == 0:
			p.Title = "Head of Strategic Accounts"
		case j <= directors:
			p.Title, p.ManagerID = "Account Director", &g.people[0]
		default:
			p.Title, p.ManagerID = roles[(j-directors-1)%len(roles)], &g.people[1+(j-directors-1)%directors]
		}
		if err := g.w.Person(&p); err != nil {
			return err
		}
		g.people = append(g.people, p.ID)
		if p.Title == "Account Director" || p.Title == "Account Manager" {
			g.owners = append(g.owners, p.ID)
			w := 1
			if p.Title == "Account Manager" && len(g.ownerWeights) == directors {
				w = 5 // the first account manager
			}
			g.ownerWeights = append(g.ownerWeights, w)
		}
	}
	return nil
}

func (g *synth) writeAccount(i int) error {
	r := g.r
	ind, reg := pick(r, industries), pickRegion(r)
	name, domain := companyName(r, ind, reg)
	size := pareto(r, 1.16, 2000)
	employees := int64(20 * size * (0.5 + r.Float64()))
	a := account.Account{Name: name, Domain: domain, Industry: ind.name, Employees: employees,
		AnnualRevenue: cents(float64(employees) * (80_000 + 220_000*r.Float64())),
		Region:        reg.name, Country: pick(r, reg.countries), Lifecycle: account.Lifecycles[weighted(r, []int{25, 60, 15})],
		ExternalID: fmt.Sprintf("GEN-%07d", i+1), CreatedAt: g.now.AddDate(0, 0, -genDays-r.IntN(1500))}
	if r.IntN(100) >= 3 { // 3% have no owner
		a.OwnerID = &g.owners[weighted(r, g.ownerWeights)]
	}
	if len(g.topLevel) > 10 && r.IntN(100) < 2 {
		a.ParentID = &g.topLevel[r.IntN(len(g.topLevel))]
	}
	a.UpdatedAt = a.CreatedAt
	if err := g.w.Account(&a); err != nil {
		return err
	}
	if a.ParentID == nil {
		g.topLevel = append(g.topLevel, a.ID)
	}
	if err := g.writeStakeholders(&a); err != nil {
		return err
	}
	if err := g.writeTouches(&a); err != nil {
		return err
	}
	if err := g.writeOpportunities(&a, size); err != nil {
		return err
	}
	return g.writeContracts(&a, size)
}

func (g *synth) writeStakeholders(a *account.Account) error {
	r := g.r
	g.stakeholders = g.stakeholders[:0]
	for k := range genStakeholdersMin + r.IntN(genStakeholdersSpan) {
		first, last := personName(r)
		level := stakeholderLevel(r, k == 0)
		s := account.Stakeholder{AccountID: a.ID, Name: first + " " + last, Title: pick(r, titles[level]),
			Level: level, BuyingRole: buyingRole(r, level), Active: r.IntN(100) >= 8,
			CreatedAt: a.CreatedAt.AddDate(0, 0, r.IntN(genDays))}
		if r.IntN(10) > 0 {
			s.Email = emailAt(first, last, a.Domain)
		}
		if err := g.w.Stakeholder(&s); err != nil {
			return err
		}
		g.stakeholders = append(g.stakeholders, s.ID)
	}
	return nil
}

// writeTouches writes the account's touches in time order, each with one or
// two of our people (the owner first) and one to three of its stakeholders.
func (g *synth) writeTouches(a *account.Account) error {
	r := g.r
	n := genTouchesMin + r.IntN(genTouchesSpan)
	g.times = g.times[:0]
	span := int64(genDays * 24 * time.Hour / time.Minute)
	for range n {
		g.times = append(g.times, g.now.Add(-time.Duration(1+r.Int64N(span))*time.Minute).Truncate(time.Minute))
	}
	slices.SortFunc(g.times, func(x, y time.Time) int { return x.Compare(y) })
	t := &g.touch
	for _, at := range g.times {
		kind := touchKind(r)
		*t = account.Touch{AccountID: a.ID, Kind: kind, OccurredAt: at, Summary: g.texts.summary(r, kind),
			NextStep: nextStep(r), PeopleIDs: t.PeopleIDs[:0], StakeholderIDs: t.StakeholderIDs[:0], CreatedAt: at}
		if a.OwnerID != nil {
			t.PeopleIDs = append(t.PeopleIDs, *a.OwnerID)
		}
		if a.OwnerID == nil || r.IntN(100) < 25 {
			t.PeopleIDs = append(t.PeopleIDs, pick(r, g.people)) // Normalize drops a repeat
		}
		// Most touches are with one person; a partial shuffle picks distinct ones.
		m := min(len(g.stakeholders), 1+weighted(r, []int{55, 30, 15}))
		for j := range m {
			k := j + r.IntN(len(g.stakeholders)-j)
			g.stakeholders[j], g.stakeholders[k] = g.stakeholders[k], g.stakeholders[j]
			t.StakeholderIDs = append(t.StakeholderIDs, g.stakeholders[j])
		}
		if err := g.w.Touch(t); err != nil {
			return err
		}
	}
	return nil
}

func (g *synth) writeOpportunities(a *account.Account, size float64) error {
	r := g.r
	for range r.IntN(genOpportunitiesSpan) {
		prod := pick(r, products)
		kind := account.OpportunityKinds[weighted(r, []int{25, 30, 25, 20})]
		stage := account.Stages[weighted(r, []int{15, 13, 12, 35, 25})]
		o := account.Opportunity{AccountID: a.ID, OwnerID: a.OwnerID, Product: prod.name, Kind: kind, Stage: stage,
			Name:   opportunityName(r, kind, prod.name),
			Amount: cents(float64(prod.price) * min(size, 50) * (0.3 + r.Float64()))}
		if stage.Closed() {
			closed := -r.IntN(genDays)
			o.ActualClose = day(g.now, closed)
			o.ExpectedClose = day(g.now, closed+r.IntN(61)-30)
			o.CreatedAt = g.now.AddDate(0, 0, closed-30-r.IntN(150))
		} else {
			o.ExpectedClose = day(g.now, r.IntN(200)-20) // a few have slipped past their date
			o.CreatedAt = g.now.AddDate(0, 0, -r.IntN(180))
		}
		if err := g.w.Opportunity(&o); err != nil {
			return err
		}
	}
	return nil
}

// writeContracts writes contracts that fit the account's lifecycle: former
// customers' contracts ended (the latest one churned), prospects' are
// pending or long expired, and customers have active ones with their expired
// predecessors, each predecessor linked to the contract that renewed it with
// the outcome its value change says (renewed, expanded, contracted). Active
// contracts ending in the next 180 days carry a forecast.
func (g *synth) writeContracts(a *account.Account, size float64) error {
	r := g.r
	today := account.DateOf(g.now)
	var prev *account.Contract // the last active contract, which an expired one may precede
	latestGone := -1           // index into gone of the contract that ended last
	var gone []account.Contract
	for k := range genContractsMin + r.IntN(genContractsSpan) {
		prod := pick(r, products)
		years := 1 + r.IntN(3)
		c := account.Contract{AccountID: a.ID, Product: prod.name, AutoRenew: r.IntN(100) < 40,
			AnnualValue: cents(float64(prod.price) * min(size, 50) * (0.3 + r.Float64()))}
		var ren store.RenewalUpdate
		switch {
		case a.Lifecycle == account.Prospect && k == 0, r.IntN(100) < 4:
			c.Status = account.ContractPending
			c.Start = day(g.now, 1+r.IntN(90))
		case a.Lifecycle == account.Customer && k == 0, a.Lifecycle == account.Customer && r.IntN(2) == 0:
			c.Status = account.ContractActive
			// Started within its term, so it ends within the next `years` years.
			c.Start = day(g.now, -365*years+r.IntN(365*years)+1)
		case a.Lifecycle == account.FormerCustomer && r.IntN(3) == 0:
			c.Status = account.ContractCancelled
			c.Start = day(g.now, -365*years-r.IntN(genDays))
		default:
			c.Status = account.ContractExpired
			c.Start = day(g.now, -365*years-1-r.IntN(genDays))
		}
		c.End = c.Start.AddDays(365*years - 1)
		if c.Status == account.ContractCancelled {
			c.End = c.Start.AddDays(r.IntN(365 * years))
		}
		if c.Status == account.ContractExpired && a.Lifecycle == account.Customer && prev != nil {
			// The contract the previous active one renewed: same product,
			// ending the day before it started, worth 80-120% of it.
			c.Product, c.AutoRenew = prev.Product, false
			c.AnnualValue = prev.AnnualValue * int64(80+r.IntN(41)) / 100
			c.End = prev.Start.AddDays(-1)
			c.Start = c.End.AddDays(-365*years + 1)
			ren = store.RenewalUpdate{SuccessorID: &prev.ID, OwnerID: a.OwnerID, Forecast: outcome.Likely}
			switch {
			case prev.AnnualValue > c.AnnualValue:
				ren.Outcome, ren.Reason = outcome.Expanded, "Added seats"
			case prev.AnnualValue < c.AnnualValue:
				ren.Outcome, ren.Reason, ren.Forecast = outcome.Contracted, "Fewer seats", outcome.AtRisk
			default:
				ren.Outcome = outcome.Renewed
			}
			prev = nil
		}
		if c.Status == account.ContractActive && !c.End.Before(today) && c.End.DaysSince(today) <= 180 {
			ren = store.RenewalUpdate{OwnerID: a.OwnerID, NoticeDays: 30 * (1 + r.IntN(3)),
				Forecast: outcome.Forecasts[weighted(r, []int{70, 20, 10})]}
		}
		c.CreatedAt = c.Start.Time().AddDate(0, 0, -r.IntN(30))
		if c.CreatedAt.After(g.now) {
			c.CreatedAt = g.now
		}
		if a.Lifecycle == account.FormerCustomer && c.Status != account.ContractPending {
			// Written at the end, the latest one marked churned.
			gone = append(gone, c)
			if latestGone < 0 || gone[latestGone].End.Before(c.End) {
				latestGone = len(gone) - 1
			}
			continue
		}
		if err := g.w.ContractRenewal(&c, ren); err != nil {
			return err
		}
		if c.Status == account.ContractActive {
			cp := c
			prev = &cp
		}
	}
	for i := range gone {
		ren := store.RenewalUpdate{}
		if i == latestGone {
			ren = store.RenewalUpdate{Outcome: outcome.Churned, Forecast: outcome.Lost, Reason: pick(r, churnReasons)}
		}
		if err := g.w.ContractRenewal(&gone[i], ren); err != nil {
			return err
		}
	}
	return nil
}
