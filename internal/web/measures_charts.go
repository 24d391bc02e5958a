package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/measure"
)

// The measures page's charts, as server-side SVG with classes only (the CSP
// forbids inline style): the distribution of grader scores, the NPS across
// years and the assessment's average total across rounds. Numbers are
// formatted with fixed precision so golden files compare byte for byte.

const (
	msW, msH                         = 560, 220
	msLeft, msRight, msTop, msBottom = 40, 12, 16, 36
)

// gradeChart draws how many accounts have each score 0-10, bars coloured by
// band.
func gradeChart(dist [11]int) chartSVG {
	var b strings.Builder
	most := 0
	total := 0
	for _, n := range dist {
		most = max(most, n)
		total += n
	}
	most = max(most, 1)
	pw, ph := float64(msW-msLeft-msRight), float64(msH-msTop-msBottom)
	fmt.Fprintf(&b, `<svg class="chart ms-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="grade-chart-t"><title id="grade-chart-t">`, msW, msH)
	label := fmt.Sprintf("Grader scores of %d accounts: ", total)
	var parts []string
	for s, n := range dist {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d scoring %d", n, s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"none yet"}
	}
	label += strings.Join(parts, ", ")
	b.WriteString(template.HTMLEscapeString(label) + `</title>`)
	// Horizontal grid: 0, half, max.
	for _, v := range []int{0, (most + 1) / 2, most} {
		y := float64(msTop) + ph - ph*float64(v)/float64(most)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/>`, msLeft, msW-msRight, f1(y), f1(y))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%s" text-anchor="end">%d</text>`, msLeft-6, f1(y+4), v)
	}
	slot := pw / 11
	for s, n := range dist {
		x := float64(msLeft) + slot*float64(s)
		h := ph * float64(n) / float64(most)
		y := float64(msTop) + ph - h
		band := measure.BandOf(s)
		if n > 0 {
			fmt.Fprintf(&b, `<rect class="ms-bar ms-%s" x="%s" y="%s" width="%s" height="%s"><title>Score %d: %d account%s</title></rect>`,
				band, f1(x+slot*0.15), f1(y), f1(slot*0.7), f1(h), s, n, pluralS(n))
		}
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%d" text-anchor="middle">%d</text>`, f1(x+slot/2), msH-msBottom+16, s)
	}
	fmt.Fprintf(&b, `<text class="axis-title" x="%d" y="%d" text-anchor="middle">score out of 10</text>`, msLeft+int(pw/2), msH-4)
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// linePoint is one labelled value of a line chart.
type linePoint struct {
	Label string
	Value float64
	Title string
}

// lineChart draws points joined by a line on a fixed scale [lo, hi], with
// reference lines (e.g. band limits) at refs.
func lineChart(id, what string, pts []linePoint, lo, hi float64, refs []float64) chartSVG {
	var b strings.Builder
	pw, ph := float64(msW-msLeft-msRight), float64(msH-msTop-msBottom)
	y := func(v float64) float64 { return float64(msTop) + ph - ph*(min(max(v, lo), hi)-lo)/(hi-lo) }
	parts := make([]string, len(pts))
	for i, p := range pts {
		parts[i] = p.Label + ": " + strconv.FormatFloat(p.Value, 'f', 1, 64)
	}
	label := what
	if len(parts) > 0 {
		label += " — " + strings.Join(parts, ", ")
	}
	fmt.Fprintf(&b, `<svg class="chart ms-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t"><title id="%s-t">%s</title>`,
		msW, msH, id, id, template.HTMLEscapeString(label))
	for _, v := range append([]float64{lo, hi}, refs...) {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/>`, msLeft, msW-msRight, f1(y(v)), f1(y(v)))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%s" text-anchor="end">%s</text>`, msLeft-6, f1(y(v)+4), strconv.FormatFloat(v, 'f', -1, 64))
	}
	n := len(pts)
	// Points are inset from the plot's edges so that their labels, centred
	// under them, stay inside the drawing.
	const inset = 44
	x := func(i int) float64 {
		if n == 1 {
			return float64(msLeft) + pw/2
		}
		return float64(msLeft) + inset + (pw-2*inset)*float64(i)/float64(n-1)
	}
	if n > 1 {
		var path strings.Builder
		for i, p := range pts {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s ", cmd, f1(x(i)), f1(y(p.Value)))
		}
		fmt.Fprintf(&b, `<path class="trend-line" d="%s"/>`, strings.TrimSpace(path.String()))
	}
	for i, p := range pts {
		fmt.Fprintf(&b, `<circle class="trend-dot" cx="%s" cy="%s" r="4"><title>%s</title></circle>`, f1(x(i)), f1(y(p.Value)), template.HTMLEscapeString(p.Title))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%d" text-anchor="middle">%s</text>`, f1(x(i)), msH-msBottom+16, template.HTMLEscapeString(p.Label))
	}
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: label}
}

// npsTrendChart draws the NPS per year on −100..100.
func npsTrendChart(tr []measure.YearScore) chartSVG {
	pts := make([]linePoint, 0, len(tr))
	for _, y := range tr {
		pts = append(pts, linePoint{Label: strconv.Itoa(y.Year), Value: y.NPS.Score,
			Title: fmt.Sprintf("%d: NPS %d from %d answers", y.Year, y.NPS.Rounded(), y.NPS.Responses)})
	}
	return lineChart("nps-trend", "NPS by year", pts, -100, 100, []float64{0})
}

// assessmentChart draws the average total of each round on 15..75 with the
// band limits 40, 50 and 60.
func assessmentChart(names []string, results []measure.Results) chartSVG {
	var pts []linePoint
	for i, r := range results {
		if r.Respondents == 0 {
			continue
		}
		pts = append(pts, linePoint{Label: names[i], Value: r.AverageTotal,
			Title: fmt.Sprintf("%s: %.1f of 75 from %d respondents", names[i], r.AverageTotal, r.Respondents)})
	}
	return lineChart("assessment-trend", "Average assessment total by round", pts, 15, 75, []float64{40, 50, 60})
}
