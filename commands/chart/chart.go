// Package chart draws the pictures some owner commands send with their
// answer: the customer messages by hour and by day of !stats, and the
// opening hours of !week image. It draws with gonum.org/v1/plot and
// returns PNG files small enough for WhatsApp and readable on a phone:
// Width pixels wide, large type, flat colours.
//
// The package knows no words: every title and label arrives already in
// the owner's language, so the message catalog stays in package commands.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/png"
	"math"
	"sort"
	"strconv"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width is the width of every picture in pixels. WhatsApp shows a picture
// across the phone's screen and keeps up to 1600 px, so 800 px keeps the
// file small while one point of type is one pixel.
const Width = 800

// dpi is 72 so that a length in points is the same number of pixels.
const dpi = 72

// Type sizes in points (= pixels): a phone shows the 800 px picture about
// 360 px wide, so 22 px type reads like ordinary 10 px text.
const (
	titleSize = 30
	labelSize = 22
	noteSize  = 20
)

// Colours: one hue per meaning, plain enough to survive compression.
var (
	// barColor fills the bars of a count; peakColor the largest.
	barColor  = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	peakColor = color.RGBA{R: 0xf5, G: 0x85, B: 0x18, A: 0xff}
	// openColor fills an open window; closedColor a day or night
	// without one; holidayColor a holiday.
	openColor    = color.RGBA{R: 0x54, G: 0xa2, B: 0x4b, A: 0xff}
	closedColor  = color.RGBA{R: 0xe6, G: 0xe6, B: 0xe6, A: 0xff}
	holidayColor = color.RGBA{R: 0xf2, G: 0xb8, B: 0xb5, A: 0xff}
	gridColor    = color.RGBA{R: 0xcc, G: 0xcc, B: 0xcc, A: 0xff}
	inkColor     = color.RGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	nowColor     = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// sans is the typeface of every text: Liberation Sans, which the plot
// library carries with it (no font files on the machine needed).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func face(size vg.Length, bold bool) font.Font {
	f := sans
	f.Size = size
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// textStyle is a text of the given size and weight in ink colour.
func textStyle(size vg.Length, bold bool) text.Style {
	return text.Style{
		Color:   inkColor,
		Font:    face(size, bold),
		XAlign:  draw.XCenter,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot is a plot with the package's type sizes and line widths.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = face(titleSize, true)
	p.Title.TextStyle.Color = inkColor
	p.Title.Padding = vg.Points(14)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = face(labelSize, false)
		a.Label.TextStyle.Color = inkColor
		a.Tick.Label.Font = face(labelSize, false)
		a.Tick.Label.Color = inkColor
		a.Width = vg.Points(2)
		a.Color = inkColor
		a.Tick.Width = vg.Points(2)
		a.Tick.Length = vg.Points(8)
		a.Tick.Color = inkColor
		a.Padding = 0
	}
	return p
}

// render draws the plots one above the other, heights in pixels, and
// encodes the picture as PNG.
func render(plots []*plot.Plot, heights []int) ([]byte, error) {
	total := 0
	for _, h := range heights {
		total += h
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(Width), vg.Length(total)), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	const margin = vg.Length(16)
	top := vg.Length(total)
	for i, p := range plots {
		h := vg.Length(heights[i])
		area := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: margin, Y: top - h + margin},
			Max: vg.Point{X: Width - margin, Y: top - margin},
		}}
		p.Draw(area)
		top -= h
	}
	// Default compression: the best one saves another tenth of the bytes
	// but takes two to three times as long.
	var buf bytes.Buffer
	if err := png.Encode(&buf, paletted(c.Image())); err != nil {
		return nil, fmt.Errorf("chart: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// countTicks marks whole numbers from 0 to top, about five of them, so a
// count axis never shows "0.5 messages".
func countTicks(top float64) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		step := niceStep(top / 4)
		var ts []plot.Tick
		for v := 0.0; v <= max+1e-9; v += step {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
		}
		return ts
	})
}

// niceStep is the smallest of 1, 2, 5, 10, 20, 50, ... at least x.
func niceStep(x float64) float64 {
	if x <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// paletted turns the drawing into a picture of at most 256 colours, which
// PNG stores in a byte a pixel instead of four: the flat fills, the ink
// and the most used shades of their antialiased edges are kept exactly,
// the rarest shades become the nearest kept colour. That halves the file
// and a person cannot tell the difference.
func paletted(img image.Image) image.Image {
	rgba, ok := img.(*image.RGBA)
	if !ok {
		b := img.Bounds()
		rgba = image.NewRGBA(b)
		stddraw.Draw(rgba, b, img, b.Min, stddraw.Src)
	}
	b := rgba.Bounds()
	w, h := b.Dx(), b.Dy()
	// A pixel's four bytes as one key.
	key := func(x, y int) uint32 {
		i := y*rgba.Stride + x*4
		p := rgba.Pix[i : i+4 : i+4]
		return uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
	}
	// Counted by runs of one colour: most of a row is one fill.
	count := map[uint32]int{}
	for y := 0; y < h; y++ {
		run, n := key(0, y), 0
		for x := 0; x < w; x++ {
			if k := key(x, y); k != run {
				count[run] += n
				run, n = k, 0
			}
			n++
		}
		count[run] += n
	}
	keys := make([]uint32, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	// Most used first; ties by value, so the same drawing always gives
	// the same file.
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	colour := func(k uint32) color.RGBA {
		return color.RGBA{R: uint8(k >> 24), G: uint8(k >> 16), B: uint8(k >> 8), A: uint8(k)}
	}
	pal := make(color.Palette, 0, 256)
	for _, k := range keys[:min(len(keys), 256)] {
		pal = append(pal, colour(k))
	}
	index := make(map[uint32]uint8, len(keys))
	for i, k := range keys {
		if i < len(pal) {
			index[k] = uint8(i)
		} else {
			index[k] = uint8(pal.Index(colour(k)))
		}
	}
	out := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for y := 0; y < h; y++ {
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		last, i := key(0, y), index[key(0, y)]
		for x := range row {
			if k := key(x, y); k != last {
				last, i = k, index[k]
			}
			row[x] = i
		}
	}
	return out
}
