package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

// fullConfig sets every field, so a round trip that drops one shows.
func fullConfig() bot.Config {
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Lang = "it"
	cfg.Hours.Set = true
	cfg.Hours.Days[time.Monday] = []bot.Window{{Start: 540, End: 780}, {Start: 840, End: 1080}}
	cfg.Hours.Days[time.Saturday] = []bot.Window{{Start: 1320, End: 120}}
	cfg.Holidays = []bot.Holiday{{From: "2026-12-24", To: "2027-01-06", Name: "Natale", Message: "Chiusi, riapriamo {next_open}."}}
	cfg.Away = bot.AwayConfig{On: true, Text: "Chiusi; rispondiamo {next_open}.", When: bot.WhenAlways, AfterMinutes: 30,
		Shifts: []bot.Shift{{Window: bot.Window{Start: 1020, End: 1440}, Text: "Turno serale"}}}
	cfg.Greeting = bot.GreetingConfig{On: true, Text: "Ciao {name}!", When: bot.WhenOpen, AfterDays: 30,
		Shifts: []bot.Shift{{Window: bot.Window{Start: 540, End: 1020}, Text: "Buongiorno"}}}
	cfg.Keywords = []bot.Keyword{{ID: 3, Phrases: []string{"prezzo", "quanto costa"}, Text: "Vedi {website}"}}
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/orari", "/ore"}, Text: "{hours}", Private: true,
		Created: time.Date(2026, 1, 2, 3, 4, 5, 6, mustZone("Europe/Rome"))}}
	cfg.Profile = bot.Profile{Name: "Bar Sport", About: "Dal 1960", Website: "https://example.com", Booking: "https://example.com/b",
		Catalog: "https://example.com/c", Phone: "+39 02 1234567", Address: "Via Roma 1"}
	cfg.Admins = []bot.UserID{"393331234567"}
	cfg.HolidayCountry = "IT"
	cfg.Digest = true
	return cfg
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for name, cfg := range map[string]bot.Config{"full": fullConfig(), "default": bot.DefaultConfig()} {
		t.Run(name, func(t *testing.T) {
			first, err := EncodeConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeConfig(first, "")
			if err != nil {
				t.Fatalf("decode own export: %v\n%s", err, first)
			}
			second, err := EncodeConfig(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Errorf("export, import, export differ:\n%s\n---\n%s", first, second)
			}
			if !bytes.HasPrefix(first, []byte("{\n  \"frontdesk\": 1,\n  \"config\": {\n    \"time_zone\"")) {
				t.Errorf("not the documented layout:\n%s", first)
			}
			if bytes.Contains(first, []byte("null")) {
				t.Errorf("null in the export:\n%s", first)
			}
		})
	}
	back, _ := DecodeConfig(mustEncode(t, fullConfig()), "")
	if q := back.QuickReplies[0]; !q.Created.Equal(fullConfig().QuickReplies[0].Created) || !q.Private {
		t.Errorf("quick reply changed: %+v", q)
	}
}

func mustEncode(t *testing.T, cfg bot.Config) []byte {
	t.Helper()
	b, err := EncodeConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeConfigRefuses(t *testing.T) {
	good := string(mustEncode(t, fullConfig()))
	tests := []struct {
		name, doc, want string
	}{
		{"empty", "", "cut short"},
		{"broken JSON", `{"frontdesk": 1, "config": {`, "cut short"},
		{"syntax", `{"frontdesk": 1,, }`, "broken JSON at character"},
		{"not an object", `[1, 2]`, "not a frontdesk export"},
		{"no marker", `{"config": {}}`, `"frontdesk" marker is missing`},
		{"future version", `{"frontdesk": 2, "config": {}}`, "export format 2 is not supported"},
		{"no config", `{"frontdesk": 1}`, `"config" part is missing`},
		{"unknown field", strings.Replace(good, `"digest"`, `"digets"`, 1), `unknown field "digets"`},
		{"wrong type", strings.Replace(good, `"after_minutes": 30`, `"after_minutes": "30"`, 1), "config.away.after_minutes should be a whole number, not a JSON string"},
		{"bad time", strings.Replace(good, `"2026-01-02T02:04:05.000000006Z"`, `"yesterday"`, 1), "is not a time"},
		{"text after", good + " hello", "more text after"},
		{"second document", good + good, "more text after"},
		{"out of range", strings.Replace(good, `"after_minutes": 30`, `"after_minutes": 90`, 1), "away.after_minutes: 90 is out of range 5-60"},
		{"several problems named", strings.Replace(strings.Replace(good, `"Europe/Rome"`, `"Mars/Base"`, 1), `"lang": "it"`, `"lang": "xx"`, 1),
			`time_zone: "Mars/Base" is not a known IANA time zone`},
		{"bad admin", strings.Replace(good, `"393331234567"`, `"12"`, 1), "admins[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := DecodeConfig([]byte(tt.doc), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want error with %q, got %v", tt.want, err)
			}
			if !reflect.DeepEqual(cfg, bot.Config{}) {
				t.Errorf("a refused document returned a configuration: %+v", cfg)
			}
		})
	}
	if !strings.Contains(good, `"after_minutes": 30`) || !strings.Contains(good, `"2026-01-02T02:04:05.000000006Z"`) {
		t.Fatalf("the test edits no longer apply to the export:\n%s", good)
	}
}

func TestExportImportCommands(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00", "!away text Closed; back {next_open}.", "!away on",
		"!qr add /time We are open {hours}.", "!kw add price, cost = See {website}", "!admin add +39 333 1234567",
		"!holiday add 2026-12-24..2026-12-26 Merry Christmas!")
	first := ob.owner("!export")
	if !json.Valid([]byte(first)) || !strings.HasPrefix(first, "{\n") {
		t.Fatalf("!export is not one JSON document:\n%s", first)
	}
	want := ob.b.Config()

	// Change things, then paste the document back as it is.
	ob.must("!away off", "!kw del 1", "!tz America/New_York")
	got := ob.owner(first)
	contains(t, "pasted", got, "Configuration imported: away on, greeting off, 1 keyword answers, 1 quick replies, 1 holidays, 1 admins.")
	if second := ob.owner("!export"); second != first {
		t.Errorf("export, import, export differ:\n%s\n---\n%s", first, second)
	}
	saved, ok, err := ob.db.LoadConfig(context.Background())
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if a, b := mustEncode(t, saved), mustEncode(t, want); !bytes.Equal(a, b) {
		t.Errorf("saved configuration differs from the exported one:\n%s\n---\n%s", a, b)
	}

	// Compact JSON (no space after the first brace) is a document too.
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(first)); err != nil {
		t.Fatal(err)
	}
	ob.must("!away off")
	contains(t, "compact", ob.owner(compact.String()), "Configuration imported: away on")

	// "!import <doc>" works too, and a refused document changes nothing.
	contains(t, "!import", ob.owner("!import "+first), "Configuration imported")
	before := ob.b.Config()
	bad := strings.Replace(first, `"after_minutes": 15`, `"after_minutes": 99`, 1)
	contains(t, "refused", ob.owner(bad), "Import refused, nothing was changed: invalid configuration: away.after_minutes: 99 is out of range 5-60")
	contains(t, "curly", ob.owner(strings.ReplaceAll(first, `"`, "“")), "curly quotes")
	contains(t, "empty", ob.owner("!import"), "Paste the document that !export sent.\nUsage: !import")
	if !reflect.DeepEqual(before, ob.b.Config()) {
		t.Errorf("a refused import changed the configuration")
	}
	saved, _, _ = ob.db.LoadConfig(context.Background())
	if !bytes.Equal(mustEncode(t, saved), mustEncode(t, before)) {
		t.Errorf("a refused import changed the saved configuration")
	}

	// Admins may export but not import.
	ob.from("393331234567", "!export")
	if got := ob.answers("393331234567"); got != first {
		t.Errorf("admin export: %q", got)
	}
	ob.from("393331234567", first)
	contains(t, "admin import", ob.answers("393331234567"), "Only the owner can import a configuration.")
}

func TestImportSwitchesLanguage(t *testing.T) {
	ob := newTestBot(t)
	doc := mustEncode(t, fullConfig())
	contains(t, "italian", ob.owner(string(doc)), "Configurazione importata: assenza attivo")
	if ob.b.Config().Lang != "it" {
		t.Errorf("language not imported")
	}
}
