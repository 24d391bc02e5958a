package web

import (
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
)

func planDay(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestKPIChartDrawsActualsAgainstTarget(t *testing.T) {
	k := plan.KPI{Key: "k1", Name: "Onboarding days", Unit: "days", Baseline: 30, Target: 10, DueOn: planDay("2027-12-31")}
	acts := []plan.KPIActual{{KPIKey: "k1", On: planDay("2027-02-01"), Value: 28}, {KPIKey: "k1", On: planDay("2027-05-01"), Value: 21},
		{KPIKey: "other", On: planDay("2027-06-01"), Value: 99}, {KPIKey: "k1", On: planDay("2027-08-01"), Value: 17}}
	c := kpiChart(k, acts, planDay("2027-01-01"), planDay("2027-12-31"))
	if n := strings.Count(string(c.SVG), "<circle"); n != 3 {
		t.Errorf("%d dots, want the 3 actuals of this KPI", n)
	}
	if !strings.Contains(c.Label, "latest 17") {
		t.Errorf("label %q", c.Label)
	}
	golden(t, "plan-kpi-three-actuals.svg", string(c.SVG))
	empty := kpiChart(k, nil, planDay("2027-01-01"), planDay("2027-12-31"))
	if strings.Contains(string(empty.SVG), "<circle") || !strings.Contains(empty.Label, "no actuals yet") {
		t.Errorf("empty chart: %s", empty.Label)
	}
	golden(t, "plan-kpi-no-actuals.svg", string(empty.SVG))
	flat := kpiChart(plan.KPI{Key: "f", Name: "Flat", Baseline: 5, Target: 5}, []plan.KPIActual{{KPIKey: "f", On: planDay("2027-01-01"), Value: 5}},
		planDay("2027-01-01"), planDay("2027-01-01"))
	if strings.Contains(string(flat.SVG), "NaN") || strings.Contains(string(flat.SVG), "Inf") {
		t.Errorf("degenerate chart: %s", flat.SVG)
	}
}

func TestMarkdownCellsCannotBreakTheTable(t *testing.T) {
	if got := mdCell("a|b\nc"); got != `a\|b<br>c` {
		t.Errorf("mdCell = %q", got)
	}
	if got := exportName("Acme Corp / EU", 2, true, "pdf"); got != "acme-corp-eu-plan-v2-client.pdf" {
		t.Errorf("exportName = %q", got)
	}
	if got := exportName("日本", 1, false, "md"); got != "account-plan-v1.md" {
		t.Errorf("exportName = %q", got)
	}
}
