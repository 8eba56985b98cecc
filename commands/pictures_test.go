package commands

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/bot/porttest"
	"frontdesk/commands/chart"
)

// pictures, when set, is a folder where the tests leave the pictures the
// commands sent, for a person to look at:
// go test ./commands -run 'TestStatsOnAGeneratedMonth|TestWeekImage' -args -pictures /tmp
var pictures = flag.String("pictures", "", "write the PNGs the commands send to this folder")

// kept numbers the pictures written to the pictures folder.
var kept int

// checkPicture decodes a PNG the bot sent and checks that it is one worth
// sending: the expected size, small enough for WhatsApp, and not blank.
func checkPicture(t *testing.T, data []byte, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the picture is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != w || b.Dy() != h {
		t.Errorf("picture is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	if len(data) > 80_000 {
		t.Errorf("picture is %d bytes, want at most 80 kB", len(data))
	}
	colours := map[color.Color]bool{}
	white := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			colours[c] = true
			if r, g, bl, _ := c.RGBA(); r == 0xffff && g == 0xffff && bl == 0xffff {
				white++
			}
		}
	}
	if len(colours) < 10 || white > b.Dx()*b.Dy()*98/100 {
		t.Errorf("picture looks blank: %d colours, %d of %d pixels white", len(colours), white, b.Dx()*b.Dy())
	}
	if *pictures != "" {
		kept++
		name := fmt.Sprintf("%s-%d.png", strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()), kept)
		if err := os.WriteFile(filepath.Join(*pictures, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWeekImage(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-13:00 14:00-18:00", "!hours sat 22:00-02:00",
		"!holiday add 2026-11-27 Closed for inventory, back {next_open}.")

	sent := ob.runSent("!week image")
	if len(sent) != 1 || sent[0].Kind != porttest.Image || sent[0].To != ownerNum {
		t.Fatalf("!week image sent %+v, want one picture to the self chat", sent)
	}
	checkPicture(t, sent[0].PNG, chart.Width, 190+7*76)
	want := "The next 7 days (Europe/Rome)\nGreen: open; grey: closed; pink: holiday. Type !week for the automatic messages of each day."
	if sent[0].Text != want {
		t.Errorf("caption %q, want %q", sent[0].Text, want)
	}

	// The days it draws are !week's: Wednesday 25 November first.
	w := weekPicture(newCallLang("en"), ob.b.Config(), ob.b.Schedule(), wed10)
	if len(w.Days) != 7 || w.Days[0].Label != "Wed 25 Nov" || w.Days[6].Label != "Tue 1 Dec" {
		t.Fatalf("days %+v", w.Days)
	}
	if w.Now != 10 {
		t.Errorf("now mark at %v, want 10 (10:00)", w.Now)
	}
	wantDays := []chart.Day{
		{Label: "Wed 25 Nov", Open: []chart.Span{{From: 9, To: 13, Label: "9–13"}, {From: 14, To: 18, Label: "14–18"}}},
		{Label: "Thu 26 Nov", Open: []chart.Span{{From: 9, To: 13, Label: "9–13"}, {From: 14, To: 18, Label: "14–18"}}},
		{Label: "Fri 27 Nov", Holiday: true, Note: "holiday, closed"},
		{Label: "Sat 28 Nov", Open: []chart.Span{{From: 22, To: 24, Label: "22–24"}}},
		{Label: "Sun 29 Nov", Open: []chart.Span{{From: 0, To: 2, Label: "0–2"}}},
		{Label: "Mon 30 Nov", Open: []chart.Span{{From: 9, To: 13, Label: "9–13"}, {From: 14, To: 18, Label: "14–18"}}},
		{Label: "Tue 1 Dec", Open: []chart.Span{{From: 9, To: 13, Label: "9–13"}, {From: 14, To: 18, Label: "14–18"}}},
	}
	for i, d := range wantDays {
		if got := w.Days[i]; !sameDay(got, d) {
			t.Errorf("day %d = %+v, want %+v", i, got, d)
		}
	}

	// With the kill switch on, the caption says so; in Italian, every
	// word is Italian.
	ob.must("!off", "!lang it")
	sent = ob.runSent("!settimana immagine")
	if len(sent) != 1 || sent[0].Kind != porttest.Image {
		t.Fatalf("!settimana immagine sent %+v, want one picture", sent)
	}
	checkPicture(t, sent[0].PNG, chart.Width, 190+7*76)
	contains(t, "Italian caption", sent[0].Text, "I prossimi 7 giorni (Europe/Rome)", "Interruttore: ACCESO", "Verde: aperto")
	w = weekPicture(newCallLang("it"), ob.b.Config(), ob.b.Schedule(), wed10)
	if w.Title != "Orari di apertura, prossimi 7 giorni" || w.Days[0].Label != "mer 25 nov" || w.Days[2].Note != "chiusura, chiuso" {
		t.Errorf("Italian picture: title %q, first day %q, holiday %q", w.Title, w.Days[0].Label, w.Days[2].Note)
	}

	// Wrong words are refused, each with its own reason, and change
	// nothing.
	ob.must("!on", "!lang en")
	before := ob.state()
	contains(t, "extra word", ob.owner("!week image now"), `Unexpected "now": !week image takes nothing more.`, "Usage: !week image")
	contains(t, "unknown option", ob.owner("!week photos"), `Unknown option "photos": write !week, or !week image for a picture.`, "Usage: !week [image]")
	if !sameState(before, ob.state()) {
		t.Error("a refused !week changed the state")
	}
}

// newCallLang is a Call without a bot, answering in lang.
func newCallLang(lang string) *Call {
	c := NewCall(func(string) error { return nil }, wed10)
	c.SetLang(lang)
	return c
}

func sameDay(a, b chart.Day) bool {
	if a.Label != b.Label || a.Holiday != b.Holiday || a.Note != b.Note || len(a.Open) != len(b.Open) {
		return false
	}
	for i := range a.Open {
		if a.Open[i] != b.Open[i] {
			return false
		}
	}
	return true
}

// TestWeekImageWithoutHours: with no hours set every day is one open bar.
func TestWeekImageWithoutHours(t *testing.T) {
	ob := newTestBot(t)
	w := weekPicture(newCallLang("en"), ob.b.Config(), ob.b.Schedule(), wed10)
	for _, d := range w.Days {
		if len(d.Open) != 1 || d.Open[0].From != 0 || d.Open[0].To != 24 || d.Open[0].Label != "open all day (no hours set)" {
			t.Errorf("%s: %+v, want open 0-24", d.Label, d.Open)
		}
	}
	sent := ob.runSent("!week image")
	if len(sent) != 1 || sent[0].Kind != porttest.Image {
		t.Fatalf("sent %+v, want one picture", sent)
	}
	checkPicture(t, sent[0].PNG, chart.Width, 190+7*76)
}

// TestWeekImageAcrossDST: on the night clocks go forward (Sunday 29
// March 2026 in Rome, 02:00 becomes 03:00) the windows are drawn by the
// clock on the wall, and the week still has seven dates.
func TestWeekImageAcrossDST(t *testing.T) {
	sat := time.Date(2026, 3, 28, 12, 0, 0, 0, rome)
	ob := newTestBot(t, withStart(sat))
	ob.must("!tz Europe/Rome", "!hours sat-sun 01:00-04:00 20:00-24:00")
	w := weekPicture(newCallLang("en"), ob.b.Config(), ob.b.Schedule(), sat)
	want := []chart.Span{{From: 1, To: 4, Label: "1–4"}, {From: 20, To: 24, Label: "20–24"}}
	for _, i := range []int{0, 1} {
		if d := w.Days[i]; !sameDay(d, chart.Day{Label: d.Label, Open: want}) {
			t.Errorf("%s: %+v, want %+v", d.Label, d.Open, want)
		}
	}
	if w.Days[1].Label != "Sun 29 Mar" || w.Days[6].Label != "Fri 3 Apr" {
		t.Errorf("days %q ... %q, want Sun 29 Mar second and Fri 3 Apr last", w.Days[1].Label, w.Days[6].Label)
	}
	if sent := ob.runSent("!week image"); len(sent) != 1 || sent[0].Kind != porttest.Image {
		t.Fatalf("sent %+v, want one picture", sent)
	}
}

// TestStatsPicture: the Italian chart and caption, and the days the
// chart leaves out.
func TestStatsPicture(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 11, 30, 20, 0, 0, 0, statsZone)
	sb := newTestBot(t, withSelf("39021234567"), withStart(until), withHostZone(time.UTC), withCommands(statsCommand(), langCommand()))
	if err := sb.b.UpdateConfig(ctx, statsConfig); err != nil {
		t.Fatal(err)
	}
	generateMonth(t, sb.db)
	sb.runSent("!lang it")
	sent := sb.runSent("!statistiche 7")
	if len(sent) != 2 || sent[1].Kind != porttest.Image {
		t.Fatalf("got %+v, want the text and the chart", sent)
	}
	checkPicture(t, sent[1].PNG, chart.Width, 2*chart.PanelHeight)
	// 24-30 November: 17 messages over 8 calendar days (23 November from
	// 20:00, nothing); the five weekdays tie with 3.
	if want := "Ora di punta: 10:00-11:00, 10 messaggi su 17\nGiorni più intensi (5), il primo mar 24 nov: 3 messaggi ciascuno; in media 2.1 al giorno"; sent[1].Text != want {
		t.Errorf("caption %q, want %q", sent[1].Text, want)
	}

	// A year asked: the chart starts where kept messages start.
	st, err := computeStats(ctx, sb.b, until.AddDate(-1, 0, 0), until)
	if err != nil {
		t.Fatal(err)
	}
	first, days := st.chartDays()
	if len(st.Days) != 366 || len(days) != 91 || !first.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, statsZone)) {
		t.Errorf("a year: %d days, chart %d from %v; want 366, 91 from 1 September", len(st.Days), len(days), first)
	}
	if ticks := newCallLang("en").dayTicks(first, len(days)); len(ticks) != 7 || ticks[0].Label != "1 Sep" || ticks[1].Label != "15 Sep" {
		t.Errorf("ticks of 91 days: %+v, want every 14 days from 1 Sep", ticks)
	}
}

// TestStatsCaption: one busiest hour or day is named; ties are counted.
func TestStatsCaption(t *testing.T) {
	first := time.Date(2026, 11, 23, 0, 0, 0, 0, statsZone)
	st := stats{Loc: statsZone, Inbound: 12}
	st.Hours[9], st.Hours[15] = 7, 5
	got := st.caption(newCallLang("en"), first, []int{1, 2, 6, 3})
	if want := "Busiest hour: 09:00-10:00, 7 of 12 messages\nBusiest day: Wed 25 Nov, 6 messages; 3.0 a day on average"; got != want {
		t.Errorf("caption %q, want %q", got, want)
	}
	st.Hours[15] = 7
	st.Hours[20] = 7
	got = st.caption(newCallLang("it"), first, []int{4, 4, 2, 2})
	if want := "Ore di punta (3), la prima 09:00-10:00: 7 messaggi ciascuna, su 12\nGiorni più intensi (2), il primo lun 23 nov: 4 messaggi ciascuno; in media 3.0 al giorno"; got != want {
		t.Errorf("caption %q, want %q", got, want)
	}
}

func TestHourLabel(t *testing.T) {
	for h, want := range map[float64]string{0: "0", 9: "9", 9.5: "9:30", 13.25: "13:15", 24: "24", 8 + 59.0/60: "8:59"} {
		if got := hourLabel(h); got != want {
			t.Errorf("hourLabel(%v) = %q, want %q", h, got, want)
		}
	}
}
