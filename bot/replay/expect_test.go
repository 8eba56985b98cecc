package replay

import (
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

const (
	self  bot.UserID = "15550100"
	mario bot.UserID = "393331234567"
	anna  bot.UserID = "393337654321"
	lid   bot.UserID = "lid:987"
)

var t0 = time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)

func txt(chat bot.UserID, s string) Output { return Output{Kind: OutText, Chat: chat, Text: s, At: t0} }

func TestMatcherCheck(t *testing.T) {
	tests := []struct {
		name    string
		pending []Output
		expect  Expect
		ok      bool
		left    int    // pending outputs left afterwards
		report  string // part of the failure report
	}{
		{"exact next holds", []Output{txt(mario, "Hi Mario!"), txt(mario, "second")},
			Expect{Chat: mario, Text: "Hi Mario!"}, true, 1, ""},
		{"exact is exact", []Output{txt(mario, "Hi Mario!")},
			Expect{Chat: mario, Text: "hi mario!"}, false, 0, `exactly "hi mario!"`},
		{"only the next counts", []Output{txt(mario, "first"), txt(mario, "Hi")},
			Expect{Chat: mario, Text: "Hi"}, false, 1, `"first"`},
		{"other chats stay pending", []Output{txt(anna, "for anna"), txt(mario, "Hi")},
			Expect{Chat: mario, Text: "Hi"}, true, 1, ""},
		{"contains ignores case", []Output{txt(mario, "Fill in https://Example.com/order")},
			Expect{Chat: mario, Text: "EXAMPLE.com", Contains: true}, true, 0, ""},
		{"nothing pending", []Output{txt(anna, "x")},
			Expect{Chat: mario, Text: "Hi"}, false, 1, "pending for +393331234567: nothing"},
		{"text does not match an edit", []Output{{Kind: OutEdit, Chat: mario, Text: "Hi", ID: "o1", At: t0}},
			Expect{Chat: mario, Text: "Hi"}, false, 0, `edit of o1 "Hi"`},
		{"owner some matches and consumes earlier", []Output{txt(self, "a"), txt(mario, "m"), txt(self, "Zone: Europe/Rome"), txt(self, "c")},
			Expect{Owner: true, Text: "europe/rome", Contains: true}, true, 2, ""},
		{"owner exact", []Output{txt(self, "Away is on.")},
			Expect{Owner: true, Text: "Away is on."}, true, 0, ""},
		{"owner failure keeps pending", []Output{txt(self, "a"), txt(self, "b")},
			Expect{Owner: true, Text: "zzz", Contains: true}, false, 2, "pending for the owner:\n    2026-11-25 21:00:00 UTC  owner  text \"a\"\n    2026-11-25 21:00:00 UTC  owner  text \"b\""},
		{"image owner", []Output{txt(self, "link below"), {Kind: OutImage, Chat: self, Text: "https://wa.me/15550100", At: t0}},
			Expect{What: ExpectImage, Owner: true, Text: "wa.me", Contains: true}, true, 0, ""},
		{"image wanted, text given", []Output{txt(self, "https://wa.me/15550100")},
			Expect{What: ExpectImage, Owner: true, Text: "wa.me", Contains: true}, false, 1, "image whose caption"},
		{"edit of owner's last message", []Output{{Kind: OutEdit, Chat: mario, Text: "Open 9-18", ID: "own2", At: t0}},
			Expect{What: ExpectEdit, Chat: mario, Text: "Open 9-18"}, true, 0, ""},
		{"edit of an older message", []Output{{Kind: OutEdit, Chat: mario, Text: "Open 9-18", ID: "own1", At: t0}},
			Expect{What: ExpectEdit, Chat: mario, Text: "Open 9-18"}, false, 0, "(id own2)"},
		{"edit where the owner wrote nothing", []Output{{Kind: OutEdit, Chat: anna, Text: "x", ID: "zz", At: t0}},
			Expect{What: ExpectEdit, Chat: anna, Text: "x"}, false, 0, "the owner wrote nothing there"},
		{"edit wanted, new message sent", []Output{txt(mario, "Open 9-18")},
			Expect{What: ExpectEdit, Chat: mario, Text: "Open 9-18"}, false, 0, `text "Open 9-18"`},
		{"none holds", []Output{txt(self, "ok")},
			Expect{What: ExpectNone}, true, 1, ""},
		{"none fails on any customer", []Output{txt(self, "ok"), txt(anna, "hello")},
			Expect{What: ExpectNone}, false, 1, "nothing pending for any customer chat\n  pending:\n    2026-11-25 21:00:00 UTC  +393337654321  text \"hello\""},
		{"none chat ignores others", []Output{txt(anna, "hello")},
			Expect{What: ExpectNone, Chat: mario}, true, 1, ""},
		{"none chat fails", []Output{txt(mario, "hello")},
			Expect{What: ExpectNone, Chat: mario}, false, 0, "nothing pending for +393331234567"},
		{"none owner", []Output{txt(mario, "hello")},
			Expect{What: ExpectNone, Owner: true}, true, 1, ""},
		{"none owner fails", []Output{txt(self, "late messages")},
			Expect{What: ExpectNone, Owner: true}, false, 0, "nothing pending for the owner"},
		{"linked lid is the same chat", []Output{txt(lid, "Hi")},
			Expect{Chat: mario, Text: "Hi"}, true, 0, ""},
		{"phone chat seen under its lid", []Output{txt(mario, "Hi")},
			Expect{Chat: lid, Text: "Hi"}, true, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMatcher(self)
			m.Link(lid, mario)
			m.OwnerWrote(mario, "own1")
			m.OwnerWrote(mario, "own2")
			m.Add(tt.pending...)
			ok, report := m.Check(tt.expect)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v; report:\n%s", ok, tt.ok, report)
			}
			if ok && report != "" {
				t.Errorf("report on success: %q", report)
			}
			if !ok && !strings.Contains(report, tt.report) {
				t.Errorf("report:\n%s\nwant it to contain:\n%s", report, tt.report)
			}
			if !ok && !strings.HasPrefix(report, "expected: ") {
				t.Errorf("report does not start with what was expected:\n%s", report)
			}
			if got := len(m.Pending()); got != tt.left {
				t.Errorf("%d pending left, want %d: %+v", got, tt.left, m.Pending())
			}
		})
	}
}

func TestMatcherOwnerConsumesInOrder(t *testing.T) {
	m := NewMatcher(self)
	m.Add(txt(self, "one"), txt(self, "two"), txt(self, "three"))
	if ok, r := m.Check(Expect{Owner: true, Text: "two"}); !ok {
		t.Fatalf("two: %s", r)
	}
	if ok, _ := m.Check(Expect{Owner: true, Text: "one"}); ok {
		t.Error("one was consumed by the match of two, yet matched again")
	}
	if ok, r := m.Check(Expect{Owner: true, Text: "three"}); !ok {
		t.Errorf("three: %s", r)
	}
}
