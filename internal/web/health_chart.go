package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/samwise-sam/samwise/internal/health"
)

// The account page's two small health charts, as SVG with classes only
// (the CSP forbids style attributes): the contributions bar, one segment
// per signal as wide as the points it adds (the segments add up to the
// score, the rest of the bar is what is missing to 100), and the sparkline
// of the score's history. Numbers have fixed precision so the golden files
// compare byte for byte.

// contributionBar draws a score's contributions on a 0-100 bar.
func contributionBar(s health.Score) chartSVG {
	var b strings.Builder
	var alt []string
	b.WriteString(`<svg class="hl-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="`)
	for _, c := range s.Contributions {
		if !c.NoData && c.Points > 0 {
			alt = append(alt, fmt.Sprintf("%s %.1f points", c.Label, c.Points))
		}
	}
	label := "No signal has data."
	if s.Scored {
		label = fmt.Sprintf("Score %.0f of 100: %s.", s.Value, strings.Join(alt, ", "))
	}
	b.WriteString(template.HTMLEscapeString(label))
	b.WriteString(`"><rect class="hl-bar-bg" x="0" y="0" width="100" height="8"/>`)
	x := 0.0
	for _, c := range s.Contributions {
		if c.NoData || c.Points <= 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect class="hl-seg hl-seg-%s" x="%.2f" y="0" width="%.2f" height="8"><title>%s: %.1f × %.0f%% = %.1f points</title></rect>`,
			c.Key, x, c.Points, template.HTMLEscapeString(c.Label), c.Value, 100*c.Share, c.Points)
		x += c.Points
	}
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}

// sparkline draws scores (0-100, oldest first) as a small line with a dot
// on the latest.
func sparkline(pts []float64, title string) chartSVG {
	const w, h, pad = 160.0, 36.0, 3.0
	var b strings.Builder
	x := func(i int) float64 {
		if len(pts) < 2 {
			return w / 2
		}
		return pad + (w-2*pad)*float64(i)/float64(len(pts)-1)
	}
	y := func(v float64) float64 { return pad + (h-2*pad)*(1-v/100) }
	label := title
	if n := len(pts); n > 0 {
		label = fmt.Sprintf("%s: from %.0f to %.0f.", title, pts[0], pts[n-1])
	}
	fmt.Fprintf(&b, `<svg class="hl-spark" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<line class="hl-spark-mid" x1="0" x2="%.0f" y1="%.1f" y2="%.1f"/>`, w, y(50), y(50))
	var ps []string
	for i, v := range pts {
		ps = append(ps, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
	}
	if len(ps) > 1 {
		fmt.Fprintf(&b, `<polyline class="hl-spark-line" points="%s"/>`, strings.Join(ps, " "))
	}
	if n := len(pts); n > 0 {
		fmt.Fprintf(&b, `<circle class="hl-spark-dot" cx="%.1f" cy="%.1f" r="2.5"/>`, x(n-1), y(pts[n-1]))
	}
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}
