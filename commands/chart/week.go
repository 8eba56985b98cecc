package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
)

// Span is one open window of a day, in hours from its midnight (0 to 24),
// with the label written on it when it fits ("9–13").
type Span struct {
	From, To float64
	Label    string
}

// Day is one row of a Week: its name, its open windows, and whether it is
// a holiday. Note is written across a day without open windows ("closed",
// the holiday's name).
type Day struct {
	Label   string
	Open    []Span
	Holiday bool
	Note    string
}

// Week is a timetable picture: one row per day, the first at the top,
// hours 0 to 24 across.
type Week struct {
	Title  string
	XLabel string
	Days   []Day
	// Now is the hour of the first day to mark with a red line;
	// negative: no mark.
	Now float64
}

// rowHeight is the height of one day's row in pixels; the title and the
// hour axis take the rest of the picture.
const (
	rowHeight   = 76
	weekChrome  = 190
	barFraction = 0.72 // of a row, the rest is the gap between days
)

// DrawWeek draws w as a PNG Width pixels wide: green bars for the open
// windows on grey (closed), a pink row for a holiday, the present hour
// marked in red on the first day.
func DrawWeek(w Week) ([]byte, error) {
	if len(w.Days) == 0 {
		return nil, errors.New("chart: a week without days")
	}
	for _, d := range w.Days {
		for _, s := range d.Open {
			if s.From < 0 || s.To > 24 || s.To <= s.From {
				return nil, fmt.Errorf("chart: %s: window %v-%v is not within 0-24", d.Label, s.From, s.To)
			}
		}
	}
	n := len(w.Days)
	c, err := newCanvas(Width, weekChrome+rowHeight*n)
	if err != nil {
		return nil, err
	}
	c.week(w)
	return c.encode()
}

// Lengths of the week picture in pixels.
const (
	// dayPad is the space between a day's name and its bar.
	dayPad = 8
	// axisGap is the space between the last day's row and the hour axis.
	axisGap = 11
	// spanPad is the space around a window's label.
	spanPad = 6
	// notePad is the patch's margin around a day's note.
	notePad = 8
	// nowWidth is the thickness of the now line; nowSide half the width
	// of the triangle over it.
	nowWidth = 3
	nowSide  = 9
)

// week draws the timetable: the title, one row per day with its name on
// the left, and the hour axis under them.
func (c *canvas) week(w Week) {
	n := len(w.Days)
	height := float64(c.img.Bounds().Dy())
	left, right := float64(margin), float64(Width-margin)
	dataTop := c.title(w.Title, margin)
	var ticks []Tick
	for h := 0; h <= 24; h++ {
		t := Tick{At: float64(h)}
		if h%3 == 0 {
			t.Label = strconv.Itoa(h)
		}
		ticks = append(ticks, t)
	}
	ax := c.layoutXAxis(height-margin, ticks, w.XLabel, right-left)
	pitch := (ax.y - axisGap - dataTop) / float64(n)

	nameWidth := 0.0
	for _, d := range w.Days {
		nameWidth = max(nameWidth, c.width(d.Label, labelSize, true))
	}
	x0 := math.Round(left + nameWidth + dayPad)
	x1 := c.rightEnd(x0, right, 24, ticks)
	ax.x0, ax.x1 = x0, x1
	ax.at = func(h float64) float64 { return x0 + h*(x1-x0)/24 }

	// Row i is day i, the first on top; its bar is barFraction of the
	// row, centred in it.
	rows := make([]row, n)
	for i := range rows {
		mid := dataTop + (float64(i)+0.5)*pitch
		rows[i] = row{
			top:    math.Round(mid - pitch*barFraction/2),
			bottom: math.Round(mid + pitch*barFraction/2),
			mid:    mid,
		}
	}
	// The bars grey (closed) or pink (holiday) across the day, hour lines
	// every three hours across them, the open windows over those, the
	// present hour over the windows, and the words last, so that nothing
	// crosses a word.
	for i, d := range w.Days {
		r := rows[i]
		c.rect(x0, r.top, x1, r.bottom, back(d))
		for h := 3; h < 24; h += 3 {
			x := math.Round(ax.at(float64(h)))
			c.rect(x-1, r.top, x+1, r.bottom, whiteColor)
		}
		for _, s := range d.Open {
			c.rect(ax.at(s.From), r.top, ax.at(s.To), r.bottom, openColor)
		}
	}
	if w.Now >= 0 && w.Now <= 24 {
		c.nowMark(ax.at(w.Now), rows[0])
	}
	for i, d := range w.Days {
		r := rows[i]
		c.text(d.Label, x0-dayPad, c.middle(r.mid, labelSize, true), labelSize, true, inkColor, alignRight)
		c.spanLabels(d, r, ax)
		if d.Note != "" && len(d.Open) == 0 {
			c.note(d, r, ax.at(12), x1-x0)
		}
	}
	c.drawXAxis(ax, 0, 24)
}

// row is where a day's bar lies: from row top to bottom (excluded), its
// middle at mid.
type row struct {
	top, bottom, mid float64
}

// back is the colour of a day's bar where it is not open.
func back(d Day) color.RGBA {
	if d.Holiday {
		return holidayColor
	}
	return closedColor
}

// spanLabels writes a day's window labels, white inside a window wide
// enough, else dark beside it (left of it, or right when there is no
// room on its left).
func (c *canvas) spanLabels(d Day, r row, ax xAxis) {
	y := c.middle(r.mid, noteSize, true)
	for _, s := range d.Open {
		if s.Label == "" {
			continue
		}
		a, b := ax.at(s.From), ax.at(s.To)
		w := c.width(s.Label, noteSize, true)
		switch {
		case w+2*spanPad <= b-a:
			c.text(s.Label, (a+b)/2, y, noteSize, true, whiteColor, alignCenter)
		case a-ax.x0 >= w+2*spanPad:
			c.text(s.Label, a-spanPad, y, noteSize, true, inkColor, alignRight)
		default:
			c.text(s.Label, b+spanPad, y, noteSize, true, inkColor, alignLeft)
		}
	}
}

// note writes a day's note centred at x on its bar, on a patch of the
// bar's colour that hides the hour lines behind it; a note longer than
// room shrinks to fit.
func (c *canvas) note(d Day, r row, x, room float64) {
	size := c.fit(d.Note, noteSize, false, room-2*notePad)
	half := c.width(d.Note, size, false)/2 + notePad
	c.rect(x-half, r.top, x+half, r.bottom, back(d))
	c.text(d.Note, x, c.middle(r.mid, size, false), size, false, inkColor, alignCenter)
}

// nowMark marks the present hour at x on the first day's bar: a red line
// across the bar under a small red triangle pointing down at it.
func (c *canvas) nowMark(x float64, r row) {
	a := math.Round(x - nowWidth/2.0)
	c.rect(a, r.top, a+nowWidth, r.bottom, nowColor)
	x = a + nowWidth/2.0
	c.polygon(nowColor, [2]float64{x - nowSide, r.top - 1.6*nowSide}, [2]float64{x + nowSide, r.top - 1.6*nowSide}, [2]float64{x, r.top})
}
