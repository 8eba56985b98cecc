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
	p := newPlot(w.Title)
	p.X.Label.Text = w.XLabel
	p.X.Min, p.X.Max = 0, 24
	var ticks []plot.Tick
	for h := 0; h <= 24; h++ {
		t := plot.Tick{Value: float64(h)}
		if h%3 == 0 {
			t.Label = strconv.Itoa(h)
		}
		ticks = append(ticks, t)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	// Row i of the picture is day n-1-i: the first day on top.
	names := make([]string, n)
	for i, d := range w.Days {
		names[n-1-i] = d.Label
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font = face(labelSize, true)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Width = 0
	// Hour lines every three hours across the closed (grey) parts, under
	// the windows; the present hour over the windows; the labels last, so
	// that nothing crosses a word.
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical.Color = color.White
	grid.Vertical.Width = vg.Points(2)
	p.Add(&rows{week: w, layer: backLayer}, grid, &rows{week: w, layer: openLayer})
	if w.Now >= 0 && w.Now <= 24 {
		p.Add(&nowMark{hour: w.Now, row: float64(n - 1)})
	}
	p.Add(&rows{week: w, layer: labelLayer})
	return render([]*plot.Plot{p}, []int{weekChrome + rowHeight*n})
}

// layer is what a rows plotter draws of each day.
type layer int

const (
	// backLayer is a grey bar (closed) or a pink one (holiday) across
	// the whole day.
	backLayer layer = iota
	// openLayer is the open windows, in green.
	openLayer
	// labelLayer is the windows' labels and the day's note.
	labelLayer
)

// rows is the plotter of one layer of the days.
type rows struct {
	week  Week
	layer layer
}

// box is the bar of row y from hour from to hour to.
func box(trX, trY func(float64) vg.Length, from, to, y float64) []vg.Point {
	x0, x1 := trX(from), trX(to)
	y0, y1 := trY(y-barFraction/2), trY(y+barFraction/2)
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}

func (r *rows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(r.week.Days)
	for i, d := range r.week.Days {
		y := float64(n - 1 - i)
		switch r.layer {
		case backLayer:
			back := closedColor
			if d.Holiday {
				back = holidayColor
			}
			c.FillPolygon(back, box(trX, trY, 0, 24, y))
		case openLayer:
			for _, s := range d.Open {
				c.FillPolygon(openColor, box(trX, trY, s.From, s.To, y))
			}
		case labelLayer:
			r.label(c, trX, trY(y), d)
			if d.Note != "" && len(d.Open) == 0 {
				note(c, trX(12), trY(y-barFraction/2), trY(y+barFraction/2), d)
			}
		}
	}
}

// label writes a day's window labels, white inside a window wide enough,
// else dark beside it (left of it, or right when it starts the day).
func (r *rows) label(c draw.Canvas, trX func(float64) vg.Length, y vg.Length, d Day) {
	inside := textStyle(noteSize, true)
	inside.Color = color.White
	inside.YAlign = draw.YCenter
	beside := inside
	beside.Color = inkColor
	const pad = vg.Length(6)
	for _, s := range d.Open {
		if s.Label == "" {
			continue
		}
		x0, x1 := trX(s.From), trX(s.To)
		w := inside.Width(s.Label)
		switch {
		case w+2*pad <= x1-x0:
			c.FillText(inside, vg.Point{X: (x0 + x1) / 2, Y: y}, s.Label)
		case x0-c.Min.X >= w+2*pad:
			beside.XAlign = draw.XRight
			c.FillText(beside, vg.Point{X: x0 - pad, Y: y}, s.Label)
		default:
			beside.XAlign = draw.XLeft
			c.FillText(beside, vg.Point{X: x1 + pad, Y: y}, s.Label)
		}
	}
}

// note writes a day's note centred at x between the bar's bottom and top,
// on a patch of the bar's colour that hides the hour lines behind it.
func note(c draw.Canvas, x, bottom, top vg.Length, d Day) {
	sty := textStyle(noteSize, false)
	sty.YAlign = draw.YCenter
	back := closedColor
	if d.Holiday {
		back = holidayColor
	}
	half := sty.Width(d.Note)/2 + 8
	c.FillPolygon(back, []vg.Point{{X: x - half, Y: bottom}, {X: x + half, Y: bottom}, {X: x + half, Y: top}, {X: x - half, Y: top}})
	c.FillText(sty, vg.Point{X: x, Y: (bottom + top) / 2}, d.Note)
}

// nowMark marks the present hour on the first day: a red line across its
// bar under a small red triangle pointing down at it.
type nowMark struct {
	hour, row float64
}

func (m *nowMark) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x := trX(m.hour)
	bottom, top := trY(m.row-barFraction/2), trY(m.row+barFraction/2)
	c.StrokeLine2(draw.LineStyle{Color: nowColor, Width: vg.Points(3)}, x, bottom, x, top)
	const side = vg.Length(9)
	c.FillPolygon(nowColor, []vg.Point{{X: x - side, Y: top + 1.6*side}, {X: x + side, Y: top + 1.6*side}, {X: x, Y: top}})
}
