package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"wsgate/services/calllog"
)

// chart is a stacked bar chart of calls (ok below, errors above), drawn as
// inline SVG on the server, with the same figures in a table for screen
// readers and for reading exact values.
type chart struct {
	ID      string // the element id prefix
	Title   string
	XLabel  string
	SVG     template.HTML
	Rows    []chartRow
	Total   int
	Errors  int
	Caption string
}

// chartRow is one bar as the table shows it.
type chartRow struct {
	Label      string
	OK, Errors int
}

// The geometry of a chart, in SVG user units (the SVG scales to its box).
const (
	chartW, chartH          = 640, 220
	chartLeft, chartRight   = 48, 8
	chartTop, chartBottom   = 12, 40
	chartPlotW, chartPlotH  = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartTicks, chartLabels = 4, 6
)

// newChart draws buckets; label names a bucket's start on the x axis and
// in the table.
func newChart(id, title, xLabel string, buckets []calllog.Bucket, label func(time.Time) string) chart {
	c := chart{ID: id, Title: title, XLabel: xLabel}
	top := 0
	for _, b := range buckets {
		c.Rows = append(c.Rows, chartRow{Label: label(b.Start), OK: b.OK, Errors: b.Errors})
		c.Total += b.OK + b.Errors
		c.Errors += b.Errors
		top = max(top, b.OK+b.Errors)
	}
	c.Caption = fmt.Sprintf("%d calls, %d failed", c.Total, c.Errors)
	c.SVG = drawBars(c, buckets, top)
	return c
}

// niceMax is the axis maximum for a largest bar of n: chartTicks steps of
// 1, 2 or 5 times a power of ten, so every tick is a round count.
func niceMax(n int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if step := m * p; step*chartTicks >= n {
				return step * chartTicks
			}
		}
	}
}

func drawBars(c chart, buckets []calllog.Bucket, top int) template.HTML {
	esc := template.HTMLEscapeString
	yMax := niceMax(top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, c.ID, c.ID)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s; the table below gives each value.</desc>`,
		c.ID, esc(c.Title), c.ID, esc(c.Caption))
	// The y axis: gridlines and counts.
	for i := 0; i <= chartTicks; i++ {
		v := yMax * i / chartTicks
		y := chartTop + chartPlotH - chartPlotH*i/chartTicks
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, y, chartW-chartRight, y)
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%d</text>`, chartLeft-6, y+4, v)
	}
	fmt.Fprintf(&b, `<text class="axis" x="12" y="%d" text-anchor="middle" transform="rotate(-90 12 %d)">calls</text>`,
		chartTop+chartPlotH/2, chartTop+chartPlotH/2)
	n := len(buckets)
	if n > 0 {
		slot := float64(chartPlotW) / float64(n)
		w := slot * 0.8
		for i, bk := range buckets {
			x := float64(chartLeft) + slot*float64(i) + (slot-w)/2
			okH := float64(chartPlotH) * float64(bk.OK) / float64(yMax)
			errH := float64(chartPlotH) * float64(bk.Errors) / float64(yMax)
			base := float64(chartTop + chartPlotH)
			if bk.OK > 0 {
				fmt.Fprintf(&b, `<rect class="ok" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x, base-okH, w, okH)
			}
			if bk.Errors > 0 {
				fmt.Fprintf(&b, `<rect class="err" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x, base-okH-errH, w, errH)
			}
			if i%max(1, n/chartLabels) == 0 || i == n-1 {
				fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`,
					x+w/2, chartTop+chartPlotH+16, esc(c.Rows[i].Label))
			}
		}
	}
	fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`,
		chartLeft+chartPlotW/2, chartH-6, esc(c.XLabel))
	// The legend, top right.
	fmt.Fprintf(&b, `<rect class="ok" x="%d" y="%d" width="10" height="10"/><text class="tick" x="%d" y="%d">ok</text>`,
		chartW-chartRight-110, chartTop, chartW-chartRight-96, chartTop+9)
	fmt.Fprintf(&b, `<rect class="err" x="%d" y="%d" width="10" height="10"/><text class="tick" x="%d" y="%d">error</text>`,
		chartW-chartRight-60, chartTop, chartW-chartRight-46, chartTop+9)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from numbers and escaped labels
}
