package commands

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

// setup is a configuration with something in every family, so refusals
// are tested against a non-empty state.
var setup = []string{
	"!tz Europe/Rome",
	"!hours mon-fri 09:00-13:00 14:00-18:00",
	"!away text Closed now, back {next_open}.",
	"!away on",
	"!away shift 18:00-22:00 Evening shift: back {next_open}.",
	"!greeting text Welcome to {business}!",
	"!kw add price, how much = Prices: {website}",
	"!qr add /time Open Monday to Friday.",
	"!qr alias /time /hours",
	"!holiday add 2026-12-24..2026-12-26 Merry Christmas!",
	"!profile name Bottega Rossi",
}

func TestAccepted(t *testing.T) {
	tests := []struct {
		line   string
		answer string // substring of the answer
		check  func(t *testing.T, cfg bot.Config, k bot.KillSwitch)
	}{
		{"!tz America/New_York", "America/New_York", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.TimeZone, "America/New_York")
		}},
		{"!tz europe/london", "Europe/London", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.TimeZone, "Europe/London") }},
		{"!tz", "Europe/Rome", nil},
		{"!away off", "off", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Away.On, false) }},
		{"!AWAY TEXT  We are  closed.\nBack {next_open}. ", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Away.Text, "We are  closed.\nBack {next_open}.")
		}},
		{"!away when always", "always", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Away.When, bot.WhenAlways) }},
		{"!away after 60", "60", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Away.AfterMinutes, 60) }},
		{"!away after 5", "5", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Away.AfterMinutes, 5) }},
		{"!away", "Text: “Closed now", nil},
		{"!away shift 22:00-02:00 Night", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Away.Shifts), 2) }},
		{"!away shift 18:00-22:00 Replaced", "replaced", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Away.Shifts, []bot.Shift{{Window: bot.Window{Start: 18 * 60, End: 22 * 60}, Text: "Replaced"}})
		}},
		{"!away shift del 18:00-22:00", "deleted", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Away.Shifts), 0) }},
		{"!away shift list", "18:00-22:00 “Evening shift", nil},
		{"!greeting on", "on", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Greeting.On, true) }},
		{"!greeting when open", "open", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Greeting.When, bot.WhenOpen) }},
		{"!greeting after 365", "365", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Greeting.AfterDays, 365) }},
		{"!greeting shift 09:00-17:00 Good morning", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Greeting.Shifts), 1) }},
		{"!kw add Richiesta ordine ,  perché = Scrivici pure.", "2", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Keywords[1], bot.Keyword{ID: 2, Phrases: []string{"Richiesta ordine", "perché"}, Text: "Scrivici pure."})
		}},
		{"!kw list", "1. price, how much = Prices: {website}", nil},
		{"!kw del 1", "deleted (price, how much)", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Keywords), 0) }},
		{"!qr add /Ship_EU Shipping 3-5 days.", "/ship_eu saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			q := cfg.QuickReplies[1]
			eq(t, q.Shortcuts, []string{"/ship_eu"})
			eq(t, q.Text, "Shipping 3-5 days.")
			if !q.Created.Equal(time.Date(2026, 11, 25, 10, 0, 0, 0, rome)) {
				t.Errorf("created %v", q.Created)
			}
		}},
		{"!qr add /times Similar", "very similar to /time", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.QuickReplies), 2) }},
		{"!qr alias /hours /orari /ore_x", "/time /hours /orari /ore_x", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.QuickReplies[0].Shortcuts, []string{"/time", "/hours", "/orari", "/ore_x"})
		}},
		{"!qr list", "/time /hours — Open Monday", nil},
		{"!qr list /ho", "/time /hours", nil},
		{"!qr show /HOURS", "Open Monday to Friday.", nil},
		{"!qr del /hours", "all its shortcuts: /time /hours", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.QuickReplies), 0) }},
		{"!qr private /time", "private", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.QuickReplies[0].Private, true) }},
		{"!qr stale", "/time /hours: used 0 times (added 0 days ago)", nil},
		{"!qr stats", "/time: 0 (you 0, customers 0); 0", nil},
		{"!hours sat 10:00-14:00", "Sat 10:00-14:00", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Hours.Days[time.Saturday], []bot.Window{{Start: 600, End: 840}})
			eq(t, len(cfg.Hours.Days[time.Monday]), 2)
		}},
		{"!hours mon closed", "Mon closed", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Hours.Days[time.Monday]), 0) }},
		{"!hours", "Mon 09:00-13:00, 14:00-18:00", nil},
		{"!hours clear", "always open", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Hours.Set, false) }},
		{"!holiday add 2026-12-08", "2026-12-08", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Holidays[0], bot.Holiday{From: "2026-12-08", To: "2026-12-08"}) // sorted by date
		}},
		{"!holiday list", "1. 2026-12-24..2026-12-26 — “Merry Christmas!”", nil},
		{"!holiday del 1", "deleted", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, len(cfg.Holidays), 0) }},
		{"!profile website https://example.com/x", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) {
			eq(t, cfg.Profile.Website, "https://example.com/x")
		}},
		{"!profile phone +39 02 123 4567", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Profile.Phone, "+39 02 123 4567") }},
		{"!profile address Via Roma 1, Milano", "saved", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Profile.Address, "Via Roma 1, Milano") }},
		{"!profile name clear", "cleared", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Profile.Name, "") }},
		{"!profile", "name: Bottega Rossi", nil},
		{"!lang it", "italiano", func(t *testing.T, cfg bot.Config, _ bot.KillSwitch) { eq(t, cfg.Lang, "it") }},
		{"!off", "OFF", func(t *testing.T, _ bot.Config, k bot.KillSwitch) {
			eq(t, k, bot.KillSwitch{Off: true, Reason: "!off"})
		}},
		{"!on", "already", func(t *testing.T, _ bot.Config, k bot.KillSwitch) { eq(t, k.Off, false) }},
		{"!pause 1h30m", "today 11:30", func(t *testing.T, _ bot.Config, k bot.KillSwitch) {
			if !k.Off || !k.Until.Equal(time.Date(2026, 11, 25, 11, 30, 0, 0, rome)) {
				t.Errorf("kill switch %+v", k)
			}
		}},
		{"!pause 2d", "Friday 10:00", nil},
		{"!help", "!qr", nil},
		{"!help qr add", "!qr add /shortcut <text>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			tb := newTestBot(t)
			tb.must(setup...)
			answer := tb.run(tt.line)
			if !strings.Contains(answer, tt.answer) || (strings.Contains(answer, "\nUsage:") && !strings.HasPrefix(tt.line, "!help")) {
				t.Errorf("answer %q, want it to contain %q", answer, tt.answer)
			}
			if tt.check != nil {
				tt.check(t, tb.b.Config(), tb.b.KillSwitch())
				// What the bot holds is what it saved.
				if !sameJSON(tb.saved(), tb.b.Config()) {
					t.Errorf("saved config differs from the current one")
				}
			}
		})
	}
}

// sameJSON compares configurations as saved: nil and empty lists, and
// time zones of equal instants, are the same.
func sameJSON(a, b bot.Config) bool {
	norm := func(c bot.Config) string {
		for i := range c.QuickReplies {
			c.QuickReplies[i].Created = c.QuickReplies[i].Created.UTC()
		}
		j, _ := json.Marshal(c)
		return strings.ReplaceAll(string(j), "null", "[]")
	}
	return norm(a) == norm(b)
}

func eq[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// TestRefusedChangesNothing runs wrong inputs against a full setup: each
// must be answered with what is wrong (and the usage when it is a usage
// mistake), and leave configuration and kill switch exactly as they were.
func TestRefusedChangesNothing(t *testing.T) {
	long := strings.Repeat("é", 257)
	tests := []struct {
		line  string
		want  string // substring of the answer
		usage bool   // the answer must carry a usage line
	}{
		{"!xyz", "Unknown command !xyz. Type !help.", false},
		{"!tz Mars/Olympus", "not a known time zone", true},
		{"!tz Local", "not a known time zone", true},
		{"!tz Europe/Rome extra", "one zone name", true},
		{"!away maybe", "Unknown option \"maybe\"", true},
		{"!away text", "The text is missing.", true},
		{"!away text Hi {nome}", "unknown placeholder {nome}; valid ones are {name}", false},
		{"!away text " + long, "257 characters long; the limit is 256", false},
		{"!away when open", "\"open\" is not one of closed, always", true},
		{"!away when", "Say when", true},
		{"!away after 4", "4 is out of range: from 5 to 60 minutes", true},
		{"!away after 61", "out of range", true},
		{"!away after ten", "\"ten\" is not a number", true},
		{"!away on now", "Unexpected \"now\"", true},
		{"!away shift 17:00-19:00 Overlap", "overlaps the existing shift 18:00-22:00", false},
		{"!away shift 25:00-26:00 Bad", "Wrong time window", true},
		{"!away shift 09:00-10:00", "The text is missing.", true},
		{"!away shift del 09:00-10:00", "There is no shift 09:00-10:00. Shifts: 18:00-22:00.", false},
		{"!away shift del", "time window", true},
		{"!greeting when sometimes", "not one of always, open, closed", true},
		{"!greeting after 0", "out of range: from 1 to 365 days", true},
		{"!greeting after 366", "out of range", true},
		{"!kw add price", "Missing \"=\"", true},
		{"!kw add = text", "An empty phrase", true},
		{"!kw add a,,b = text", "An empty phrase", true},
		{"!kw add !!! = text", "no letters or digits", true},
		{"!kw add price =", "The text is missing.", true},
		{"!kw add price = {bogus}", "unknown placeholder {bogus}", false},
		{"!kw del 2", "There is no number 2: the list goes from 1 to 1.", true},
		{"!kw del 0", "There is no number 0", true},
		{"!kw del x", "\"x\" is not a number", true},
		{"!kw del", "Give the number", true},
		{"!qr add /x Too short", "needs 3 to 8", true},
		{"!qr add /toolongname Text", "needs 3 to 8", true},
		{"!qr add /wh@t Text", "only letters, digits and _", true},
		{"!qr add /TIME Something else", "/time already exists", false},
		{"!qr add /hours Something else", "/hours already exists", false},
		{"!qr add /menu Menu", "/menu is reserved", false},
		{"!qr add /new", "The text is missing.", true},
		{"!qr add", "Give a shortcut", true},
		{"!qr alias /nope /new", "There is no quick reply /nope.", false},
		{"!qr alias /time /hours", "/hours already exists", false},
		{"!qr alias /time /abc /abc", "/abc is given twice", true},
		{"!qr alias /time /ok /x", "needs 3 to 8", true},
		{"!qr alias /time", "at least one new one", true},
		{"!qr show /tim", "There is no quick reply /tim. Did you mean /time", false},
		{"!qr del /nope", "There is no quick reply /nope", false},
		{"!qr private", "Give one shortcut", true},
		{"!qr stats now", "not a page number", true},
		{"!qr list /a /b", "at most one prefix", true},
		{"!hours funday 09:00-10:00", "Wrong hours", true},
		{"!hours mon-fri", "Wrong hours", true},
		{"!hours mon 09:00-12:00 11:00-13:00", "overlap", true},
		{"!hours mon 9-5", "Wrong hours", true},
		{"!holiday add 2026-13-01", "\"2026-13-01\" is not a date", true},
		{"!holiday add 2026-12-31..2026-12-01", "ends (2026-12-01) before it starts (2026-12-31)", true},
		{"!holiday add 2026-01-01..2028-01-01", "longer than a year", true},
		{"!holiday add 2026-12-31 Bye {oops}", "unknown placeholder {oops}", false},
		{"!holiday add 2026-12-24..2026-12-26 Merry Christmas!", "already in the list", false},
		{"!holiday add", "Give a date", true},
		{"!holiday del 5", "There is no number 5", true},
		{"!holiday import XX 2026", "Cannot import", true},
		{"!holiday import IT twenty", "not a year", true},
		{"!holiday import IT", "country code", true},
		{"!profile name " + strings.Repeat("n", 26), "Too long: 26 characters; the limit is 25.", true},
		{"!profile about " + strings.Repeat("a", 141), "Too long: 141 characters; the limit is 140.", true},
		{"!profile website example.com", "not a web address", true},
		{"!profile booking ftp://example.com", "not a web address", true},
		{"!profile catalog https://", "not a web address", true},
		{"!profile phone call me", "not a phone number", true},
		{"!profile phone", "The value is missing.", true},
		{"!profile nickname Bob", "Unknown detail \"nickname\"", true},
		{"!lang klingon", "\"klingon\" is not a supported language", true},
		{"!lang en it", "\"en it\" is not a supported language", true},
		{"!pause", "one duration", true},
		{"!pause soon", "not a duration", true},
		{"!pause 30s", "out of range", true},
		{"!pause 31d", "out of range", true},
		{"!pause -1h", "out of range", true},
		{"!off now", "Unexpected", true},
		{"!on please", "Unexpected", true},
		{"!help nope", "Unknown command !nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.line[:min(len(tt.line), 50)], func(t *testing.T) {
			tb := newTestBot(t)
			tb.must(setup...)
			before := tb.state()
			answer := tb.run(tt.line)
			if !strings.Contains(answer, tt.want) {
				t.Errorf("answer %q, want it to contain %q", answer, tt.want)
			}
			if got := strings.Contains(answer, "\nUsage: !"); got != tt.usage {
				t.Errorf("answer %q: usage line shown %v, want %v", answer, got, tt.usage)
			}
			if strings.Contains(answer, "Sorry") {
				t.Errorf("a wrong input got an apology: %q", answer)
			}
			if after := tb.state(); !sameState(before, after) {
				t.Errorf("state changed:\nbefore %+v\nafter  %+v", before, after)
			}
			if !sameJSON(tb.saved(), before.Cfg) {
				t.Errorf("saved configuration changed")
			}
		})
	}
}

func TestAwayOnWithoutText(t *testing.T) {
	tb := newTestBot(t)
	before := tb.state()
	answer := tb.run("!away on")
	if after := tb.state(); after.Cfg.Away.On {
		// Allowed: then it must warn about the empty text.
		if !strings.Contains(answer, "empty") {
			t.Errorf("away on with empty text accepted without a warning: %q", answer)
		}
	} else {
		if !strings.Contains(answer, "no text yet") || !sameState(before, after) {
			t.Errorf("away on with empty text: answer %q", answer)
		}
	}
}

func TestAwayOnWithoutHoursWarns(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!away text Closed.")
	if a := tb.run("!away on"); !strings.Contains(a, "no opening hours") {
		t.Errorf("answer %q", a)
	}
}

func TestOffDiscardsAndSaysHowMany(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!away text We are closed.", "!away when always", "!away on", "!away after 5")
	tb.clock.Advance(time.Hour) // the owner has been idle
	for _, who := range []bot.UserID{"393331111111", "393332222222"} {
		tb.receive(who, "hi")
	}
	tb.msg.Take()
	pending, err := tb.db.PendingOutgoing(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	answer := tb.run("!off")
	want := len(pending)
	switch want {
	case 0:
		t.Skip("the engine sent the replies at once; nothing was left to discard")
	case 1:
		if !strings.Contains(answer, "1 waiting message was discarded") {
			t.Errorf("answer %q", answer)
		}
	default:
		if !strings.Contains(answer, "2 waiting messages were discarded") {
			t.Errorf("answer %q (pending %d)", answer, want)
		}
	}
}

func TestItalianAnswers(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!lang it")
	for line, want := range map[string]string{
		"!away after 3":     "3 è fuori intervallo: da 5 a 60 minuti.\nUso: !away after",
		"!away text Ciao":   "Testo del messaggio di assenza salvato.",
		"!xyz":              "Comando sconosciuto !xyz. Scrivi !help.",
		"!kw del 1":         "Non c'è nulla da eliminare",
		"!help":             "Comandi:",
		"!qr add /orari Lu": "Risposta rapida /orari salvata.",
	} {
		if a := tb.run(line); !strings.Contains(a, want) {
			t.Errorf("%s: answer %q, want %q", line, a, want)
		}
	}
}

func TestKeywordIDsNotReusedAfterMiddleDelete(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!kw add a = A", "!kw add b = B", "!kw add c = C", "!kw del 2", "!kw add d = D")
	var ids []int
	for _, k := range tb.b.Config().Keywords {
		ids = append(ids, k.ID)
	}
	eq(t, ids, []int{1, 3, 4})
}
