package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// The demo organisation.
const (
	DemoSlug = "demo"
	DemoName = "Demo Company"
)

// The demo portfolio's size, with 12 people. Opportunities (about 360) and
// contracts (about 220) follow from the accounts' lifecycles.
const (
	DemoAccounts     = 150
	DemoStakeholders = 600
	DemoTouches      = 3000
	demoSeed         = 20260301
)

// Result says what Install did.
type Result struct {
	Org   account.Organisation
	Scope account.Scope
	// Loaded is false when the demo organisation already had accounts, in
	// which case nothing was written.
	Loaded bool
	Counts store.BulkCounts
}

var errAlreadyLoaded = errors.New("the demo portfolio is already loaded")

// Load loads the demo portfolio into the organisation "demo" (creating it if
// absent) and returns its scope. If the organisation already has accounts it
// writes nothing, so it is safe to call at every start.
func Load(ctx context.Context, db *store.DB, now time.Time) (account.Scope, error) {
	r, err := Install(ctx, db, now)
	return r.Scope, err
}

// Install is Load that also says whether it wrote anything, and what.
//
// The portfolio is deterministic given now (to the minute): the same
// reference time gives the same records. It holds every state samwise
// shows: Pareto-like revenue (a few large accounts, many tiny ones), parent
// companies with subsidiaries, prospects, customers and churned former
// customers, accounts without an owner and one account manager owning far
// more than the others, key executives nobody has met for over 200 days and
// champions contacted every few days, opportunities in every stage and kind,
// and contracts in every status with renewals due in the next 30, 60 and 90
// days.
func Install(ctx context.Context, db *store.DB, now time.Time) (Result, error) {
	org, err := ensureOrganisation(ctx, db, DemoSlug, DemoName)
	if err != nil {
		return Result{}, fmt.Errorf("demo organisation: %w", err)
	}
	res := Result{Org: org, Scope: account.Scope{OrgID: org.ID, Actor: "system"}}
	res.Counts, err = db.Bulk(ctx, res.Scope, store.BulkOptions{}, func(w *store.BulkWriter) error {
		has, err := w.HasAccounts()
		if err != nil {
			return err
		}
		if has {
			return errAlreadyLoaded
		}
		return newPortfolio(w, now).write()
	})
	switch {
	case errors.Is(err, errAlreadyLoaded):
		return res, nil
	case err != nil:
		return res, fmt.Errorf("load the demo portfolio: %w", err)
	}
	res.Loaded = true
	return res, nil
}

// staff are our people in the demo: a head of strategic accounts, two
// account directors (people managers), six account managers, two sales
// engineers and a customer success manager. manager indexes this list.
var staff = []struct {
	name, email, title string
	manager            int // -1: none
}{
	{"Sam Leader", "sam.leader@example.com", "Head of Strategic Accounts", -1},
	{"Ann Lee", "ann.lee@example.com", "Account Director", 0},
	{"Raj Patel", "raj.patel@example.com", "Account Director", 0},
	{"Tom Becker", "tom.becker@example.com", "Account Manager", 1},
	{"Maria Garcia", "maria.garcia@example.com", "Account Manager", 1},
	{"Priya Nair", "priya.nair@example.com", "Account Manager", 1},
	{"Lucas Silva", "lucas.silva@example.com", "Account Manager", 2},
	{"Emma Wilson", "emma.wilson@example.com", "Account Manager", 2},
	{"Kenji Sato", "kenji.sato@example.com", "Account Manager", 2},
	{"Omar Haddad", "omar.haddad@example.com", "Sales Engineer", 2},
	{"Chloe Martin", "chloe.martin@example.com", "Sales Engineer", 1},
	{"Grace Kim", "grace.kim@example.com", "Customer Success Manager", 0},
}

// ownership says how many accounts each of staff owns; the rest have no
// owner. Tom Becker (index 3) is the overloaded account manager.
var ownership = map[int]int{3: 42, 4: 17, 5: 17, 6: 17, 7: 17, 8: 17, 1: 6, 2: 6}

// Lifecycle mix of the demo accounts (subsidiaries are customers).
const (
	demoCustomers      = 95
	demoProspects      = 35
	demoFormer         = 20
	demoSubsidiaries   = 6 // of the four largest customers
	demoNeglectedExecs = 12
	demoUntouchedExecs = 3
	demoBursts         = 10
)

// cadence is how a demo stakeholder is contacted.
type cadence int

const (
	regular   cadence = iota
	neglected         // key executive: last touch more than 200 days ago
	untouched         // never touched
	burst             // touched every few days lately: over-contacted
	lapsed            // inactive: touched only in the first of the two years
)

type plannedAccount struct {
	account.Account
	size         float64 // Pareto-distributed scale of the business
	from, to     int     // touches fall from..to days ago
	stakeholders []*plannedStakeholder
}

type plannedStakeholder struct {
	account.Stakeholder
	cadence cadence
	weight  int
}

// portfolio builds the demo in memory, then writes it: people, accounts,
// stakeholders, touches (in time order, so ids follow time as in real use),
// opportunities and contracts.
type portfolio struct {
	r        *rand.Rand
	w        *store.BulkWriter
	now      time.Time
	texts    *texts
	people   []account.Person
	accounts []*plannedAccount
	touches  []account.Touch
}

func newPortfolio(w *store.BulkWriter, now time.Time) *portfolio {
	return &portfolio{r: newRand(demoSeed), w: w, now: now.UTC().Truncate(time.Minute), texts: newTexts()}
}

func (p *portfolio) write() error {
	steps := []func() error{p.writePeople, p.writeAccounts, p.writeStakeholders, p.writeTouches,
		p.writeOpportunities, p.writeContracts}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// daysAgo returns a time on the calendar day n days before now, during
// working hours (or earlier today, for n = 0).
func (p *portfolio) daysAgo(n int) time.Time {
	d := p.now.AddDate(0, 0, -n).Truncate(24 * time.Hour)
	t := d.Add(8*time.Hour + time.Duration(p.r.IntN(10*60))*time.Minute)
	if !t.Before(p.now) {
		t = p.now.Add(-time.Duration(1+p.r.IntN(60)) * time.Minute)
	}
	return t
}

func (p *portfolio) writePeople() error {
	for _, s := range staff {
		person := account.Person{Name: s.name, Email: s.email, Title: s.title, CreatedAt: p.now.AddDate(-3, 0, 0)}
		if s.manager >= 0 {
			person.ManagerID = &p.people[s.manager].ID
		}
		if err := p.w.Person(&person); err != nil {
			return err
		}
		p.people = append(p.people, person)
	}
	return nil
}

// writeAccounts plans and writes the accounts: lifecycles and owners in exact
// numbers, shuffled; sizes Pareto-distributed; subsidiaries of the largest
// customers last, after their parents.
func (p *portfolio) writeAccounts() error {
	r := p.r
	n := DemoAccounts - demoSubsidiaries
	var lifecycles []account.Lifecycle
	for _, lc := range []struct {
		l account.Lifecycle
		n int
	}{{account.Customer, demoCustomers - demoSubsidiaries}, {account.Prospect, demoProspects}, {account.FormerCustomer, demoFormer}} {
		for range lc.n {
			lifecycles = append(lifecycles, lc.l)
		}
	}
	r.Shuffle(len(lifecycles), func(i, j int) { lifecycles[i], lifecycles[j] = lifecycles[j], lifecycles[i] })
	owners := make([]*int64, 0, DemoAccounts)
	for i := range staff { // in staff order, not map order: deterministic
		for range ownership[i] {
			owners = append(owners, &p.people[i].ID)
		}
	}
	for len(owners) < DemoAccounts {
		owners = append(owners, nil)
	}
	r.Shuffle(len(owners), func(i, j int) { owners[i], owners[j] = owners[j], owners[i] })

	names, domains := map[string]bool{}, map[string]bool{}
	for i := range n {
		ind, reg := pick(r, industries), pickRegion(r)
		var name, domain string
		for {
			name, domain = companyName(r, ind, reg)
			if !names[name] && !domains[domain] {
				break
			}
		}
		names[name], domains[domain] = true, true
		a := &plannedAccount{size: pareto(r, 1.16, 400)}
		a.Account = account.Account{Name: name, Domain: domain, Industry: ind.name, Region: reg.name,
			Country: pick(r, reg.countries), Lifecycle: lifecycles[i], OwnerID: owners[i],
			ExternalID: fmt.Sprintf("CRM-%05d", 10000+i*7)}
		p.accounts = append(p.accounts, a)
	}
	// Parents: the four largest customers. Their subsidiaries are named after
	// them, in another region.
	var customers []*plannedAccount
	for _, a := range p.accounts {
		if a.Lifecycle == account.Customer {
			customers = append(customers, a)
		}
	}
	slices.SortStableFunc(customers, func(x, y *plannedAccount) int { return cmp.Compare(y.size, x.size) })
	subRegions := []struct{ word, code string }{{"Europe", "eu"}, {"Asia Pacific", "apac"}, {"Americas", "us"},
		{"Nordics", "nordics"}, {"UK", "uk"}, {"Japan", "jp"}}
	for j := range demoSubsidiaries {
		parent := customers[j%4]
		reg := regions[(j+1)%len(regions)]
		sr := subRegions[j]
		a := &plannedAccount{size: parent.size * (0.05 + 0.2*r.Float64())}
		a.Account = account.Account{Name: parent.Name + " " + sr.word, Domain: sr.code + "." + parent.Domain,
			Industry: parent.Industry, Region: reg.name, Country: pick(r, reg.countries), Lifecycle: account.Customer,
			OwnerID: owners[n+j], ExternalID: fmt.Sprintf("CRM-%05d", 10000+(n+j)*7)}
		a.ParentID = &parent.ID // filled once the parent is written, below
		p.accounts = append(p.accounts, a)
	}
	for _, a := range p.accounts {
		a.Employees = max(5, int64(25*a.size*(0.6+0.8*r.Float64())))
		a.AnnualRevenue = cents(float64(a.Employees) * (90_000 + 160_000*r.Float64()))
		a.CreatedAt = p.now.AddDate(0, 0, -800-r.IntN(1000))
		a.UpdatedAt = p.now.AddDate(0, 0, -r.IntN(200))
		switch a.Lifecycle {
		case account.Prospect:
			a.from, a.to = 240, 1
			a.CreatedAt = p.now.AddDate(0, 0, -250-r.IntN(300))
		case account.FormerCustomer:
			a.from, a.to = 730, 30+r.IntN(400) // no touches since they left
		default:
			a.from, a.to = 730, 1
		}
		if err := p.w.Account(&a.Account); err != nil {
			return err
		}
	}
	return nil
}

// writeStakeholders gives each account stakeholders in proportion to its
// size, DemoStakeholders in all, the first always an executive; then marks
// the cadence exceptions.
func (p *portfolio) writeStakeholders() error {
	r := p.r
	counts := make([]int, len(p.accounts))
	for i, a := range p.accounts {
		counts[i] = min(9, 2+int(math.Round(1.1*math.Log(a.size)))+r.IntN(2))
	}
	adjustTotal(r, counts, DemoStakeholders, 2, 10)
	for i, a := range p.accounts {
		for k := range counts[i] {
			first, last := personName(r)
			level := stakeholderLevel(r, k == 0)
			s := &plannedStakeholder{weight: 2}
			s.Stakeholder = account.Stakeholder{AccountID: a.ID, Name: first + " " + last,
				Title: pick(r, titles[level]), Level: level, BuyingRole: buyingRole(r, level), Active: true,
				CreatedAt: a.CreatedAt.AddDate(0, 0, r.IntN(300))}
			if r.IntN(10) > 0 {
				s.Email = emailAt(first, last, a.Domain)
			}
			if r.IntN(2) == 0 {
				s.Phone = fmt.Sprintf("+1 555 %03d %04d", r.IntN(1000), r.IntN(10000))
			}
			if k > 0 && r.IntN(100) < 8 {
				s.Active, s.cadence = false, lapsed
			}
			switch s.BuyingRole {
			case account.Champion:
				s.weight = 4
			case account.DecisionMaker:
				s.weight = 3
			}
			a.stakeholders = append(a.stakeholders, s)
		}
	}
	p.markCadences()
	for _, a := range p.accounts {
		for _, s := range a.stakeholders {
			if err := p.w.Stakeholder(&s.Stakeholder); err != nil {
				return err
			}
		}
	}
	return nil
}

// markCadences picks, among customers, the executives nobody has met for
// months (and a few never met), and the stakeholders contacted too often.
func (p *portfolio) markCadences() {
	r := p.r
	var customers []*plannedAccount
	for _, a := range p.accounts {
		if a.Lifecycle == account.Customer && a.ParentID == nil {
			customers = append(customers, a)
		}
	}
	r.Shuffle(len(customers), func(i, j int) { customers[i], customers[j] = customers[j], customers[i] })
	for i, a := range customers[:demoNeglectedExecs+demoUntouchedExecs] {
		a.stakeholders[0].cadence = neglected
		if i >= demoNeglectedExecs {
			a.stakeholders[0].cadence = untouched
		}
	}
	bursts := 0
	for _, a := range customers[demoNeglectedExecs+demoUntouchedExecs:] {
		for _, s := range a.stakeholders[1:] {
			if bursts < demoBursts && s.cadence == regular {
				s.cadence = burst
				bursts++
				break
			}
		}
	}
}

// adjustTotal nudges counts, one at a time on random entries kept within
// [lo, hi), until they add up to total.
func adjustTotal(r *rand.Rand, counts []int, total, lo, hi int) {
	sum := 0
	for _, c := range counts {
		sum += c
	}
	for sum != total {
		i := r.IntN(len(counts))
		switch {
		case sum < total && counts[i]+1 < hi:
			counts[i]++
			sum++
		case sum > total && counts[i] > lo:
			counts[i]--
			sum--
		}
	}
}

// writeTouches writes DemoTouches touches: first the bursts of the
// over-contacted, then the rest shared among accounts by size and
// lifecycle, each touch about one stakeholder with sometimes a colleague or
// two, within the window that stakeholder's cadence allows.
func (p *portfolio) writeTouches() error {
	r := p.r
	for _, a := range p.accounts {
		for _, s := range a.stakeholders {
			if s.cadence != burst {
				continue
			}
			for d := 25 + r.IntN(20); d >= 1 && len(p.touches) < DemoTouches; d -= 2 + r.IntN(4) {
				p.touch(a, s, d)
			}
		}
	}
	weights := make([]float64, len(p.accounts))
	for i, a := range p.accounts {
		switch a.Lifecycle {
		case account.Customer:
			weights[i] = 3 * math.Sqrt(a.size)
		case account.Prospect:
			weights[i] = 1.5
		default:
			weights[i] = 2
		}
	}
	for i, n := range apportion(DemoTouches-len(p.touches), weights) {
		a := p.accounts[i]
		var pool []*plannedStakeholder
		var w []int
		for _, s := range a.stakeholders {
			if s.cadence != untouched {
				pool, w = append(pool, s), append(w, s.weight)
			}
		}
		for range n {
			s := pool[weighted(r, w)]
			from, to := a.from, a.to
			switch s.cadence {
			case neglected:
				from, to = max(from, 210), max(to, 210)
			case lapsed:
				from, to = max(from, 365), max(to, 365)
			}
			p.touch(a, s, to+r.IntN(from-to+1))
		}
	}
	slices.SortStableFunc(p.touches, func(x, y account.Touch) int { return x.OccurredAt.Compare(y.OccurredAt) })
	for i := range p.touches {
		if err := p.w.Touch(&p.touches[i]); err != nil {
			return err
		}
	}
	return nil
}

// touch plans one touch of account a about s, d days ago. Colleagues join
// only if they are regular, active contacts, so that no exception is blurred.
func (p *portfolio) touch(a *plannedAccount, s *plannedStakeholder, d int) {
	r := p.r
	kind := touchKind(r)
	if s.cadence == burst {
		kind = []account.TouchKind{account.Call, account.Email, account.Meeting}[r.IntN(3)]
	}
	at := p.daysAgo(d)
	t := account.Touch{AccountID: a.ID, Kind: kind, OccurredAt: at, Summary: p.texts.summary(r, kind),
		NextStep: nextStep(r), StakeholderIDs: []int64{s.ID}, CreatedAt: at}
	if s.cadence != burst {
		for _, o := range a.stakeholders {
			if o != s && o.cadence == regular && r.IntN(100) < 20 && len(t.StakeholderIDs) < 3 {
				t.StakeholderIDs = append(t.StakeholderIDs, o.ID)
			}
		}
	}
	if a.OwnerID != nil {
		t.PeopleIDs = append(t.PeopleIDs, *a.OwnerID)
	} else {
		t.PeopleIDs = append(t.PeopleIDs, p.people[3+r.IntN(6)].ID) // whichever account manager had time
	}
	if r.IntN(100) < 30 {
		t.PeopleIDs = append(t.PeopleIDs, p.people[9+r.IntN(3)].ID) // a sales engineer or customer success
	}
	p.touches = append(p.touches, t)
}

// apportion splits total into whole parts in proportion to weights (largest
// remainder method), so the parts add up exactly.
func apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	parts := make([]int, len(weights))
	rest := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		parts[i] = int(exact)
		rest[i] = exact - float64(parts[i])
		given += parts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(rest[y], rest[x]) })
	for _, i := range order[:total-given] {
		parts[i]++
	}
	return parts
}

// scale turns an account's size into a multiple of a product's list price.
func (a *plannedAccount) scale() float64 { return min(60, max(0.2, 0.25*math.Pow(a.size, 0.9))) }

// writeOpportunities writes a few opportunities per account, fitting its
// lifecycle, then one more for every stage and kind pair still missing.
func (p *portfolio) writeOpportunities() error {
	r := p.r
	seen := map[[2]string]bool{}
	add := func(a *plannedAccount, kind account.OpportunityKind, stage account.Stage) error {
		prod := pick(r, products)
		o := account.Opportunity{AccountID: a.ID, OwnerID: a.OwnerID, Name: opportunityName(r, kind, prod.name),
			Product: prod.name, Kind: kind, Stage: stage,
			Amount: cents(math.Round(float64(prod.price)*a.scale()*(0.5+r.Float64())/100) * 100)}
		if stage.Closed() {
			d := a.to + r.IntN(max(1, min(720, a.from)-a.to))
			o.ActualClose = day(p.now, -d)
			o.ExpectedClose = day(p.now, -d+r.IntN(41)-20)
			o.CreatedAt = p.now.AddDate(0, 0, -d-30-r.IntN(120))
		} else {
			d := 7 + r.IntN(174)
			if r.IntN(10) == 0 {
				d = -1 - r.IntN(30) // slipped past its expected close
			}
			o.ExpectedClose = day(p.now, d)
			o.CreatedAt = p.now.AddDate(0, 0, -10-r.IntN(150))
		}
		seen[[2]string{string(stage), string(kind)}] = true
		return p.w.Opportunity(&o)
	}
	for _, a := range p.accounts {
		var n int
		var kinds, stages []int // weights, in OpportunityKinds and Stages order
		switch a.Lifecycle {
		case account.Customer:
			n, kinds, stages = 2+r.IntN(3), []int{10, 35, 30, 25}, []int{15, 15, 15, 35, 20}
		case account.Prospect:
			n, kinds, stages = 1+r.IntN(2), []int{1, 0, 0, 0}, []int{35, 25, 20, 0, 20}
		default:
			n, kinds, stages = 1+r.IntN(2), []int{20, 20, 0, 60}, []int{0, 0, 0, 40, 60}
		}
		for range n {
			if err := add(a, account.OpportunityKinds[weighted(r, kinds)], account.Stages[weighted(r, stages)]); err != nil {
				return err
			}
		}
	}
	for _, stage := range account.Stages {
		for _, kind := range account.OpportunityKinds {
			if seen[[2]string{string(stage), string(kind)}] {
				continue
			}
			a := p.accounts[r.IntN(len(p.accounts))]
			for a.Lifecycle != account.Customer {
				a = p.accounts[r.IntN(len(p.accounts))]
			}
			if err := add(a, kind, stage); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeContracts writes each customer an active main contract (five each
// renewing within the next 30, 60 and 90 days), often with the expired one it
// replaced, an add-on, and now and then a cancelled or pending one; former
// customers' contracts ended when they left; some prospects are about to sign.
func (p *portfolio) writeContracts() error {
	r := p.r
	renewIn := []int{6, 13, 21, 27, 30, 34, 41, 48, 55, 60, 63, 70, 77, 84, 90}
	customers := 0
	for _, a := range p.accounts {
		value := func(price int64) int64 {
			return cents(math.Round(float64(price)*a.scale()*(0.7+0.6*r.Float64())/100) * 100)
		}
		main := pick(r, products[:3])
		switch a.Lifecycle {
		case account.Customer:
			years := 1 + r.IntN(3)
			c := account.Contract{AccountID: a.ID, Product: main.name, AnnualValue: value(main.price),
				Status: account.ContractActive, AutoRenew: r.IntN(100) < 40}
			if customers < len(renewIn) {
				c.End = day(p.now, renewIn[customers])
			} else {
				c.End = day(p.now, 91+r.IntN(365*years-91))
			}
			customers++
			c.Start = c.End.AddDays(-365*years + 1)
			if err := p.contract(&c); err != nil {
				return err
			}
			if r.IntN(2) == 0 { // the contract this one renewed
				old := c
				old.Status, old.AutoRenew, old.AnnualValue = account.ContractExpired, false, c.AnnualValue*9/10
				old.End = c.Start.AddDays(-1)
				old.Start = old.End.AddDays(-365 + 1)
				if err := p.contract(&old); err != nil {
					return err
				}
			}
			if r.IntN(100) < 40 { // an add-on, co-terminous with the main contract
				addOn := pick(r, products[3:])
				c2 := account.Contract{AccountID: a.ID, Product: addOn.name, AnnualValue: value(addOn.price),
					Status: account.ContractActive, End: c.End, Start: day(p.now, -r.IntN(300))}
				if c2.Start.Before(c.Start) {
					c2.Start = c.Start
				}
				if r.IntN(100) < 12 { // dropped early
					c2.Status, c2.End = account.ContractCancelled, day(p.now, -1-r.IntN(60))
					c2.Start = c2.End.AddDays(-100 - r.IntN(200))
				}
				if err := p.contract(&c2); err != nil {
					return err
				}
			}
			if r.IntN(100) < 10 { // an expansion about to start
				exp := pick(r, products[3:])
				c3 := account.Contract{AccountID: a.ID, Product: exp.name, AnnualValue: value(exp.price),
					Status: account.ContractPending, Start: day(p.now, 10+r.IntN(50))}
				c3.End = c3.Start.AddDays(364)
				if err := p.contract(&c3); err != nil {
					return err
				}
			}
		case account.FormerCustomer:
			left := day(p.now, -a.to)
			c := account.Contract{AccountID: a.ID, Product: main.name, AnnualValue: value(main.price),
				Status: account.ContractExpired, End: left, Start: left.AddDays(-365*(1+r.IntN(2)) + 1)}
			if r.IntN(100) < 30 {
				c.Status, c.Start = account.ContractCancelled, left.AddDays(-200-r.IntN(300))
			}
			if err := p.contract(&c); err != nil {
				return err
			}
		case account.Prospect:
			if r.IntN(100) < 25 {
				c := account.Contract{AccountID: a.ID, Product: main.name, AnnualValue: value(main.price),
					Status: account.ContractPending, Start: day(p.now, 10+r.IntN(50)), AutoRenew: true}
				c.End = c.Start.AddDays(364)
				if err := p.contract(&c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (p *portfolio) contract(c *account.Contract) error {
	c.CreatedAt = c.Start.Time().AddDate(0, 0, -14)
	if c.CreatedAt.After(p.now) {
		c.CreatedAt = p.now
	}
	return p.w.Contract(c)
}
