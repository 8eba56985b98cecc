package bot

import (
	"strings"
	"testing"
	"time"
)

// TestMenuRendersPlaceholdersAndNamesFiles: /menu shows each entry's first
// words as the customer would get them (placeholders worded, in the
// variant's language), and a file sent without a caption as "photo" or
// "document", in the menu's language (the customer's when some entry was
// in it, else the owner's, as "and %d more").
func TestMenuRendersPlaceholdersAndNamesFiles(t *testing.T) {
	pdf := &MediaRef{SHA256: strings.Repeat("a", 64), Mime: MimePDF, FileName: "listino.pdf", Size: 10}
	photo := &MediaRef{SHA256: strings.Repeat("b", 64), Mime: MimeJPEG, Size: 10}
	v := shop(t, func(c *Config) {
		c.Lang = "it"
		c.Profile.Website = "barroma.it"
		c.QuickReplies = []QuickReply{
			{Shortcuts: []string{"/orari"}, Text: "Apriamo {next_open}, vedi {website}", Variants: Variants{"de": "Wir öffnen {next_open}, siehe {website}"}},
			{Shortcuts: []string{"/pdf"}, Media: pdf},
			{Shortcuts: []string{"/foto"}, Media: photo},
			{Shortcuts: []string{"/sito"}, Text: "{website}"},
		}
	})
	now := time.Date(2026, 11, 25, 21, 0, 0, 0, v.sched.Loc)
	for _, tt := range []struct{ name, id, want string }{
		{"Italian number: the owner's texts", "+393331234567",
			"/orari – Apriamo domani alle 09:00, vedi barroma.it\n/pdf – documento\n/foto – foto\n/sito – barroma.it"},
		{"German number: the variant, labels in German", "+491511234567",
			"/orari – Wir öffnen morgen um 09:00, siehe…\n/pdf – Dokument\n/foto – Foto\n/sito – barroma.it"},
		{"French number, no French entry: the owner's language", "+33612345678",
			"/orari – Apriamo domani alle 09:00, vedi barroma.it\n/pdf – documento\n/foto – foto\n/sito – barroma.it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(v, Input{Text: "/menu", Now: now, Sent: now, Customer: Customer{ID: PhoneID(tt.id), Known: true}})
			if len(d.Parts) == 0 || d.Parts[0].Rule != RuleMenu {
				t.Fatalf("no menu: %+v", d)
			}
			if got := d.Parts[0].Text; got != tt.want {
				t.Errorf("menu:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
