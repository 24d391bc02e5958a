package web

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// The portfolio page's two charts, drawn here as SVG: the Pareto curve of
// revenue and the score-versus-revenue scatter. No script, no chart library,
// no style attributes (the CSP forbids inline style): classes only, coloured
// by app.css. Every number is formatted with a fixed precision so that the
// golden files in testdata compare byte for byte.

// chartSVG is a drawn chart and its text alternative.
type chartSVG struct {
	SVG   template.HTML
	Label string
}

const (
	pfW, pfH                         = 640, 300
	pfLeft, pfRight, pfTop, pfBottom = 52, 16, 28, 44
	// paretoPoints caps the vertices of the Pareto curve: at 100,000
	// accounts one per account would make a megabyte of path.
	paretoPoints = 240
	// scatterDots is the most accounts drawn as dots one by one; a larger
	// portfolio is drawn as a density grid, with the designated and the
	// focused accounts still drawn as dots on top.
	scatterDots = 600
)

// paretoInput is what the Pareto chart draws: every account's revenue,
// highest first (ties as the tiering broke them), and the policy's shares.
// The bands are the Pareto rule's tiers even when the organisation tiers by
// score: the chart is about where the revenue is.
type paretoInput struct {
	Revenues   []int64
	Thresholds portfolio.Thresholds
	Focus      int    // index into Revenues of the account to mark; -1 for none
	FocusName  string // its name, for the marker's title
	Currency   string
}

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// paretoChart draws the cumulative share of revenue against the share of
// accounts, with the A and B thresholds as dashed lines and the accounts of
// each tier as shaded bands.
func paretoChart(in paretoInput) chartSVG {
	var b strings.Builder
	n := len(in.Revenues)
	var total int64
	for _, r := range in.Revenues {
		total += max(r, 0)
	}
	plotW, plotH := float64(pfW-pfLeft-pfRight), float64(pfH-pfTop-pfBottom)
	x := func(i int) float64 { // i accounts from the left
		if n == 0 {
			return pfLeft
		}
		return pfLeft + plotW*float64(i)/float64(n)
	}
	y := func(share float64) float64 { return pfTop + plotH*(1-share) }
	bands := portfolio.ParetoBands(in.Revenues, in.Thresholds)
	counts := map[portfolio.Tier]int{portfolio.TierA: bands[0], portfolio.TierB: bands[1], portfolio.TierC: bands[2]}
	var label string
	if total <= 0 {
		label = "Pareto chart: no account has revenue in the last twelve months."
	} else {
		label = fmt.Sprintf("Pareto chart of %s accounts: tier A is %d accounts, tier B %d, tier C %d; A ends at %s of revenue, B at %s.",
			formatCount(int64(n)), counts[portfolio.TierA], counts[portfolio.TierB], counts[portfolio.TierC],
			pct(in.Thresholds.A), pct(in.Thresholds.B))
	}
	fmt.Fprintf(&b, `<svg class="chart pareto" viewBox="0 0 %d %d" role="img" aria-labelledby="pareto-title" preserveAspectRatio="xMidYMid meet">`, pfW, pfH)
	fmt.Fprintf(&b, `<title id="pareto-title">%s</title>`, template.HTMLEscapeString(label))

	// Tier bands: the accounts of each tier are contiguous in this order.
	start := 0
	for _, t := range []portfolio.Tier{portfolio.TierA, portfolio.TierB, portfolio.TierC} {
		c := counts[t]
		if c == 0 {
			continue
		}
		x0, x1 := x(start), x(start+c)
		fmt.Fprintf(&b, `<rect class="band band-%s" x="%s" y="%d" width="%s" height="%s"/>`, strings.ToLower(string(t)), f1(x0), pfTop, f1(math.Max(x1-x0, 0.5)), f1(plotH))
		if x1-x0 >= 14 {
			fmt.Fprintf(&b, `<text class="band-label" x="%s" y="%d" text-anchor="middle">%s</text>`, f1((x0+x1)/2), pfTop-8, t)
		}
		start += c
	}
	// Axes and grid.
	for _, g := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/>`, pfLeft, pfW-pfRight, f1(y(g)), f1(y(g)))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, pfLeft-6, f1(y(g)), pct(g))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%d" text-anchor="middle">%s</text>`, f1(pfLeft+plotW*g), pfH-pfBottom+16, pct(g))
	}
	fmt.Fprintf(&b, `<text class="axis-title" x="%s" y="%d" text-anchor="middle">Share of accounts, highest revenue first</text>`, f1(pfLeft+plotW/2), pfH-6)
	fmt.Fprintf(&b, `<text class="axis-title axis-title-y" transform="rotate(-90)" x="%s" y="14" text-anchor="middle">Cumulative share of revenue</text>`, f1(-(pfTop + plotH/2)))
	// Threshold lines.
	for _, th := range []struct {
		name  string
		share float64
	}{{"A", in.Thresholds.A}, {"B", in.Thresholds.B}} {
		fmt.Fprintf(&b, `<line class="threshold" x1="%d" x2="%d" y1="%s" y2="%s"/>`, pfLeft, pfW-pfRight, f1(y(th.share)), f1(y(th.share)))
		// Labelled at the left, where a Pareto curve is still low.
		fmt.Fprintf(&b, `<text class="threshold-label" x="%d" y="%s" text-anchor="start">%s ends at %s</text>`, pfLeft+4, f1(y(th.share)-4), th.name, pct(th.share))
	}
	if total > 0 {
		// The curve through (i accounts, share of the first i), sampled.
		step := max(1, (n+paretoPoints-1)/paretoPoints)
		var cum int64
		pts := []string{fmt.Sprintf("%s,%s", f1(x(0)), f1(y(0)))}
		for i, r := range in.Revenues {
			cum += max(r, 0)
			if (i+1)%step == 0 || i == n-1 {
				pts = append(pts, fmt.Sprintf("%s,%s", f1(x(i+1)), f1(y(float64(cum)/float64(total)))))
			}
		}
		fmt.Fprintf(&b, `<polyline class="curve" points="%s"/>`, strings.Join(pts, " "))
		if in.Focus >= 0 && in.Focus < n {
			var before int64
			for _, r := range in.Revenues[:in.Focus+1] {
				before += max(r, 0)
			}
			share := float64(before) / float64(total)
			tier := portfolio.TierC
			switch {
			case in.Focus < bands[0]:
				tier = portfolio.TierA
			case in.Focus < bands[0]+bands[1]:
				tier = portfolio.TierB
			}
			fmt.Fprintf(&b, `<circle class="focus" cx="%s" cy="%s" r="6"><title>%s: Pareto tier %s, %s of revenue up to here</title></circle>`,
				f1(x(in.Focus+1)), f1(y(share)), template.HTMLEscapeString(in.FocusName), tier, pct(share))
		}
	}
	b.WriteString(`</svg>`)
	// Built from numbers and escaped text only: safe to emit as HTML.
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}

// pct prints a share as a whole percentage, or with one decimal when it
// has one ("80%", "97.5%").
func pct(share float64) string {
	v := math.Round(share*1000) / 10
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f%%", v)
	}
	return fmt.Sprintf("%.1f%%", v)
}

// scatterPoint is one scored account in the scatter.
type scatterPoint struct {
	ID        int64
	Name      string
	Score     float64
	Revenue   int64
	Tier      portfolio.Tier
	Strategic bool
	Focus     bool
}

// scatterInput is what the scatter draws.
type scatterInput struct {
	Points   []scatterPoint
	Floors   *portfolio.ScoreFloors // drawn as lines when tiering by score
	Currency string
}

// scatterChart draws Strategic Score (across) against revenue (up, on a
// log scale, so that a portfolio spanning thousands to billions stays
// readable). Accounts without revenue sit on a strip below the axis.
func scatterChart(in scatterInput) chartSVG {
	var b strings.Builder
	plotW, plotH := float64(pfW-pfLeft-pfRight), float64(pfH-pfTop-pfBottom-18) // 18: the no-revenue strip
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range in.Points {
		if p.Revenue > 0 {
			v := math.Log10(float64(p.Revenue))
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 2, 8 // no revenue at all: an empty axis from 1 to 1M in major units
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)
	if hi == lo {
		hi = lo + 1
	}
	x := func(score float64) float64 { return pfLeft + plotW*score/100 }
	y := func(rev int64) float64 {
		if rev <= 0 {
			return pfTop + plotH + 12
		}
		return pfTop + plotH*(1-(math.Log10(float64(rev))-lo)/(hi-lo))
	}
	label := fmt.Sprintf("Strategic Score against revenue of %s scored accounts; the higher and further right, the stronger the case for a strategic account.",
		formatCount(int64(len(in.Points))))
	fmt.Fprintf(&b, `<svg class="chart scatter" viewBox="0 0 %d %d" role="img" aria-labelledby="scatter-title" preserveAspectRatio="xMidYMid meet">`, pfW, pfH)
	fmt.Fprintf(&b, `<title id="scatter-title">%s</title>`, template.HTMLEscapeString(label))
	for _, s := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%d" y2="%s"/>`, f1(x(s)), f1(x(s)), pfTop, f1(pfTop+plotH))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%d" text-anchor="middle">%.0f</text>`, f1(x(s)), pfH-pfBottom+16, s)
	}
	// One grid line per power of ten, labelled in major units.
	stepDecades := max(1, int(hi-lo+3)/4)
	for d := lo; d <= hi; d += float64(stepDecades) {
		rev := int64(math.Pow(10, d))
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/>`, pfLeft, pfW-pfRight, f1(y(rev)), f1(y(rev)))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, pfLeft-6, f1(y(rev)), moneyCompact(rev, in.Currency))
	}
	if slices.ContainsFunc(in.Points, func(p scatterPoint) bool { return p.Revenue <= 0 }) {
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">none</text>`, pfLeft-6, f1(y(0)))
	}
	fmt.Fprintf(&b, `<text class="axis-title" x="%s" y="%d" text-anchor="middle">Strategic Score</text>`, f1(pfLeft+plotW/2), pfH-6)
	fmt.Fprintf(&b, `<text class="axis-title axis-title-y" transform="rotate(-90)" x="%s" y="14" text-anchor="middle">Revenue, last 12 months (log)</text>`, f1(-(pfTop + plotH/2)))
	if in.Floors != nil {
		for _, fl := range []struct {
			name  string
			score float64
		}{{"A", in.Floors.A}, {"B", in.Floors.B}} {
			fmt.Fprintf(&b, `<line class="threshold" x1="%s" x2="%s" y1="%d" y2="%s"/>`, f1(x(fl.score)), f1(x(fl.score)), pfTop, f1(pfTop+plotH))
			fmt.Fprintf(&b, `<text class="threshold-label" x="%s" y="%d" text-anchor="start">%s from %.0f</text>`, f1(x(fl.score)+3), pfTop+10, fl.name, fl.score)
		}
	}
	dot := func(p scatterPoint) {
		cls := "dot tier-" + strings.ToLower(string(p.Tier))
		if p.Tier == "" {
			cls = "dot tier-none"
		}
		if p.Strategic {
			cls += " strategic"
		}
		r := 4
		if p.Focus {
			cls += " focus"
			r = 7
		}
		tier := string(p.Tier)
		if tier == "" {
			tier = "none yet"
		}
		extra := ""
		if p.Strategic {
			extra = ", strategic"
		}
		fmt.Fprintf(&b, `<circle class="%s" data-id="%d" cx="%s" cy="%s" r="%d"><title>%s: score %s, revenue %s, tier %s%s</title></circle>`,
			cls, p.ID, f1(x(p.Score)), f1(y(p.Revenue)), r, template.HTMLEscapeString(p.Name), f1(p.Score),
			moneyCompact(p.Revenue, in.Currency), tier, extra)
	}
	if len(in.Points) <= scatterDots {
		for _, p := range in.Points {
			if !p.Focus {
				dot(p)
			}
		}
	} else {
		// A density grid: 40 × 16 cells, shaded by how many accounts fall
		// in each (on a log scale, so a crowded cell does not hide the rest).
		const cols, rows = 40, 16
		var grid [cols][rows + 1]int // the extra row is the no-revenue strip
		for _, p := range in.Points {
			c := min(cols-1, int(p.Score/100*cols))
			r := rows
			if p.Revenue > 0 {
				r = min(rows-1, max(0, int((1-(math.Log10(float64(p.Revenue))-lo)/(hi-lo))*rows)))
			}
			grid[c][r]++
		}
		cw, ch := plotW/cols, plotH/rows
		for c := range cols {
			for r := range rows + 1 {
				k := grid[c][r]
				if k == 0 {
					continue
				}
				shade := min(5, 1+int(math.Log10(float64(k))*1.5))
				top := pfTop + float64(r)*ch
				h := ch
				if r == rows {
					top, h = y(0)-5, 10
				}
				fmt.Fprintf(&b, `<rect class="density d%d" x="%s" y="%s" width="%s" height="%s"><title>%s accounts</title></rect>`,
					shade, f1(pfLeft+float64(c)*cw), f1(top), f1(cw), f1(h), formatCount(int64(k)))
			}
		}
		drawn := 0
		for _, p := range in.Points {
			if p.Strategic && !p.Focus && drawn < scatterDots {
				dot(p)
				drawn++
			}
		}
	}
	// The focused account last, on top of everything.
	for _, p := range in.Points {
		if p.Focus {
			dot(p)
		}
	}
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}
