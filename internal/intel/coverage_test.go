package intel

import (
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

var today = account.Date{Year: 2026, Month: 11, Day: 23}

func day(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// player builds a current stakeholder known by the given people.
func player(id int64, lv account.Level, role account.BuyingRole, links ...Link) Player {
	return Player{StakeholderID: id, Name: "S" + string(rune('A'+id)), Level: lv, BuyingRole: role, Influence: 3, Active: true,
		LastTouch: today, Links: links}
}

func link(person int64, s Strength) Link {
	return Link{PersonID: person, PersonName: "P" + string(rune('0'+person)), Strength: s}
}

// covered is an account with every level known through two of our people:
// no rule fires on it.
func covered() AccountMap {
	return AccountMap{AccountID: 1, AccountName: "Acme", Players: []Player{
		player(1, account.Executive, account.DecisionMaker, link(1, Strong)),
		player(2, account.SeniorManagement, account.Champion, link(2, Strong)),
		player(3, account.MiddleManagement, account.Influencer, link(1, Moderate)),
		player(4, account.Operational, account.User, link(2, Weak)),
	}}
}

func rules(fs []Finding) []Rule {
	var out []Rule
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestAWellCoveredAccountHasNoFindings(t *testing.T) {
	if fs := Coverage(covered(), today, CoverageOptions{}); len(fs) != 0 {
		t.Fatalf("findings %+v", fs)
	}
}

func TestEachCoverageRuleFiresAtItsBoundary(t *testing.T) {
	cases := []struct {
		name   string
		change func(m *AccountMap)
		want   []Rule
	}{
		{"a level whose only stakeholder has relationship none is a gap", func(m *AccountMap) {
			m.Players[3].Links = []Link{link(2, NoRelationship)}
		}, []Rule{LevelGap}},
		{"a level with nobody mapped is a gap", func(m *AccountMap) { m.Players = m.Players[:3] }, []Rule{LevelGap}},
		{"a weak relationship closes a level", func(m *AccountMap) { m.Players[3].Links = []Link{link(1, Weak)} }, nil},
		{"a level known only through someone who left is a gap", func(m *AccountMap) {
			m.Players[3].LeftOn = day("2026-01-01")
		}, []Rule{LevelGap}},
		{"an account with no current stakeholders has no level findings", func(m *AccountMap) { m.Players = nil }, nil},
		{"a decision maker nobody knows", func(m *AccountMap) {
			m.Players = append(m.Players, player(5, account.Executive, account.DecisionMaker))
		}, []Rule{UnknownDecisionMaker}},
		{"a decision maker with a weak relationship is known", func(m *AccountMap) {
			m.Players = append(m.Players, player(5, account.Executive, account.DecisionMaker, link(1, Weak)))
		}, nil},
		{"all strong relationships through one person", func(m *AccountMap) {
			m.Players[1].Links = []Link{link(1, Strong)}
		}, []Rule{SingleThreaded}},
		{"no strong relationship at all is not single-threaded", func(m *AccountMap) {
			m.Players[0].Links = []Link{link(1, Moderate)}
			m.Players[1].Links = []Link{link(2, Moderate)}
		}, nil},
		{"a strong second thread through a departed stakeholder does not count", func(m *AccountMap) {
			m.Players[1].Links = []Link{link(1, Strong)}
			m.Players = append(m.Players, Player{StakeholderID: 9, Name: "Gone", Level: account.Operational, BuyingRole: account.User,
				Influence: 3, Active: false, Links: []Link{link(3, Strong)}})
		}, []Rule{SingleThreaded}},
		{"a champion touched exactly quiet-days ago is not quiet", func(m *AccountMap) {
			m.Players[1].LastTouch = today.AddDays(-60)
		}, nil},
		{"a champion touched one day longer ago has gone quiet", func(m *AccountMap) {
			m.Players[1].LastTouch = today.AddDays(-61)
		}, []Rule{QuietChampion}},
		{"a champion never touched has gone quiet", func(m *AccountMap) {
			m.Players[1].LastTouch = account.Date{}
		}, []Rule{QuietChampion}},
		{"a blocker with influence 4", func(m *AccountMap) {
			p := player(6, account.MiddleManagement, account.Blocker, link(1, Weak))
			p.Influence = 4
			m.Players = append(m.Players, p)
		}, []Rule{InfluentialBlocker}},
		{"a blocker with influence 3 is not flagged", func(m *AccountMap) {
			m.Players = append(m.Players, player(6, account.MiddleManagement, account.Blocker, link(1, Weak)))
		}, nil},
		{"an opponent by attitude with influence 5 blocks", func(m *AccountMap) {
			m.Players[2].Influence, m.Players[2].Attitude = 5, -1
		}, []Rule{InfluentialBlocker}},
		{"a neutral influencer with influence 5 is no blocker", func(m *AccountMap) {
			m.Players[2].Influence = 5
		}, nil},
		{"a champion who left within 90 days is raised", func(m *AccountMap) {
			m.Players = append(m.Players, Player{StakeholderID: 7, Name: "Old champ", Level: account.SeniorManagement,
				BuyingRole: account.Champion, Active: false, LeftOn: today.AddDays(-90), LeftTo: "Globex"})
		}, []Rule{DepartedKeyPlayer}},
		{"a departure 91 days ago is no longer news", func(m *AccountMap) {
			m.Players = append(m.Players, Player{StakeholderID: 7, Name: "Old champ", Level: account.SeniorManagement,
				BuyingRole: account.Champion, Active: false, LeftOn: today.AddDays(-91)})
		}, nil},
		{"a departed user is not raised", func(m *AccountMap) {
			m.Players = append(m.Players, Player{StakeholderID: 7, Name: "Old user", Level: account.Operational,
				BuyingRole: account.User, Active: false, LeftOn: today.AddDays(-1)})
		}, nil},
		{"a departed decision maker is raised with the gaps they leave", func(m *AccountMap) {
			m.Players[0].LeftOn, m.Players[0].Active = today, false
		}, []Rule{DepartedKeyPlayer, SingleThreaded, LevelGap}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := covered()
			c.change(&m)
			got := rules(Coverage(m, today, CoverageOptions{}))
			if !slices.Equal(got, c.want) {
				t.Fatalf("rules %v, want %v", got, c.want)
			}
		})
	}
}

func TestFindingsNameTheAccountAndItsManager(t *testing.T) {
	owner := int64(42)
	m := covered()
	m.OwnerID, m.OwnerName = &owner, "Ann"
	m.Players[0].LeftOn, m.Players[0].LeftTo = today.AddDays(-3), "Initech"
	fs := Coverage(m, today, CoverageOptions{})
	if len(fs) == 0 || fs[0].Rule != DepartedKeyPlayer || fs[0].Severity != Alert {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	if f.AccountID != 1 || f.AccountName != "Acme" || f.OwnerID == nil || *f.OwnerID != 42 || f.OwnerName != "Ann" || f.StakeholderID != 1 {
		t.Fatalf("finding %+v", f)
	}
	if want := "SB (decision maker) left on 2026-11-20 for Initech; rebuild the relationship with their successor."; f.Detail != want {
		t.Fatalf("detail %q, want %q", f.Detail, want)
	}
}

func TestQuietDaysAreConfigurable(t *testing.T) {
	m := covered()
	m.Players[1].LastTouch = today.AddDays(-20)
	if got := rules(Coverage(m, today, CoverageOptions{QuietDays: 14})); !slices.Equal(got, []Rule{QuietChampion}) {
		t.Fatalf("rules %v", got)
	}
}

func TestPortfolioFindingsAreOrderedByRuleThenAccount(t *testing.T) {
	a, b := covered(), covered()
	a.AccountID, a.AccountName = 2, "Zeta"
	b.AccountName = "Beta"
	a.Players[3].Links, b.Players[3].Links = nil, nil
	a.Players[1].LastTouch = account.Date{}
	fs := PortfolioCoverage([]AccountMap{a, b}, today, CoverageOptions{})
	var got []string
	for _, f := range fs {
		got = append(got, string(f.Rule)+":"+f.AccountName)
	}
	want := []string{"level_gap:Beta", "level_gap:Zeta", "quiet_champion:Zeta"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if n := CountByRule(fs); n[LevelGap] != 2 || n[QuietChampion] != 1 {
		t.Fatalf("counts %v", n)
	}
}

func TestParseRuleNamesTheChoices(t *testing.T) {
	if r, err := ParseRule("single_threaded"); err != nil || r != SingleThreaded {
		t.Fatal(r, err)
	}
	if _, err := ParseRule("nope"); account.ErrorCode(err) != account.EINVALID {
		t.Fatal(err)
	}
}
