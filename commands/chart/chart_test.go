package chart

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// out, when set, is a folder where the tests leave their pictures, for a
// person to look at: go test ./commands/chart -args -out /tmp
var out = flag.String("out", "", "write the drawn PNGs to this folder")

func keep(t *testing.T, name string, data []byte) {
	t.Helper()
	if *out == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// decode decodes a PNG and checks that it is a picture worth sending:
// Width wide, at most a few tens of kilobytes, and not blank.
func decode(t *testing.T, data []byte, wantH int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != wantH {
		t.Errorf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), Width, wantH)
	}
	if len(data) > 80_000 {
		t.Errorf("PNG is %d bytes, want at most 80 kB for WhatsApp", len(data))
	}
	colours := map[color.RGBA]bool{}
	ink := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(img.At(x, y))
			colours[c] = true
			if c != (color.RGBA{255, 255, 255, 255}) {
				ink++
			}
		}
	}
	// Text, axes and bars: antialiasing alone gives dozens of shades.
	if len(colours) < 10 || ink < b.Dx()*b.Dy()/50 {
		t.Errorf("picture looks blank: %d colours, %d of %d pixels not white", len(colours), ink, b.Dx()*b.Dy())
	}
	t.Logf("%dx%d px, %d bytes, %d colours, %.1f%% ink", b.Dx(), b.Dy(), len(data), len(colours), 100*float64(ink)/float64(b.Dx()*b.Dy()))
	return img
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

// run is a stretch of neighbouring pixel columns holding a colour, and
// the tallest stack of it in any of them.
type run struct {
	from, to int // columns, to included
	height   int
}

func (r run) center() float64 { return float64(r.from+r.to) / 2 }

// runs finds the bars of the given colours in rows y0..y1 of img: the
// columns that hold them, grouped where they touch.
func runs(img image.Image, y0, y1 int, fills ...color.RGBA) []run {
	var rs []run
	b := img.Bounds()
	for x := b.Min.X; x < b.Max.X; x++ {
		h := 0
		for y := y0; y < y1; y++ {
			c := rgba(img.At(x, y))
			for _, f := range fills {
				if c == f {
					h++
				}
			}
		}
		switch {
		case h == 0:
		case len(rs) > 0 && rs[len(rs)-1].to == x-1:
			rs[len(rs)-1].to = x
			rs[len(rs)-1].height = max(rs[len(rs)-1].height, h)
		default:
			rs = append(rs, run{from: x, to: x, height: h})
		}
	}
	return rs
}

// joined merges runs less than gap columns apart: a window the white
// hour lines or the now mark cross is still one window.
func joined(rs []run, gap int) []run {
	var out []run
	for _, r := range rs {
		if len(out) > 0 && r.from-out[len(out)-1].to <= gap {
			out[len(out)-1].to = r.to
			out[len(out)-1].height = max(out[len(out)-1].height, r.height)
			continue
		}
		out = append(out, r)
	}
	return out
}

// dark is ink, or the antialiased edge of a line of ink.
func dark(c color.RGBA) bool { return c.R < 0x90 && c.G < 0x90 && c.B < 0x90 }

// axisLine finds the X axis in rows y0..y1: the row with the longest
// stretch of ink, and where that stretch begins and ends.
func axisLine(t *testing.T, img image.Image, y0, y1 int) (from, to int) {
	t.Helper()
	best := 0
	for y := y0; y < y1; y++ {
		start := -1
		for x := img.Bounds().Min.X; x <= img.Bounds().Max.X; x++ {
			if x < img.Bounds().Max.X && dark(rgba(img.At(x, y))) {
				if start < 0 {
					start = x
				}
				continue
			}
			if start >= 0 && x-start > best {
				best, from, to = x-start, start, x-1
			}
			start = -1
		}
	}
	if best < Width/2 {
		t.Fatalf("no X axis in rows %d-%d (longest ink %d px)", y0, y1, best)
	}
	return from, to
}

// has reports whether column x of rows y0..y1 holds colour f.
func has(img image.Image, x, y0, y1 int, f color.RGBA) bool {
	for y := y0; y < y1; y++ {
		if rgba(img.At(x, y)) == f {
			return true
		}
	}
	return false
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func hourTicks() []Tick {
	var ts []Tick
	for h := 0; h <= 24; h++ {
		t := Tick{At: float64(h)}
		if h%3 == 0 {
			t.Label = itoa(h)
		}
		ts = append(ts, t)
	}
	return ts
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

// TestBarsDrawTheData: the bars stand where the counts say, as tall as
// they say, the busiest in the accent colour; an empty hour has none.
func TestBarsDrawTheData(t *testing.T) {
	hours := make([]int, 24)
	hours[10], hours[11], hours[17] = 42, 9, 21
	days := make([]int, 31)
	for i := range days {
		days[i] = i % 7
	}
	days[20] = 12
	data, err := Bars(
		Panel{Title: "Messages by hour", XLabel: "hour", Values: hours, Ticks: hourTicks()},
		Panel{Title: "Messages per day", Values: days, Ticks: []Tick{{At: 0.5, Label: "31 Oct"}, {At: 15.5, Label: "15 Nov"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "stats.png", data)
	img := decode(t, data, 2*PanelHeight)

	// The hours panel: three bars, the first the busiest.
	top := runs(img, 0, PanelHeight, barColor, peakColor)
	if len(top) != 3 {
		t.Fatalf("hours panel: %d bars, want 3 (10, 11, 17): %+v", len(top), top)
	}
	peak := runs(img, 0, PanelHeight, peakColor)
	if len(peak) != 1 || !near(peak[0].center(), top[0].center(), 1) {
		t.Errorf("the busiest bar (10:00) is not the one in the accent colour: %+v of %+v", peak, top)
	}
	// Heights in proportion 42 : 9 : 21.
	if r := float64(top[1].height) / float64(top[0].height); !near(r, 9.0/42, 0.03) {
		t.Errorf("11:00 bar is %.2f of the 10:00 one, want %.2f", r, 9.0/42)
	}
	if r := float64(top[2].height) / float64(top[0].height); !near(r, 21.0/42, 0.03) {
		t.Errorf("17:00 bar is %.2f of the 10:00 one, want %.2f", r, 21.0/42)
	}
	// Places, against the X axis (0 to 24 hours): each bar's centre half
	// an hour after its hour.
	x0, x24 := axisLine(t, img, 0, PanelHeight)
	hourPx := float64(x24-x0) / 24
	for i, h := range []float64{10, 11, 17} {
		if want := float64(x0) + (h+0.5)*hourPx; !near(top[i].center(), want, 2) {
			t.Errorf("the %v:00 bar is centred at %.1f px, want %.1f", h, top[i].center(), want)
		}
	}
	// An empty hour (14:00) has no bar: the column half-way between 10
	// and 17 holds no bar colour.
	x14 := int(float64(x0) + 14.5*hourPx)
	if has(img, x14, 0, PanelHeight, barColor) || has(img, x14, 0, PanelHeight, peakColor) {
		t.Errorf("a bar at 14:00 (column %d), where there were no messages", x14)
	}

	// The days panel: 27 days with messages (days 0, 7, 14, 21, 28 had
	// none), the busiest on day 20.
	bottom := runs(img, PanelHeight, 2*PanelHeight, barColor, peakColor)
	if len(bottom) != 26 {
		t.Errorf("days panel: %d bars, want 26", len(bottom))
	}
	if p := runs(img, PanelHeight, 2*PanelHeight, peakColor); len(p) != 1 {
		t.Errorf("days panel: %d busiest bars, want 1", len(p))
	}
}

// TestWeekDrawsTheWindows: each day's row shows its open windows in
// green where the hours say, a holiday in pink, a closed day in grey.
func TestWeekDrawsTheWindows(t *testing.T) {
	w := Week{
		Title:  "The next 7 days",
		XLabel: "hour",
		Now:    10.5,
		Days: []Day{
			{Label: "Wed 25 Nov", Open: []Span{{9, 13, "9–13"}, {14, 18, "14–18"}}},
			{Label: "Thu 26 Nov", Open: []Span{{9, 13, "9–13"}, {14, 18, "14–18"}}},
			{Label: "Fri 27 Nov", Holiday: true, Note: "holiday (inventory), closed"},
			{Label: "Sat 28 Nov", Open: []Span{{22, 24, "22–24"}}},
			{Label: "Sun 29 Nov", Open: []Span{{0, 2, "0–2"}}},
			{Label: "Mon 30 Nov", Open: []Span{{9, 13, "9–13"}}},
			{Label: "Tue 1 Dec", Note: "closed"},
		},
	}
	data, err := DrawWeek(w)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "week.png", data)
	img := decode(t, data, weekChrome+7*rowHeight)

	// Find each day's row: the rows holding the grey, pink or green of a
	// bar, top to bottom.
	type band struct{ from, to int }
	var bands []band
	b := img.Bounds()
	// A row of pixels crosses a bar when most of it is bar colours
	// (letters hold a few pixels of them too).
	inBar := func(y int) bool {
		n := 0
		for x := b.Min.X; x < b.Max.X; x++ {
			switch rgba(img.At(x, y)) {
			case closedColor, holidayColor, openColor:
				n++
			}
		}
		return n > b.Dx()/2
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if !inBar(y) {
			continue
		}
		if len(bands) > 0 && bands[len(bands)-1].to == y-1 {
			bands[len(bands)-1].to = y
		} else {
			bands = append(bands, band{y, y})
		}
	}
	if len(bands) != 7 {
		t.Fatalf("%d day rows, want 7: %+v", len(bands), bands)
	}
	mid := func(i int) (int, int) { return bands[i].from + 2, bands[i].to - 2 }
	green := func(i int) []run { a, z := mid(i); return joined(runs(img, a, z, openColor), 8) }

	// The hour scale: Sunday's 0-2 starts at hour 0, Saturday's 22-24
	// ends at hour 24.
	sat, sun := green(3), green(4)
	if len(sat) != 1 || len(sun) != 1 {
		t.Fatalf("Saturday %+v, Sunday %+v: want one window each", sat, sun)
	}
	x0 := float64(sun[0].from)
	hourPx := float64(sat[0].to-sun[0].from) / 24
	at := func(h float64) float64 { return x0 + h*hourPx }
	if !near(float64(sat[0].from), at(22), 3) || !near(float64(sun[0].to), at(2), 3) {
		t.Errorf("Saturday %+v, Sunday %+v: want 22-24 and 0-2 at %.1f px an hour", sat, sun, hourPx)
	}
	// Wednesday: 09:00-13:00 and 14:00-18:00, where the hours say (the
	// now mark splits the first; joined puts it back together).
	g := green(0)
	if len(g) != 2 {
		t.Fatalf("Wednesday: %d green windows, want 2: %+v", len(g), g)
	}
	t.Logf("Wednesday windows %+v, %.1f px an hour", g, hourPx)
	for i, want := range [][2]float64{{9, 13}, {14, 18}} {
		if !near(float64(g[i].from), at(want[0]), 3) || !near(float64(g[i].to), at(want[1]), 3) {
			t.Errorf("Wednesday window %d spans %d-%d px, want %.0f-%.0f (%v-%v h)", i, g[i].from, g[i].to, at(want[0]), at(want[1]), want[0], want[1])
		}
	}
	// The holiday and the closed Tuesday have no window; the holiday's
	// row is pink.
	if n := green(2); len(n) != 0 {
		t.Errorf("the holiday has green windows: %+v", n)
	}
	if a, z := mid(2); !has(img, int(at(1)), a, z, holidayColor) {
		t.Error("the holiday row is not pink")
	}
	if n := green(6); len(n) != 0 {
		t.Errorf("the closed Tuesday has green windows: %+v", n)
	}
	// The present hour is marked on the first day only, at 10:30.
	for i := range bands {
		a, z := mid(i)
		now := runs(img, a, z, nowColor)
		switch {
		case i == 0 && (len(now) != 1 || !near(now[0].center(), at(10.5), 3)):
			t.Errorf("now mark %+v, want one at %.0f (10:30)", now, at(10.5))
		case i > 0 && len(now) > 0:
			t.Errorf("day %d has a now mark: %+v", i, now)
		}
	}
}

func TestRefusesWhatItCannotDraw(t *testing.T) {
	if _, err := Bars(); err == nil {
		t.Error("Bars with no panel drew something")
	}
	if _, err := Bars(Panel{Title: "x"}); err == nil {
		t.Error("a panel without values drew something")
	}
	if _, err := Bars(Panel{Values: []int{1, -2}}); err == nil {
		t.Error("a negative count drew something")
	}
	if _, err := DrawWeek(Week{}); err == nil {
		t.Error("a week without days drew something")
	}
	if _, err := DrawWeek(Week{Days: []Day{{Label: "x", Open: []Span{{From: 20, To: 25}}}}}); err == nil {
		t.Error("a window past midnight drew something")
	}
}

// BenchmarkBars draws the !stats picture of a month; its floor,
// BenchmarkBarsFloorEncode, only encodes an already drawn picture of the
// same size as PNG (the least any picture answer costs).
func BenchmarkBars(b *testing.B) {
	hours := make([]int, 24)
	for h := 8; h < 20; h++ {
		hours[h] = (h * 7) % 23
	}
	days := make([]int, 31)
	for i := range days {
		days[i] = (i * 5) % 11
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bars(Panel{Title: "by hour", Values: hours, Ticks: hourTicks()}, Panel{Title: "per day", Values: days}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBarsFloorEncode(b *testing.B) {
	data, err := Bars(Panel{Title: "by hour", Values: []int{1, 2, 3}})
	if err != nil {
		b.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := png.Encode(&buf, rgba); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWeek(b *testing.B) {
	w := Week{Title: "week", Now: 10, Days: make([]Day, 7)}
	for i := range w.Days {
		w.Days[i] = Day{Label: "Mon 30 Nov", Open: []Span{{9, 13, "9–13"}, {14, 18, "14–18"}}}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DrawWeek(w); err != nil {
			b.Fatal(err)
		}
	}
}
