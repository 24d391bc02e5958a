package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
)

// kpiChart draws a KPI's actuals over time against its target: the target
// as a dashed line, the baseline as a faint one, the even pace from baseline
// at the start to target on the due day as a dotted line, and the actuals as
// a line with dots. Classes only (the CSP forbids style attributes); fixed
// precision so the golden file compares byte for byte.
func kpiChart(k plan.KPI, acts []plan.KPIActual, start, end account.Date) chartSVG {
	const w, hgt = 560, 220
	const left, right, top, bottom = 48.0, 16.0, 16.0, 32.0
	due := k.DueOn
	if due.IsZero() {
		due = end
	}
	var pts []plan.KPIActual
	lo, hi := math.Min(k.Baseline, k.Target), math.Max(k.Baseline, k.Target)
	first, last := start, due
	for _, a := range acts {
		if a.KPIKey != k.Key {
			continue
		}
		pts = append(pts, a)
		lo, hi = math.Min(lo, a.Value), math.Max(hi, a.Value)
		if a.On.Before(first) {
			first = a.On
		}
		if last.Before(a.On) {
			last = a.On
		}
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	pad := (hi - lo) * 0.1
	lo, hi = lo-pad, hi+pad
	span := float64(last.DaysSince(first))
	if span <= 0 {
		span = 1
	}
	x := func(d account.Date) float64 { return left + (w-left-right)*float64(d.DaysSince(first))/span }
	y := func(v float64) float64 { return top + (hgt-top-bottom)*(hi-v)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart plan-chart" viewBox="0 0 %d %d" role="img" aria-hidden="true" focusable="false">`, w, hgt)
	fmt.Fprintf(&b, `<line class="plan-axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f1(left), f1(hgt-bottom), f1(w-right), f1(hgt-bottom))
	for _, v := range []float64{k.Baseline, k.Target} {
		fmt.Fprintf(&b, `<text class="plan-tick" x="%s" y="%s" text-anchor="end">%s</text>`, f1(left-6), f1(y(v)+4), template.HTMLEscapeString(plan.Number(v)))
	}
	fmt.Fprintf(&b, `<line class="plan-baseline" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f1(left), f1(y(k.Baseline)), f1(w-right), f1(y(k.Baseline)))
	fmt.Fprintf(&b, `<line class="plan-target" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f1(left), f1(y(k.Target)), f1(w-right), f1(y(k.Target)))
	fmt.Fprintf(&b, `<line class="plan-pace" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f1(x(start)), f1(y(k.Baseline)), f1(x(due)), f1(y(k.Target)))
	fmt.Fprintf(&b, `<text class="plan-tick" x="%s" y="%s">%s</text>`, f1(left), f1(hgt-bottom+18), formatDate(first))
	fmt.Fprintf(&b, `<text class="plan-tick" x="%s" y="%s" text-anchor="end">%s</text>`, f1(w-right), f1(hgt-bottom+18), formatDate(last))
	if len(pts) > 0 {
		var path strings.Builder
		for i, p := range pts {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s ", cmd, f1(x(p.On)), f1(y(p.Value)))
		}
		fmt.Fprintf(&b, `<path class="plan-actual" d="%s"/>`, strings.TrimSpace(path.String()))
		for _, p := range pts {
			fmt.Fprintf(&b, `<circle class="plan-dot" cx="%s" cy="%s" r="4"><title>%s: %s</title></circle>`, f1(x(p.On)), f1(y(p.Value)),
				formatDate(p.On), template.HTMLEscapeString(plan.Number(p.Value)))
		}
	}
	b.WriteString(`</svg>`)
	label := fmt.Sprintf("%s: baseline %s, target %s %s by %s", k.Name, plan.Number(k.Baseline), plan.Number(k.Target), k.Unit, formatDate(due))
	if n := len(pts); n > 0 {
		label += fmt.Sprintf("; latest %s on %s", plan.Number(pts[n-1].Value), formatDate(pts[n-1].On))
	} else {
		label += "; no actuals yet"
	}
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}
