package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"frontdesk/bot"
	"frontdesk/commands/chart"
)

// This file turns what !stats and !week image say into pictures: it
// picks the figures and the words (in the owner's language) and package
// chart draws them.

// sendStatsPicture sends the busiest hours and the messages per day as
// one PNG of two panels, with a two-line summary as its caption. A period
// without customer messages has no picture: the text answer says so.
func sendStatsPicture(ctx context.Context, c *Call, st stats) error {
	png, caption, err := statsPicture(c, st)
	if err != nil {
		return err
	}
	if err := c.Bot.SayImage(ctx, c.Chat, png, caption); err != nil {
		return fmt.Errorf("send stats chart: %w", err)
	}
	return nil
}

// hasTraffic reports whether the period had any customer message to draw.
func (st stats) hasTraffic() bool {
	for _, n := range st.Hours {
		if n > 0 {
			return true
		}
	}
	return false
}

// statsPicture draws st's hours and days and writes the caption.
func statsPicture(c *Call, st stats) (png []byte, caption string, err error) {
	zone := zoneName(st.Loc, st.Until)
	hourTicks := make([]chart.Tick, 0, 25)
	for h := 0; h <= 24; h++ {
		t := chart.Tick{At: float64(h)}
		if h%3 == 0 {
			t.Label = strconv.Itoa(h)
		}
		hourTicks = append(hourTicks, t)
	}
	first, days := st.chartDays()
	png, err = chart.Bars(
		chart.Panel{
			Title:  c.T("Customer messages by hour"),
			XLabel: c.Tf("hour of the day (%s)", zone),
			Values: st.Hours[:],
			Ticks:  hourTicks,
		},
		chart.Panel{
			Title:  c.T("Customer messages per day"),
			Values: days,
			Ticks:  c.dayTicks(first, len(days)),
		},
	)
	if err != nil {
		return nil, "", fmt.Errorf("stats chart: %w", err)
	}
	return png, st.caption(c, first, days), nil
}

// chartDays are the days the picture shows: the period's, but not those
// before messages are kept (Retention), which can only be empty.
func (st stats) chartDays() (first time.Time, days []int) {
	first, days = st.FirstDay, st.Days
	kept := dayStart(st.Until.In(st.Loc).Add(-bot.Retention))
	if skip := daysBetween(first, kept); skip > 0 && skip < len(days) {
		first, days = kept, days[skip:]
	}
	return first, days
}

// caption is the picture's two-line summary: the busiest hour, then the
// busiest day and the average per day. When several tie, they are
// counted and the first is named.
func (st stats) caption(c *Call, first time.Time, days []int) string {
	peak, tiedHours := busiest(st.Hours[:])
	top, tiedDays := busiest(days)
	day := c.day(time.Date(first.Year(), first.Month(), first.Day()+top, 12, 0, 0, 0, st.Loc), st.Loc)
	total := 0
	for _, n := range days {
		total += n
	}
	avg := float64(total) / float64(len(days))
	hours := fmt.Sprintf("%02d:00-%02d:00", peak, peak+1)
	var b strings.Builder
	if tiedHours == 0 {
		b.WriteString(c.Tf("Busiest hour: %s, %d of %d messages", hours, st.Hours[peak], st.Inbound))
	} else {
		b.WriteString(c.Tf("Busiest hours (%d), the first %s: %d messages each, of %d", tiedHours+1, hours, st.Hours[peak], st.Inbound))
	}
	b.WriteString("\n")
	if tiedDays == 0 {
		b.WriteString(c.Tf("Busiest day: %s, %d messages; %.1f a day on average", day, days[top], avg))
	} else {
		b.WriteString(c.Tf("Busiest days (%d), the first %s: %d messages each; %.1f a day on average", tiedDays+1, day, days[top], avg))
	}
	return b.String()
}

// busiest is the index of the first largest count, and how many others
// are as large.
func busiest(counts []int) (first, others int) {
	for i, n := range counts {
		switch {
		case n > counts[first]:
			first, others = i, 0
		case n == counts[first] && i != first:
			others++
		}
	}
	return first, others
}

// dayTicks names at most seven of n days from first ("2 Nov"), a week
// apart once there are more than two weeks, so labels never crowd.
func (c *Call) dayTicks(first time.Time, n int) []chart.Tick {
	step := 1
	for _, s := range []int{1, 2, 7, 14, 28, 56} {
		step = s
		if n <= 7*s {
			break
		}
	}
	var ts []chart.Tick
	for i := 0; i < n; i += step {
		d := time.Date(first.Year(), first.Month(), first.Day()+i, 12, 0, 0, 0, first.Location())
		ts = append(ts, chart.Tick{At: float64(i) + 0.5, Label: c.dayMonth(d)})
	}
	return ts
}

// dayMonth prints a date as "2 Nov" (Italian "2 nov", German "2. Nov").
func (c *Call) dayMonth(t time.Time) string { return bot.FormatDayMonth(t, c.Lang()) }

// daysBetween is the number of calendar days from a's date to b's, each
// taken in its own zone.
func daysBetween(a, b time.Time) int {
	ca := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	cb := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(cb.Sub(ca).Hours() / 24)
}

// runWeekImage is !week image: the next seven days' opening hours as a
// timetable picture, holidays and closed days marked.
func runWeekImage(ctx context.Context, c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unexpected %q: !week image takes nothing more.", bot.Clip(c.Rest(0), 30))
	}
	cfg, sched, now := c.Bot.Config(), c.Bot.Schedule(), c.Bot.Now()
	png, err := chart.DrawWeek(weekPicture(c, cfg, sched, now))
	if err != nil {
		return fmt.Errorf("week picture: %w", err)
	}
	caption := c.Tf("The next 7 days (%s)", zoneName(sched.Loc, now))
	if k := c.Bot.KillSwitch(); k.Active(now) {
		caption += "\n" + killSwitchLine(c, k, now, sched.Loc)
	}
	caption += "\n" + c.T("Green: open; grey: closed; pink: holiday. Type !week for the automatic messages of each day.")
	if err := c.Bot.SayImage(ctx, c.Chat, png, caption); err != nil {
		return fmt.Errorf("send week picture: %w", err)
	}
	return nil
}

// weekPicture lays out the seven days from today as package chart draws
// them: each day's open windows in hours from its midnight.
func weekPicture(c *Call, cfg bot.Config, sched bot.Schedule, now time.Time) chart.Week {
	loc := sched.Loc
	if loc == nil {
		loc = time.UTC
	}
	today := now.In(loc)
	w := chart.Week{
		Title:  c.T("Opening hours, next 7 days"),
		XLabel: c.Tf("hour of the day (%s)", zoneName(loc, now)),
		Now:    float64(today.Hour()) + float64(today.Minute())/60,
	}
	for i := 0; i < 7; i++ {
		// Noon avoids landing on the wrong date across a DST change.
		day := time.Date(today.Year(), today.Month(), today.Day()+i, 12, 0, 0, 0, loc)
		d := chart.Day{Label: c.day(day, loc)}
		midnight := dayStart(day).AddDate(0, 0, 1)
		for _, win := range sched.OpenWindows(day) {
			s := chart.Span{From: hourOf(win[0].In(loc)), To: 24}
			if win[1].Before(midnight) {
				s.To = hourOf(win[1].In(loc))
			}
			if s.To <= s.From {
				continue
			}
			s.Label = hourLabel(s.From) + "–" + hourLabel(s.To)
			if !cfg.Hours.Set {
				s.Label = c.T("open all day (no hours set)")
			}
			d.Open = append(d.Open, s)
		}
		holiday, onHoliday := sched.HolidayAt(day)
		switch {
		case onHoliday:
			d.Holiday = true
			d.Note = c.T("holiday, closed")
			if holiday.Name != "" {
				d.Note = c.Tf("holiday (%s), closed", bot.Clip(holiday.Name, 30))
			}
		case len(d.Open) == 0:
			d.Note = c.T("closed")
		}
		w.Days = append(w.Days, d)
	}
	return w
}

// hourOf is t's time of day in hours: 9:30 is 9.5.
func hourOf(t time.Time) float64 {
	return float64(t.Hour()) + float64(t.Minute())/60
}

// hourLabel prints an hour of a window short: "9", "9:30", "24".
func hourLabel(h float64) string {
	whole := int(h)
	m := int((h-float64(whole))*60 + 0.5)
	if m == 0 {
		return strconv.Itoa(whole)
	}
	return fmt.Sprintf("%d:%02d", whole, m)
}
