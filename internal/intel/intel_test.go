package intel

import (
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func TestWhitespaceTotalsCountOnlyCouldUseAndNeededForVision(t *testing.T) {
	accounts := []AccountRef{{1, "Acme"}, {2, "Beta"}}
	products := []Product{{ID: 10, Name: "Core"}, {ID: 11, Name: "Analytics"}, {ID: 12, Name: "Support"}}
	opp := int64(99)
	items := []RoadmapItem{
		{AccountID: 1, ProductID: 10, State: InPlace, EstimatedValue: 500},
		{AccountID: 1, ProductID: 11, State: CouldUse, EstimatedValue: 300, Fit: 4, OpportunityID: &opp},
		{AccountID: 1, ProductID: 12, State: NeededForVision, EstimatedValue: 200},
		{AccountID: 2, ProductID: 11, State: CouldUse, EstimatedValue: 100},
		{AccountID: 2, ProductID: 12, State: NotRelevant, EstimatedValue: 1000},
		{AccountID: 2, ProductID: 10, State: NotUsed, EstimatedValue: 50},
		{AccountID: 3, ProductID: 10, State: CouldUse, EstimatedValue: 7}, // not in the matrix
	}
	m := Whitespace(accounts, products, items)
	if m.Total != 600 {
		t.Fatalf("total %d", m.Total)
	}
	if m.Rows[0].Total != 500 || m.Rows[1].Total != 100 || m.Rows[0].InPlace != 1 {
		t.Fatalf("rows %+v", m.Rows)
	}
	var cols []int64
	for _, c := range m.Products {
		cols = append(cols, c.Total)
	}
	if !slices.Equal(cols, []int64{0, 400, 200}) || m.Products[1].Open != 2 || m.Products[0].InPlace != 1 {
		t.Fatalf("columns %+v", m.Products)
	}
	if c := m.Rows[0].Cells[1]; c.OpportunityID == nil || *c.OpportunityID != 99 || !c.Whitespace() {
		t.Fatalf("cell %+v", c)
	}
	if c := m.Rows[1].Cells[0]; c.State != NotUsed || c.Whitespace() {
		t.Fatalf("cell %+v", c)
	}
}

func TestGrowthSignalsAreOpenNeedsMetByProductsNotInPlace(t *testing.T) {
	needs := []Need{
		{ID: 1, Text: "faster close", Priority: LowPriority, Status: Open, ProductIDs: []int64{10, 11}},
		{ID: 2, Text: "audit trail", Priority: HighPriority, Status: Open, ProductIDs: []int64{12}},
		{ID: 3, Text: "done", Priority: HighPriority, Status: Addressed, ProductIDs: []int64{11}},
	}
	roadmap := []RoadmapItem{{ProductID: 10, State: InPlace}, {ProductID: 11, State: CouldUse}}
	got := GrowthSignals(needs, roadmap)
	if len(got) != 2 || got[0].NeedID != 2 || got[0].State != "" || got[1].ProductID != 11 || got[1].State != CouldUse {
		t.Fatalf("signals %+v", got)
	}
}

func TestVisionVersionsKeepEarlierVisionsReadable(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	t2, t3 := t1.Add(time.Hour), t1.Add(2*time.Hour)
	next := int64(3)
	rows := []VisionItem{
		{ID: 1, HorizonYears: 3, Text: "Enter Asia", CreatedAt: t1, SupersededAt: t2, SupersededBy: &next},
		{ID: 2, HorizonYears: 1, Text: "Cut costs", CreatedAt: t1, SupersededAt: t3},
		{ID: 3, HorizonYears: 3, Text: "Enter Japan and Korea", CreatedAt: t2},
	}
	vs := VisionVersions(rows)
	if len(vs) != 3 {
		t.Fatalf("versions %+v", vs)
	}
	texts := func(v VisionVersion) []string {
		var out []string
		for _, it := range v.Items {
			out = append(out, it.Text)
		}
		return out
	}
	if got := texts(vs[2]); vs[2].Version != 1 || !slices.Equal(got, []string{"Cut costs", "Enter Asia"}) {
		t.Fatalf("v1 %v", got)
	}
	if got := texts(vs[1]); !slices.Equal(got, []string{"Cut costs", "Enter Japan and Korea"}) {
		t.Fatalf("v2 %v", got)
	}
	if got := texts(vs[0]); vs[0].Version != 3 || !slices.Equal(got, []string{"Enter Japan and Korea"}) {
		t.Fatalf("v3 %v", got)
	}
}

func TestValidationNamesTheFields(t *testing.T) {
	fields := func(err error) []string {
		var out []string
		for _, f := range account.ErrorFields(err) {
			out = append(out, f.Field)
		}
		return out
	}
	v := VisionItem{AccountID: 1, HorizonYears: 2}
	v.Normalize()
	if got := fields(v.Validate()); !slices.Equal(got, []string{"horizon_years", "text", "source_note", "stated_on"}) {
		t.Fatalf("vision %v", got)
	}
	r := RoadmapItem{AccountID: 1, ProductID: 1, State: NeededForVision, Fit: 6, EstimatedValue: -1}
	if got := fields(r.Validate()); !slices.Equal(got, []string{"fit", "estimated_value", "vision_item_id"}) {
		t.Fatalf("roadmap %v", got)
	}
	m := StakeholderMap{StakeholderID: 1, Influence: 6, Attitude: 3, LeftTo: "x"}
	if got := fields(m.Validate()); !slices.Equal(got, []string{"influence", "attitude", "left_on"}) {
		t.Fatalf("map %v", got)
	}
	p := Product{Name: "", ListPrice: -1, Currency: "usd1"}
	if got := fields(p.Validate()); !slices.Equal(got, []string{"name", "list_price", "currency"}) {
		t.Fatalf("product %v", got)
	}
	n := Need{AccountID: 1, Text: "x", Horizon: "later", Priority: "urgent", Status: "done"}
	if got := fields(n.Validate()); !slices.Equal(got, []string{"horizon", "priority", "status"}) {
		t.Fatalf("need %v", got)
	}
	rel := Relationship{StakeholderID: 1, PersonID: 1, Strength: "close"}
	if got := fields(rel.Validate()); !slices.Equal(got, []string{"strength"}) {
		t.Fatalf("relationship %v", got)
	}
}

func TestProfileNormalizeDropsBlankEntries(t *testing.T) {
	zero := int64(0)
	p := Profile{TargetMarkets: []Entry{{Text: "  EU retail "}, {Text: "  "}}, Buying: []Entry{{Text: "CFO", StakeholderID: &zero}}}
	p.Normalize()
	if len(p.TargetMarkets) != 1 || p.TargetMarkets[0].Text != "EU retail" || p.Buying[0].StakeholderID != nil || p.Empty() {
		t.Fatalf("%+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}
