package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/samwise-sam/samwise/internal/cadence"
)

// trendChart is the adherence trend as a small server-side SVG: one point
// per month end, adherence % on a fixed 0-100 scale (so months and pages
// compare at a glance), the latest value labelled; months without
// stakeholders are gaps. No script, no style
// attributes: classes only, coloured by app.css.
type trendChart struct {
	SVG   template.HTML
	Label string // the chart's text alternative
}

const (
	chartW, chartH                          = 640, 180
	chartLeft, chartRight, chartTop, chartB = 40, 16, 12, 28
)

func newTrendChart(ps []cadence.Point) trendChart {
	var b strings.Builder
	plotW, plotH := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartB)
	x := func(i int) float64 {
		if len(ps) < 2 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(i)/float64(len(ps)-1)
	}
	y := func(pct float64) float64 { return chartTop + plotH*(1-pct/100) }
	fmt.Fprintf(&b, `<svg class="trend" viewBox="0 0 %d %d" role="img" aria-labelledby="trend-title" preserveAspectRatio="xMidYMid meet">`, chartW, chartH)
	var alt []string
	for _, p := range ps {
		if p.Tally.Stakeholders == 0 {
			alt = append(alt, p.Day.Time().Format("Jan 2006")+" no stakeholders")
			continue
		}
		alt = append(alt, fmt.Sprintf("%s %.0f%%", p.Day.Time().Format("Jan 2006"), p.Percent))
	}
	label := "Adherence by month: " + strings.Join(alt, ", ")
	fmt.Fprintf(&b, `<title id="trend-title">%s</title>`, template.HTMLEscapeString(label))
	for _, g := range []float64{0, 50, 100} {
		fmt.Fprintf(&b, `<line class="trend-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(g), y(g))
		fmt.Fprintf(&b, `<text class="trend-axis" x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%.0f%%</text>`, chartLeft-6, y(g), g)
	}
	// A month without stakeholders yet has no adherence: no dot, and the
	// line breaks there rather than claiming 100%.
	var segment []string
	flush := func() {
		if len(segment) > 1 {
			fmt.Fprintf(&b, `<polyline class="trend-line" points="%s"/>`, strings.Join(segment, " "))
		}
		segment = nil
	}
	for i, p := range ps {
		if p.Tally.Stakeholders == 0 {
			flush()
			continue
		}
		segment = append(segment, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Percent)))
	}
	flush()
	// Month labels: every one when few, every other or third when many.
	step := max(1, (len(ps)+7)/8)
	for i, p := range ps {
		if p.Tally.Stakeholders > 0 {
			fmt.Fprintf(&b, `<circle class="trend-dot" cx="%.1f" cy="%.1f" r="3"><title>%s: %.0f%% of %d stakeholders</title></circle>`,
				x(i), y(p.Percent), p.Day.Time().Format("2 Jan 2006"), p.Percent, p.Tally.Stakeholders)
		}
		if (len(ps)-1-i)%step == 0 {
			fmt.Fprintf(&b, `<text class="trend-axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), chartH-8, p.Day.Time().Format("Jan"))
		}
	}
	if n := len(ps); n > 0 && ps[n-1].Tally.Stakeholders > 0 {
		last := ps[n-1]
		anchor := "end"
		if n == 1 {
			anchor = "middle"
		}
		fmt.Fprintf(&b, `<text class="trend-value" x="%.1f" y="%.1f" text-anchor="%s">%.0f%%</text>`, x(n-1), max(y(last.Percent)-8, 10), anchor, last.Percent)
	}
	b.WriteString(`</svg>`)
	// Built from numbers and escaped text only: safe to emit as HTML.
	return trendChart{SVG: template.HTML(b.String()), Label: label}
}
