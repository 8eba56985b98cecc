package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"
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
	for _, pn := range panels {
		if err := pn.check(); err != nil {
			return nil, fmt.Errorf("chart: panel %q: %w", pn.Title, err)
		}
	}
	c, err := newCanvas(Width, PanelHeight*len(panels))
	if err != nil {
		return nil, err
	}
	for i, pn := range panels {
		c.bars(pn, float64(i*PanelHeight))
	}
	return c.encode()
}

func (pn Panel) check() error {
	if len(pn.Values) == 0 {
		return errors.New("no values")
	}
	for _, v := range pn.Values {
		if v < 0 {
			return fmt.Errorf("negative count %d", v)
		}
	}
	return nil
}

// bars draws the panel pn with its top edge at top: the title, the count
// axis on the left with a light grid line at each count it names, the
// bars, and the X axis under them.
func (c *canvas) bars(pn Panel, top float64) {
	n := float64(len(pn.Values))
	peak := 0
	for _, v := range pn.Values {
		peak = max(peak, v)
	}
	left, right := float64(margin), float64(Width-margin)
	dataTop := c.title(pn.Title, top+margin)
	ax := c.layoutXAxis(top+PanelHeight-margin, pn.Ticks, pn.XLabel, right-left)
	bottom := ax.y // bars stand on this row; the axis line is below it

	// Room above the tallest bar for its count.
	yMax := max(float64(peak)*1.18, 1)
	counts := countTicks(float64(max(peak, 1)), yMax)
	countWidth := 0.0
	for _, v := range counts {
		countWidth = max(countWidth, c.width(formatCount(v), labelSize, false))
	}
	// The count axis's line is centred on x0, the data's left edge.
	x0 := math.Round(left + countWidth + tickPad + tickLength + axisWidth/2)
	x1 := c.rightEnd(x0, right, n, pn.Ticks)
	ax.x0, ax.x1 = x0, x1
	ax.at = func(v float64) float64 { return x0 + v*(x1-x0)/n }
	// yAt is the top row of a bar of count v.
	yAt := func(v float64) float64 { return math.Round(bottom - v*(bottom-dataTop)/yMax) }

	for _, v := range counts[1:] {
		c.rect(x0, yAt(v), x1, yAt(v)+1, gridColor)
	}

	// The busiest bar stands out only while it is one of at most three;
	// a month of equal weekdays has no busiest day to show.
	tied := 0
	for _, v := range pn.Values {
		if v == peak {
			tied++
		}
	}
	showPeak := tied <= 3
	// A gap between bars while they are wide enough to show one.
	gap := 0.12
	if len(pn.Values) > 120 {
		gap = 0
	}
	for i, v := range pn.Values {
		if v == 0 {
			continue
		}
		fill := barColor
		if v == peak && showPeak {
			fill = peakColor
		}
		a, b := math.Round(ax.at(float64(i)+gap)), math.Round(ax.at(float64(i+1)-gap))
		c.rect(a, yAt(float64(v)), max(b, a+1), bottom, fill)
	}

	// The axes over the bars' ends.
	c.rect(x0-axisWidth/2, dataTop, x0+axisWidth/2, bottom+axisWidth, inkColor)
	for _, v := range counts {
		// A tick's two rows are those of its grid line and the one
		// above; the tick of 0 lies right on the X axis line, not in
		// it, so that the axis line stays where the data begins.
		y := yAt(v) - 1
		if v == 0 {
			y = bottom - axisWidth
		}
		c.rect(x0-axisWidth/2-tickLength, y, x0-axisWidth/2, y+axisWidth, inkColor)
		c.text(formatCount(v), x0-axisWidth/2-tickLength-tickPad, c.middle(y+axisWidth/2, labelSize, false),
			labelSize, false, inkColor, alignRight)
	}
	c.drawXAxis(ax, 0, n)

	// The busiest counts written over their bars.
	if !showPeak {
		return
	}
	f := c.face(labelSize, true)
	if f == nil {
		return
	}
	for i, v := range pn.Values {
		if v == peak && v > 0 {
			c.text(strconv.Itoa(v), ax.at(float64(i)+0.5), yAt(float64(v))-4-f.descent, labelSize, true, inkColor, alignCenter)
		}
	}
}
