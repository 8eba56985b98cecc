package commands

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/commands/chart"
	"frontdesk/storage"
)

// statsZone is the business zone of the stats tests.
var statsZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// statsConfig: open Monday to Friday 09:00-13:00 and 14:00-18:00 in Rome,
// a quick reply /orari and a keyword answer for "costa la consegna".
func statsConfig(cfg *bot.Config) error {
	cfg.TimeZone = "Europe/Rome"
	cfg.Hours = bot.Week{Set: true}
	for d := time.Monday; d <= time.Friday; d++ {
		cfg.Hours.Days[d] = []bot.Window{{Start: 9 * 60, End: 13 * 60}, {Start: 14 * 60, End: 18 * 60}}
	}
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/orari"}, Text: "Lun-ven 9-13, 14-18."}}
	cfg.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"Costa la consegna"}, Text: "La consegna è gratuita."}}
	return nil
}

// month is a generated month of traffic with known counts, recorded
// through the real store's RecordInbound as the engine would record it.
//
// November 2026 in Rome (no DST change inside); the period is the 30 days
// before Monday 30 November 20:00. Weekday k (0..20: the 21 weekdays
// 2-6, 9-13, 16-20, 23-27 and 30 November):
//   - 10:00 customer m(k%10): "Quali sono gli orari?" (answered by the
//     quick reply /orari); 10:02 the same: "Grazie, ordine n. <k*37>"
//     (folded "grazie ordine n #": nothing answers it). On 13 November the
//     10:02 message came too late for a reply ("late").
//     The owner answers from the phone (k%5+1)*4 minutes after 10:00:
//     4, 8, 12, 16 or 20 minutes.
//   - 17:50 customer e(k%10): "Quanto costa la consegna per <k%4+1>
//     pizze?" (the keyword answers it), with the keyword reply, sent one
//     second later except on 30 November (still pending). The owner
//     answers at 09:05 the next weekday: 10 + 5 = 15 open minutes; the one
//     of 30 November is never answered.
//
// Weekend day (1, 7, 8, 14, 15, 21, 22, 28, 29 November): 11:00 customer w
// "Ciao" (closed: no wait) with the away reply; on 1 November greeting and
// away in one message; on 14 November none, the kill switch was on. At
// 12:00 the team member a writes (rule "admin": not a customer).
//
// Outside the period: 30 October 10:00, m0 asks about the hours and gets
// a reply.
type month struct {
	t   *testing.T
	db  *storage.DB
	seq int
}

func (m *month) record(in bot.Inbound) {
	m.t.Helper()
	m.seq++
	in.ID = fmt.Sprintf("GEN%04d", m.seq)
	in.Chat = in.Customer
	if in.Kind == bot.FromCustomer {
		in.TouchCustomer = true
	} else {
		in.OwnerWrote, in.OwnerActive = true, true
	}
	if in.Reply != nil {
		in.Reply.Chat, in.Reply.Customer, in.Reply.Created = in.Customer, in.Customer, in.Received
	}
	if err := m.db.RecordInbound(context.Background(), in); err != nil {
		m.t.Fatalf("record generated message %s: %v", in.ID, err)
	}
}

func (m *month) customer(who bot.UserID, at time.Time, text string, rules []string, reply bool) {
	in := bot.Inbound{Kind: bot.FromCustomer, Customer: who, Sent: at, Received: at, Rules: rules,
		Question: bot.MaskNumbers(bot.Fold(text))}
	if reply {
		in.Reply = &bot.Outgoing{Text: "automatic", Rules: rules}
	}
	m.record(in)
}

func (m *month) owner(who bot.UserID, at time.Time) {
	m.record(bot.Inbound{Kind: bot.OwnerInChat, Customer: who, Sent: at, Received: at})
}

// sendAll marks every queued reply sent one second after it was created,
// except those created at or after notAfter.
func (m *month) sendAll(notAfter time.Time) {
	ctx := context.Background()
	out, err := m.db.PendingOutgoing(ctx, 1000)
	if err != nil {
		m.t.Fatal(err)
	}
	for _, o := range out {
		if !o.Created.Before(notAfter) {
			continue
		}
		if err := m.db.MarkSending(ctx, o.ID); err != nil {
			m.t.Fatal(err)
		}
		if err := m.db.MarkSent(ctx, o.ID, "W"+o.Chat.Digits(), o.Created.Add(time.Second)); err != nil {
			m.t.Fatal(err)
		}
	}
}

func generateMonth(t *testing.T, db *storage.DB) (until time.Time) {
	m := &month{t: t, db: db}
	day := func(d, h, min int) time.Time { return time.Date(2026, 11, d, h, min, 0, 0, statsZone) }
	cust := func(prefix string, i int) bot.UserID { return bot.UserID(fmt.Sprintf("39333%s%04d", prefix, i)) }
	const admin = bot.UserID("393339999999")
	w := cust("7", 0)

	m.customer(cust("1", 0), time.Date(2026, 10, 30, 10, 0, 0, 0, statsZone), "Quali sono gli orari?", []string{"shortcut"}, true)

	var weekdays []int
	for d := 1; d <= 30; d++ {
		switch day(d, 0, 0).Weekday() {
		case time.Saturday, time.Sunday:
			rules := []string{"away"}
			switch d {
			case 1:
				rules = []string{"greeting", "away"}
			case 14:
				rules = []string{bot.SuppressedKill}
			}
			m.customer(w, day(d, 11, 0), "Ciao", rules, d != 14)
			m.customer(admin, day(d, 12, 0), "!stats", []string{"admin"}, false)
		default:
			weekdays = append(weekdays, d)
		}
	}
	for k, d := range weekdays {
		mc, ec := cust("1", k%10), cust("2", k%10)
		m.customer(mc, day(d, 10, 0), "Quali sono gli orari?", nil, false)
		var late []string
		if d == 13 {
			late = []string{bot.SuppressedLate}
		}
		m.customer(mc, day(d, 10, 2), fmt.Sprintf("Grazie, ordine n. %d", k*37), late, false)
		m.owner(mc, day(d, 10, (k%5+1)*4))
		m.customer(ec, day(d, 17, 50), fmt.Sprintf("Quanto costa la consegna per %d pizze?", k%4+1), []string{"keyword"}, true)
		if k+1 < len(weekdays) {
			m.owner(ec, day(weekdays[k+1], 9, 5))
		}
	}
	m.sendAll(day(30, 0, 0))
	return day(30, 20, 0)
}

func TestStatsOnAGeneratedMonth(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 11, 30, 20, 0, 0, 0, statsZone)
	sb := newTestBot(t, withSelf("39021234567"), withStart(until), withHostZone(time.UTC), withCommands(statsCommand()))
	if err := sb.b.UpdateConfig(ctx, statsConfig); err != nil {
		t.Fatalf("configure: %v", err)
	}
	if got := generateMonth(t, sb.db); !got.Equal(until) {
		t.Fatalf("generator ends at %v, want %v", got, until)
	}
	since := until.Add(-30 * 24 * time.Hour)

	got, err := computeStats(ctx, sb.b, since, until)
	if err != nil {
		t.Fatalf("computeStats: %v", err)
	}
	want := stats{
		Since: since, Until: until, Loc: got.Loc,
		// 21 weekdays x 3 customer messages + 9 weekend messages.
		Inbound: 72,
		// m0-m9, e0-e9 and w.
		Customers:   21,
		RepliesSent: 8 + 20,
		RulesSent:   map[string]int{"greeting": 1, "away": 8, "keyword": 20},
		Withheld:    map[string]int{bot.SuppressedLate: 1, bot.SuppressedKill: 1},
		// Mornings: 5x4, 4x8, 4x12, 4x16, 4x20 min; evenings 20x15 min:
		// the 21st of 41 sorted is 15 min.
		Answered:   41,
		Unanswered: 1,
		Median:     15 * time.Minute,
		Questions: []suggestion{{
			QuestionCount: bot.QuestionCount{Text: "grazie ordine n #", Count: 21, Customers: 10},
			Shortcut:      "/grazie",
		}},
	}
	want.Hours[10] = 42
	want.Hours[11] = 9
	want.Hours[17] = 21
	// 31 October (from 20:00, nothing) to 30 November: 3 messages a
	// weekday, the weekend customer's 1 a weekend day.
	want.FirstDay = time.Date(2026, 10, 31, 0, 0, 0, 0, statsZone)
	want.Days = []int{0}
	for d := 1; d <= 30; d++ {
		switch time.Date(2026, 11, d, 12, 0, 0, 0, statsZone).Weekday() {
		case time.Saturday, time.Sunday:
			want.Days = append(want.Days, 1)
		default:
			want.Days = append(want.Days, 3)
		}
	}
	if got.Loc.String() != "Europe/Rome" {
		t.Errorf("zone %v, want Europe/Rome", got.Loc)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stats =\n%+v\nwant\n%+v", got, want)
	}

	// The command shows the same figures, then the chart.
	sent := sb.runSent("!stats")
	if len(sent) != 2 || sent[0].Kind != porttest.Text || sent[1].Kind != porttest.Image {
		t.Fatalf("got %d answers %+v, want the text and then the chart", len(sent), sent)
	}
	checkPicture(t, sent[1].PNG, chart.Width, 2*chart.PanelHeight)
	// 72 messages over the 31 calendar days drawn: 2.3 a day; the 21
	// weekdays tie with 3.
	if want := "Busiest hour: 10:00-11:00, 42 of 72 messages\nBusiest days (21), the first Mon 2 Nov: 3 messages each; 2.3 a day on average"; sent[1].Text != want {
		t.Errorf("chart caption %q, want %q", sent[1].Text, want)
	}
	if sent[1].To != "39021234567" {
		t.Errorf("chart sent to %s, want the self chat", sent[1].To)
	}
	t.Logf("!stats answers:\n%s", sent[0].Text)
	for _, line := range []string{
		"Statistics, last 30 days (since 2026-10-31 20:00):",
		"Customer messages: 72 from 21 customers",
		"Automatic replies sent: 28 (greeting 1, keyword 20, away 8)",
		"Not answered automatically: 1 arrived too late, 1 while replies were off",
		"Your first response (open hours only): median 15 min over 41 conversations; 1 still waiting",
		"Busiest hours (Europe/Rome):\n10 ████████████ 42\n11 ███ 9\n12 · 0\n13 · 0\n14 · 0\n15 · 0\n16 · 0\n17 ██████ 21",
		"“grazie ordine n #” 21 times, 10 customers\n!qr add /grazie <answer>",
	} {
		if !strings.Contains(sent[0].Text, line) {
			t.Errorf("!stats answer lacks %q:\n%s", line, sent[0].Text)
		}
	}

	// Answering the question with the suggested quick reply takes it off
	// the list.
	if err := sb.b.UpdateConfig(ctx, func(cfg *bot.Config) error {
		cfg.QuickReplies = append(cfg.QuickReplies, bot.QuickReply{Shortcuts: []string{"/grazie"}, Text: "Grazie a te!"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := computeStats(ctx, sb.b, since, until); err != nil || len(got.Questions) != 0 {
		t.Errorf("after !qr add /grazie: questions %+v, %v; want none", got.Questions, err)
	}

	// The last 7 days: 24-30 November.
	week, err := computeStats(ctx, sb.b, until.Add(-7*24*time.Hour), until)
	if err != nil {
		t.Fatal(err)
	}
	// Weekdays 24-27 and 30: 15 messages; the weekend 28-29: 2.
	if week.Inbound != 17 || week.Customers != 11 || week.RepliesSent != 4+2 {
		t.Errorf("last 7 days: %d messages from %d customers, %d replies; want 17 from 11, 6",
			week.Inbound, week.Customers, week.RepliesSent)
	}
}

func TestStatsCommandArguments(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"default 30 days", "!stats", "Statistics, last 30 days"},
		{"one day", "!stats 1", "Statistics, last 1 days"},
		{"with d suffix", "!stats 7d", "Statistics, last 7 days"},
		{"a year, with the retention note", "!stats 365", "messages are kept for 90 days"},
		{"zero refused", "!stats 0", "\"0\" is not a number of days from 1 to 365.\nUsage: !stats"},
		{"too many refused", "!stats 366", "\"366\" is not a number of days from 1 to 365."},
		{"words refused", "!stats month", "\"month\" is not a number of days"},
		{"two arguments refused", "!stats 7 30", "Give at most one number of days."},
		{"no traffic", "!stats", "Customer messages: 0 from 0 customers"},
		{"no traffic, no chart", "!stats 7", "No customer messages in this period, so no chart."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newTestBot(t, withSelf("39021234567"), withStart(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)),
				withHostZone(time.UTC), withCommands(statsCommand()))
			sent := sb.runSent(tt.text)
			if len(sent) != 1 || sent[0].Kind != porttest.Text || !strings.Contains(sent[0].Text, tt.want) {
				t.Errorf("%s answered %+v, want one text (no chart) containing %q", tt.text, sent, tt.want)
			}
		})
	}
}

func TestOpenTime(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, statsZone) }
	var cfg bot.Config
	if err := statsConfig(&cfg); err != nil {
		t.Fatal(err)
	}
	hours, err := bot.NewSchedule(cfg, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Holidays = []bot.Holiday{{From: "2026-11-27", To: "2026-11-27"}}
	holiday, err := bot.NewSchedule(cfg, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	always, err := bot.NewSchedule(bot.DefaultConfig(), statsZone)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		sched    bot.Schedule
		from, to time.Time
		want     time.Duration
	}{
		{"inside one window", hours, at(25, 10, 0), at(25, 10, 12), 12 * time.Minute},
		{"over lunch", hours, at(25, 12, 50), at(25, 14, 10), 20 * time.Minute},
		{"overnight", hours, at(25, 17, 50), at(26, 9, 5), 15 * time.Minute},
		{"over the weekend", hours, at(27, 17, 50), at(30, 9, 5), 15 * time.Minute},
		{"over a holiday", holiday, at(26, 17, 50), at(30, 9, 5), 15 * time.Minute},
		{"all closed", hours, at(28, 10, 0), at(29, 10, 0), 0},
		{"no hours set: always open", always, at(28, 10, 0), at(28, 12, 30), 150 * time.Minute},
		{"empty interval", hours, at(25, 10, 0), at(25, 10, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := openTime(tt.sched, tt.from, tt.to); got != tt.want {
				t.Errorf("openTime = %v, want %v", got, tt.want)
			}
			// The spans !stats works with give the same, from inside a
			// longer period too.
			o := newOpenSpans(tt.sched, tt.from.Add(-72*time.Hour), tt.to.Add(72*time.Hour))
			if got := o.between(tt.from, tt.to); got != tt.want {
				t.Errorf("openSpans.between = %v, want %v", got, tt.want)
			}
			for m := tt.from; m.Before(tt.to); m = m.Add(30 * time.Minute) {
				if o.isOpen(m) != tt.sched.IsOpen(m) {
					t.Errorf("openSpans.isOpen(%v) = %v, schedule says %v", m, o.isOpen(m), tt.sched.IsOpen(m))
				}
			}
		})
	}
}

func TestSuggestShortcut(t *testing.T) {
	tests := []struct {
		name     string
		question string
		taken    []string
		want     string
	}{
		{"longest word", "quanto costa la spedizione", nil, "/spedizio"},
		{"first of equal length", "grazie ordine n #", nil, "/grazie"},
		{"taken gets a number", "orari", []string{"/orari"}, "/orari2"},
		{"number keeps the length limit", "spedizione", []string{"/spedizio"}, "/spedizi2"},
		{"no usable word", "ok # si", nil, "/faq"},
		{"accented letters are letters", "prenotazioni è", nil, "/prenotaz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken := map[string]bool{}
			for _, s := range tt.taken {
				taken[s] = true
			}
			got := suggestShortcut(tt.question, taken)
			if got != tt.want {
				t.Errorf("suggestShortcut(%q) = %q, want %q", tt.question, got, tt.want)
			}
			if err := bot.ValidShortcut(got); err != nil {
				t.Errorf("suggested shortcut is not valid: %v", err)
			}
		})
	}
}

// TestStatsListsTheTopQuestions: the frequent questions stop at
// maxQuestions, the most asked first, and the rest are counted.
func TestStatsListsTheTopQuestions(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 11, 30, 20, 0, 0, 0, statsZone)
	sb := newTestBot(t, withSelf("39021234567"), withStart(until), withHostZone(time.UTC), withCommands(statsCommand()))
	if err := sb.b.UpdateConfig(ctx, statsConfig); err != nil {
		t.Fatalf("configure: %v", err)
	}
	m := &month{t: t, db: sb.db}
	words := []string{"alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike"}
	for i, w := range words {
		// "alfa" asked 32 times, "bravo" 31, ... "mike" 20.
		for k := 0; k < 32-i; k++ {
			m.customer(bot.UserID(fmt.Sprintf("3933300%05d", k)), until.Add(-time.Duration(i*40+k+1)*time.Minute), "dove "+w, nil, false)
		}
	}
	sent := sb.runSent("!stats")
	if len(sent) != 2 {
		t.Fatalf("got %d answers, want the text and the chart", len(sent))
	}
	text := sent[0].Text
	for _, want := range []string{"“dove alfa” 32 times, 32 customers", "“dove juliet” 23 times", "and 3 more"} {
		if !strings.Contains(text, want) {
			t.Errorf("!stats lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "dove kilo") {
		t.Errorf("!stats lists an 11th question:\n%s", text)
	}
}
