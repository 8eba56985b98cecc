package chart

import (
	"errors"
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PanelHeight is the height in pixels of one panel of Bars.
const PanelHeight = 480

// Tick names a place on a panel's X axis. A tick without a label is a
// small unnamed mark.
type Tick struct {
	At    float64
	Label string
}

// Panel is one bar chart: Values[i] is drawn as a bar over [i, i+1) of
// the X axis, so an hour's bar stands between its hour and the next.
type Panel struct {
	Title  string
	XLabel string
	Values []int
	Ticks  []Tick
}

// Bars draws the panels one above the other, each PanelHeight pixels
// tall. In each panel the largest bar (up to three of equal height) is
// drawn in the accent colour with its count above it, so the busiest hour
// or day stands out without reading the axis.
func Bars(panels ...Panel) ([]byte, error) {
	if len(panels) == 0 {
		return nil, errors.New("chart: no panel to draw")
	}
	plots := make([]*plot.Plot, len(panels))
	heights := make([]int, len(panels))
	for i, pn := range panels {
		p, err := barPlot(pn)
		if err != nil {
			return nil, fmt.Errorf("chart: panel %q: %w", pn.Title, err)
		}
		plots[i], heights[i] = p, PanelHeight
	}
	return render(plots, heights)
}

func barPlot(pn Panel) (*plot.Plot, error) {
	n := len(pn.Values)
	if n == 0 {
		return nil, errors.New("no values")
	}
	top := 0
	for _, v := range pn.Values {
		if v < 0 {
			return nil, fmt.Errorf("negative count %d", v)
		}
		top = max(top, v)
	}
	p := newPlot(pn.Title)
	p.X.Label.Text = pn.XLabel
	p.X.Min, p.X.Max = 0, float64(n)
	p.Y.Min = 0
	// Room above the tallest bar for its count.
	p.Y.Max = max(float64(top)*1.18, 1)
	p.Y.Tick.Marker = countTicks(float64(max(top, 1)))
	ticks := make([]plot.Tick, len(pn.Ticks))
	for i, t := range pn.Ticks {
		ticks[i] = plot.Tick{Value: t.At, Label: t.Label}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = gridColor
	grid.Horizontal.Width = vg.Points(1)
	p.Add(grid)

	// The busiest bar stands out only while it is one of at most three;
	// a month of equal weekdays has no busiest day to show.
	tied := 0
	for _, v := range pn.Values {
		if v == top {
			tied++
		}
	}
	peaks3 := tied <= 3
	// A gap between bars while they are wide enough to show one.
	gap := 0.12
	if n > 120 {
		gap = 0
	}
	var plain, peak []plotter.HistogramBin
	var peaks plotter.XYLabels
	for i, v := range pn.Values {
		if v == 0 {
			continue
		}
		b := plotter.HistogramBin{Min: float64(i) + gap, Max: float64(i+1) - gap, Weight: float64(v)}
		if v == top && peaks3 {
			peak = append(peak, b)
			peaks.XYs = append(peaks.XYs, plotter.XY{X: float64(i) + 0.5, Y: float64(v)})
			peaks.Labels = append(peaks.Labels, strconv.Itoa(v))
			continue
		}
		plain = append(plain, b)
	}
	for _, bars := range []struct {
		bins []plotter.HistogramBin
		fill color.Color
	}{{plain, barColor}, {peak, peakColor}} {
		if len(bars.bins) == 0 {
			continue
		}
		h := &plotter.Histogram{Bins: bars.bins, FillColor: bars.fill}
		h.LineStyle.Width = 0
		p.Add(h)
	}
	// Every bin drawn also set the axis to its own range; keep ours.
	p.X.Min, p.X.Max = 0, float64(n)
	p.Y.Min, p.Y.Max = 0, max(float64(top)*1.18, 1)
	if len(peaks.XYs) > 0 {
		l, err := plotter.NewLabels(peaks)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i] = textStyle(labelSize, true)
			l.TextStyle[i].YAlign = draw.YBottom
		}
		l.Offset = vg.Point{Y: 4}
		p.Add(l)
	}
	return p, nil
}
