// Package chart draws the pictures some owner commands send with their
// answer: the customer messages by hour and by day of !stats, and the
// opening hours of !week image. It draws with the standard library's
// image packages and golang.org/x/image (antialiased shapes and text in
// Liberation Sans) and returns PNG files small enough for WhatsApp and
// readable on a phone: Width pixels wide, large type, flat colours.
//
// The package knows no words: every title and label arrives already in
// the owner's language, so the message catalog stays in package commands.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"sort"
	"strconv"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Width is the width of every picture in pixels. WhatsApp shows a picture
// across the phone's screen and keeps up to 1600 px, so 800 px keeps the
// file small while type stays large.
const Width = 800

// Type sizes in pixels: a phone shows the 800 px picture about 360 px
// wide, so 22 px type reads like ordinary 10 px text.
const (
	titleSize = 30
	labelSize = 22
	noteSize  = 20
)

// Lengths in pixels of the frame every picture shares.
const (
	// margin is the white border around a panel.
	margin = 16
	// titlePad is the space between a title and what it names.
	titlePad = 14
	// axisWidth is the thickness of an axis and of its ticks.
	axisWidth = 2
	// tickLength is the length of a labelled tick; an unnamed one is
	// half as long.
	tickLength = 8
	// tickPad is the space between a tick and its label.
	tickPad = 6
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
	whiteColor   = color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

// typefaces are Liberation Sans regular and bold, the typeface of every
// text, carried in the binary (no font files on the machine needed).
type typefaces struct {
	regular, bold *opentype.Font
}

// loadTypefaces parses the two fonts the first time a picture is drawn,
// not when the program starts: most runs of the bot never draw one. The
// parsed fonts are safe to share; their faces are not (see canvas.face).
var loadTypefaces = sync.OnceValues(func() (typefaces, error) {
	regular, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("chart: Liberation Sans: %w", err)
	}
	bold, err := opentype.Parse(liberationsansbold.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("chart: Liberation Sans Bold: %w", err)
	}
	return typefaces{regular: regular, bold: bold}, nil
})

// canvas is one picture being drawn: a white RGBA image, lengths in
// pixels from its top left corner, y downwards.
type canvas struct {
	img   *image.RGBA
	fonts typefaces
	// faces are the sizes of type this picture used so far. A face keeps
	// the glyph it drew last, so it belongs to one drawing at a time.
	faces map[faceKey]*face
	err   error
}

type faceKey struct {
	size float64
	bold bool
}

// face is a size of type and the metrics that place it.
type face struct {
	font.Face
	ascent, descent, capHeight float64
}

func newCanvas(w, h int) (*canvas, error) {
	tf, err := loadTypefaces()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	return &canvas{img: img, fonts: tf, faces: map[faceKey]*face{}}, nil
}

// face is type of the given size and weight; nil if it cannot be made,
// and then the picture reports the error when encoded.
func (c *canvas) face(size float64, bold bool) *face {
	k := faceKey{size, bold}
	if f, ok := c.faces[k]; ok {
		return f
	}
	tf := c.fonts.regular
	if bold {
		tf = c.fonts.bold
	}
	ff, err := opentype.NewFace(tf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		if c.err == nil {
			c.err = fmt.Errorf("chart: type of %v px: %w", size, err)
		}
		c.faces[k] = nil
		return nil
	}
	m := ff.Metrics()
	f := &face{Face: ff, ascent: px(m.Ascent), descent: px(m.Descent), capHeight: px(m.CapHeight)}
	c.faces[k] = f
	return f
}

func px(v fixed.Int26_6) float64 { return float64(v) / 64 }

func fx(v float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(v * 64)) }

// width is the advance of s in type of the given size and weight.
func (c *canvas) width(s string, size float64, bold bool) float64 {
	f := c.face(size, bold)
	if f == nil {
		return 0
	}
	return px(font.MeasureString(f, s))
}

// fit is size, or the largest whole size below it (not below half of
// it) at which s is at most w wide: a long title in a wordy language
// shrinks rather than run off the picture.
func (c *canvas) fit(s string, size float64, bold bool, w float64) float64 {
	tw := c.width(s, size, bold)
	if tw <= w || tw == 0 {
		return size
	}
	// Without hinting, widths grow in proportion to the size.
	least := math.Ceil(size / 2)
	smaller := math.Max(math.Floor(size*w/tw), least)
	for smaller > least && c.width(s, smaller, bold) > w {
		smaller--
	}
	return smaller
}

// align is where a text stands from the x it is drawn at.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// text writes s with its baseline at y, starting, centred or ending at x.
// A text that would run into the margin or off the picture is moved back
// onto it. It starts on a whole pixel, so that the same word drawn twice
// has the same pixels (a smaller file).
func (c *canvas) text(s string, x, y, size float64, bold bool, col color.RGBA, a align) {
	f := c.face(size, bold)
	if f == nil || s == "" {
		return
	}
	w := px(font.MeasureString(f, s))
	switch a {
	case alignCenter:
		x -= w / 2
	case alignRight:
		x -= w
	}
	lo, hi := float64(margin), float64(c.img.Bounds().Dx()-margin)
	if w > hi-lo {
		lo, hi = 0, float64(c.img.Bounds().Dx())
	}
	x = math.Max(lo, math.Min(x, hi-w))
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: f, Dot: fixed.Point26_6{X: fx(math.Round(x)), Y: fx(math.Round(y))}}
	d.DrawString(s)
}

// middle is the baseline that centres capitals and digits of the given
// type on y.
func (c *canvas) middle(y, size float64, bold bool) float64 {
	f := c.face(size, bold)
	if f == nil {
		return y
	}
	return y + f.capHeight/2
}

// rect fills the pixels between x0 and x1, y0 and y1, each rounded to
// the nearest pixel edge: flat fills keep sharp edges.
func (c *canvas) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	r := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// polygon fills the polygon through pts, antialiased.
func (c *canvas) polygon(col color.RGBA, pts ...[2]float64) {
	if len(pts) < 3 {
		return
	}
	minX, minY, maxX, maxY := pts[0][0], pts[0][1], pts[0][0], pts[0][1]
	for _, p := range pts[1:] {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY)))
	z := vector.NewRasterizer(box.Dx(), box.Dy())
	for i, p := range pts {
		x, y := float32(p[0]-float64(box.Min.X)), float32(p[1]-float64(box.Min.Y))
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
	z.Draw(c.img, box, image.NewUniform(col), image.Point{})
}

// title writes a panel's title centred across it, its top at top, and
// returns where what it names may begin.
func (c *canvas) title(s string, top float64) float64 {
	size := c.fit(s, titleSize, true, Width-2*margin)
	f := c.face(size, true)
	if f == nil {
		return top
	}
	base := top + f.ascent
	c.text(s, Width/2, base, size, true, inkColor, alignCenter)
	return base + f.descent + titlePad
}

// xAxis is the horizontal axis under a panel's data: the line, the
// ticks with their labels, and the axis label below them.
type xAxis struct {
	// x0 and x1 are where the data begins and ends; y the row right
	// under the data, where the line begins.
	x0, x1, y float64
	// at is the x of a place on the axis.
	at        func(float64) float64
	ticks     []Tick
	label     string
	labelSize float64
	// tickBase and labelBase are the baselines of the tick labels and
	// of the axis label.
	tickBase, labelBase float64
}

// layoutXAxis places an X axis whose labels end at bottom, the axis
// label fitted into width, and returns it with y set. The caller sets
// x0, x1 and at.
func (c *canvas) layoutXAxis(bottom float64, ticks []Tick, label string, width float64) xAxis {
	a := xAxis{ticks: ticks, label: label}
	y := bottom
	if label != "" {
		a.labelSize = c.fit(label, labelSize, false, width)
		if f := c.face(a.labelSize, false); f != nil {
			a.labelBase = y - f.descent
			y = a.labelBase - f.ascent
		}
	}
	labelled := false
	for _, t := range ticks {
		labelled = labelled || t.Label != ""
	}
	if f := c.face(labelSize, false); f != nil && labelled {
		a.tickBase = y - f.descent
		y = a.tickBase - f.ascent
	}
	a.y = math.Floor(y - tickLength - axisWidth)
	return a
}

// drawXAxis draws a laid out axis: the line under the data, the ticks
// between lo and hi of the data, their labels and the axis label.
func (c *canvas) drawXAxis(a xAxis, lo, hi float64) {
	c.rect(a.x0-axisWidth/2, a.y, a.x1+axisWidth/2, a.y+axisWidth, inkColor)
	for _, t := range a.ticks {
		if t.At < lo || t.At > hi {
			continue
		}
		x := math.Round(a.at(t.At))
		l := float64(tickLength)
		if t.Label == "" {
			l /= 2
		}
		c.rect(x-axisWidth/2, a.y+axisWidth, x+axisWidth/2, a.y+axisWidth+l, inkColor)
		c.text(t.Label, x, a.tickBase, labelSize, false, inkColor, alignCenter)
	}
	if a.label != "" {
		c.text(a.label, (a.x0+a.x1)/2, a.labelBase, a.labelSize, false, inkColor, alignCenter)
	}
}

// rightEnd is how far right the data of an axis from x0 over [0, span]
// may reach so that no tick label runs past right.
func (c *canvas) rightEnd(x0, right, span float64, ticks []Tick) float64 {
	end := right
	for _, t := range ticks {
		if t.Label == "" || t.At <= 0 || t.At > span {
			continue
		}
		half := c.width(t.Label, labelSize, false) / 2
		end = math.Min(end, x0+(right-half-x0)*span/t.At)
	}
	return math.Floor(end)
}

// encode returns the picture as PNG.
func (c *canvas) encode() ([]byte, error) {
	if c.err != nil {
		return nil, c.err
	}
	// Default compression: the best one saves another tenth of the bytes
	// but takes two to three times as long.
	var buf bytes.Buffer
	if err := png.Encode(&buf, paletted(c.img)); err != nil {
		return nil, fmt.Errorf("chart: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// countTicks are whole numbers from 0 to max, about five of them for
// counts up to top, so a count axis never shows "0.5 messages".
func countTicks(top, max float64) []float64 {
	step := niceStep(top / 4)
	var ts []float64
	for v := 0.0; v <= max+1e-9; v += step {
		ts = append(ts, v)
	}
	return ts
}

func formatCount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

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
func paletted(rgba *image.RGBA) image.Image {
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
