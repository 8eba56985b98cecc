package bot

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// One automatic message carries at most one file: a second keyword answer
// with a file is skipped, with its reason, and not counted as sent (so it
// answers the next message that asks for it).
func TestSecondKeywordFileIsSkippedNotSilenced(t *testing.T) {
	pdf := &MediaRef{SHA256: strings.Repeat("a", 64), Mime: MimePDF, FileName: "prices.pdf", Size: 10}
	photo := &MediaRef{SHA256: strings.Repeat("b", 64), Mime: MimeJPEG, Size: 10}
	v := shop(t, func(c *Config) {
		c.Keywords = []Keyword{
			{ID: 1, Phrases: []string{"prices"}, Text: "Our prices", Media: pdf},
			{ID: 2, Phrases: []string{"menu"}, Text: "Our menu", Media: photo},
			{ID: 3, Phrases: []string{"hours"}, Text: "Open 9-18"},
		}
	})
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	d := decide(v, Input{Text: "prices, menu and hours?", Now: now, Sent: now})
	if !slices.Equal(d.KeywordIDs, []int{1, 3}) {
		t.Errorf("keywords sent %v, want [1 3]: the menu's photo cannot go in the same message", d.KeywordIDs)
	}
	if d.Attachment == nil || d.Attachment.Media != pdf {
		t.Errorf("attachment %+v, want the prices PDF", d.Attachment)
	}
	if got := d.Text(); strings.Contains(got, "Our menu") || !strings.Contains(got, "Our prices") || !strings.Contains(got, "Open 9-18") {
		t.Errorf("text %q, want the prices and hours answers only", got)
	}
	var skipped []string
	for _, s := range d.Skipped {
		skipped = append(skipped, s.Error())
	}
	if !slices.Contains(skipped, "keyword: only one file per message") {
		t.Errorf("skipped %q, want the menu's answer skipped for its file", skipped)
	}
	// The photo answer goes with the next message that asks for it.
	in := Input{Text: "menu", Now: now.Add(time.Minute), Sent: now.Add(time.Minute)}
	in.Customer.KeywordSent = map[int]time.Time{1: now, 3: now}
	if d := decide(v, in); !slices.Equal(d.KeywordIDs, []int{2}) || d.Attachment == nil || d.Attachment.Media != photo {
		t.Errorf("the next message got keywords %v with %+v, want the menu's photo", d.KeywordIDs, d.Attachment)
	}
	// A quick reply's file counts too.
	v = shop(t, func(c *Config) {
		c.QuickReplies = []QuickReply{{Shortcuts: []string{"/card"}, Text: "Our card", Media: photo}}
		c.Keywords = []Keyword{{ID: 1, Phrases: []string{"card"}, Text: "Our prices", Media: pdf}}
	})
	if d := decide(v, Input{Text: "/card", Now: now, Sent: now}); len(d.KeywordIDs) != 0 || d.Attachment.Media != photo {
		t.Errorf("/card got keywords %v with %+v, want the quick reply's photo and no keyword", d.KeywordIDs, d.Attachment)
	}
}
