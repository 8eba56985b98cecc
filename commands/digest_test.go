package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

// digestMonday is Monday 30 November 2026, 09:00 in Rome: digest time.
var digestMonday = time.Date(2026, 11, 30, 9, 0, 0, 0, statsZone)

func TestDigest(t *testing.T) {
	ctx := context.Background()
	sb := newTestBot(t, withSelf("39021234567"), withStart(digestMonday), withHostZone(time.UTC))
	generateMonth(t, sb.db)
	if err := sb.b.UpdateConfig(ctx, func(cfg *bot.Config) error {
		if err := statsConfig(cfg); err != nil {
			return err
		}
		cfg.QuickReplies = append(cfg.QuickReplies,
			bot.QuickReply{Shortcuts: []string{"/saldi", "/sconti"}, Text: "Saldi dal 7 gennaio."},
			bot.QuickReply{Shortcuts: []string{"/vecchio"}, Text: "Non più valido."})
		cfg.Holidays = []bot.Holiday{
			{From: "2026-11-01", To: "2026-11-01", Name: "Ognissanti"},                                 // past
			{From: "2026-11-29", To: "2026-12-01", Name: "Ferie"},                                      // running into the week
			{From: "2026-12-03", To: "2026-12-03", Name: "Patrono", Message: "Chiuso per il patrono."}, // inside
			{From: "2026-12-06", To: "2026-12-06"},                                                     // the last day of the 7
			{From: "2026-12-07", To: "2026-12-08", Name: "Immacolata"},                                 // after
		}
		return nil
	}); err != nil {
		t.Fatalf("configure: %v", err)
	}
	use := func(shortcut string, n int, at time.Time) {
		for range n {
			if err := sb.db.RecordShortcutUse(ctx, shortcut, true, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	use("/orari", 6, digestMonday.AddDate(0, 0, -10))    // used enough
	use("/saldi", 2, digestMonday.AddDate(0, 0, -10))    // 2 + 2 = 4: stale
	use("/sconti", 2, digestMonday.AddDate(0, 0, -80))   //
	use("/vecchio", 10, digestMonday.AddDate(0, 0, -91)) // only long ago: stale
	if _, err := sb.b.SetKillSwitch(ctx, bot.KillSwitch{Off: true}); err != nil {
		t.Fatal(err)
	}

	got, err := Digest(ctx, sb.b)
	if err != nil {
		t.Fatalf("Digest: %v", err)
	}
	t.Logf("digest:\n%s", got)
	for _, want := range []string{
		"Weekly digest, 2026-11-30",
		// 23-27 November: 3 messages a day; 28-29: one each. Replies: the
		// keyword on 23-27, the away message on 28-29. Waits answered:
		// mornings 4, 8, 12, 16, 20 min, evenings of 23-26 15 min each.
		"Last 7 days: 17 customer messages from 11 customers, 7 automatic replies. Your median first response: 15 min.",
		"Holidays in the next 7 days (closed all day):\n• 2026-11-29..2026-12-01 Ferie\n• 2026-12-03 Patrono (with its own away message)\n• 2026-12-06\n\n",
		"Quick replies used fewer than 5 times in 90 days (remove with !qr del /shortcut):\n• /saldi /sconti: used 4 times\n• /vecchio: used 0 times\n\n",
		// 10:02 on the 20 weekdays from 2 to 27 November.
		"Questions asked 20+ times in 30 days that nothing answers yet:\n• “grazie ordine n #” asked 20 times: !qr add /grazie <answer>\n\n",
		"!check found:\n• ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	for _, bad := range []string{"Ognissanti", "Immacolata", "/orari:", "Nothing needs your attention"} {
		if strings.Contains(got, bad) {
			t.Errorf("digest mentions %q", bad)
		}
	}
	findings, err := Findings(ctx, sb.b)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("the kill switch is on, yet !check finds nothing")
	}
	for _, f := range findings {
		if !strings.Contains(got, "• "+f) {
			t.Errorf("digest lacks the !check finding %q", f)
		}
	}

	// In Italian.
	if err := sb.b.UpdateConfig(ctx, func(cfg *bot.Config) error { cfg.Lang = "it"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err = Digest(ctx, sb.b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Riepilogo settimanale, 2026-11-30", "Ultimi 7 giorni: 17 messaggi da 11 clienti", "!qr add /grazie <risposta>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Italian digest lacks %q:\n%s", want, got)
		}
	}
}

func TestDigestNothingToSay(t *testing.T) {
	ctx := context.Background()
	sb := newTestBot(t, withSelf("39021234567"), withStart(digestMonday), withHostZone(time.UTC))
	if err := sb.b.UpdateConfig(ctx, func(cfg *bot.Config) error {
		cfg.TimeZone = "Europe/Rome"
		cfg.Hours.Set = true
		for d := time.Monday; d <= time.Friday; d++ {
			cfg.Hours.Days[d] = []bot.Window{{Start: 9 * 60, End: 18 * 60}}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := Digest(ctx, sb.b)
	if err != nil {
		t.Fatal(err)
	}
	want := "Weekly digest, 2026-11-30\nLast 7 days: 0 customer messages from 0 customers, 0 automatic replies.\n\nNothing needs your attention this week."
	if got != want {
		t.Errorf("Digest =\n%s\nwant\n%s", got, want)
	}
}

// TestDigestSentOnMondays runs the digest through the bot's own hook
// (Options.Digest, called from Tick): Monday 09:00 business time, once a
// week, only while !digest is on.
func TestDigestSentOnMondays(t *testing.T) {
	ctx := context.Background()
	const owner = bot.UserID("39021234567")
	tb := newTestBot(t, withSelf(owner), withStart(time.Date(2026, 11, 28, 12, 0, 0, 0, statsZone)), // Saturday
		withHostZone(time.UTC), withCommands(digestCommand()), withDigest(Digest))
	if err := tb.b.UpdateConfig(ctx, func(cfg *bot.Config) error { cfg.TimeZone = "Europe/Rome"; return nil }); err != nil {
		t.Fatal(err)
	}
	if sent := tb.runSent("!digest on"); len(sent) != 1 || !strings.Contains(sent[0].Text, "Weekly digest on") {
		t.Fatalf("!digest on answered %+v", sent)
	}
	if !tb.b.Config().Digest {
		t.Fatal("!digest on did not switch the digest on")
	}
	steps := []struct {
		at      time.Time
		digests int
	}{
		{time.Date(2026, 11, 28, 12, 0, 0, 0, statsZone), 0},
		{time.Date(2026, 11, 30, 8, 59, 0, 0, statsZone), 0},
		{time.Date(2026, 11, 30, 9, 0, 0, 0, statsZone), 1},
		{time.Date(2026, 11, 30, 9, 30, 0, 0, statsZone), 0},
		{time.Date(2026, 12, 2, 9, 0, 0, 0, statsZone), 0},
		{time.Date(2026, 12, 7, 9, 0, 1, 0, statsZone), 1},
	}
	for _, s := range steps {
		tb.clock.Set(s.at)
		tb.tick()
		n := 0
		for _, m := range tb.msg.Take() {
			if m.To == owner && strings.HasPrefix(m.Text, "Weekly digest, ") {
				n++
			}
		}
		if n != s.digests {
			t.Errorf("at %v: %d digests sent, want %d", s.at, n, s.digests)
		}
	}

	if sent := tb.runSent("!digest off"); len(sent) != 1 || !strings.Contains(sent[0].Text, "Weekly digest off") {
		t.Fatalf("!digest off answered %+v", sent)
	}
	tb.clock.Set(time.Date(2026, 12, 14, 9, 0, 0, 0, statsZone))
	tb.tick()
	if sent := tb.msg.Take(); len(sent) != 0 {
		t.Errorf("digest off, yet sent %+v", sent)
	}
}

func TestDigestCommand(t *testing.T) {
	tests := []struct {
		name, text, want string
		wantOn           bool
	}{
		{"status when off", "!digest", "The weekly digest is off.", false},
		{"on", "!digest on", "Weekly digest on", true},
		{"off", "!digest off", "Weekly digest off.", false},
		{"show now", "!digest show", "Weekly digest, 2026-11-30", false},
		{"unknown option", "!digest weekly", "Unknown option \"weekly\".\nUsage: !digest on|off|show", false},
		{"extra words refused", "!digest on please", "Unexpected \"please\"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newTestBot(t, withSelf("39021234567"), withStart(digestMonday), withHostZone(time.UTC), withCommands(digestCommand()))
			sent := sb.runSent(tt.text)
			if len(sent) != 1 || !strings.Contains(sent[0].Text, tt.want) {
				t.Errorf("%s answered %+v, want one answer containing %q", tt.text, sent, tt.want)
			}
			if got := sb.b.Config().Digest; got != tt.wantOn {
				t.Errorf("digest setting %v, want %v", got, tt.wantOn)
			}
		})
	}
}
