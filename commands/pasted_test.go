package commands

import (
	"reflect"
	"strings"
	"testing"

	"frontdesk/bot"
)

// TestLongExportPastedBackInParts: a configuration too long for one message
// comes from !export in numbered parts; pasted back in any order, the last
// part imports it, and nothing changes before.
func TestLongExportPastedBackInParts(t *testing.T) {
	cfg := manyConfig(120)
	src := newTestBot(t, withStored(cfg))
	var parts []string
	for _, s := range src.runSent("!export") {
		parts = append(parts, s.Text)
	}
	if len(parts) < 3 {
		t.Fatalf("!export came in %d parts; the test needs a document longer than three messages", len(parts))
	}
	want := src.b.Config()

	dst := newTestBot(t)
	before := dst.state()
	order := append([]string{parts[len(parts)-1]}, parts[:len(parts)-1]...)
	for i, p := range order[:len(order)-1] {
		if a := dst.owner(p); !strings.Contains(a, "received") {
			t.Fatalf("part %d answered %q", i+1, a)
		}
		if !sameState(before, dst.state()) {
			t.Fatalf("the configuration changed before the last part")
		}
	}
	if a := dst.owner(order[len(order)-1]); !strings.Contains(a, "imported") && !strings.Contains(a, "Imported") {
		t.Fatalf("the last part answered %q", a)
	}
	got := dst.b.Config()
	if !reflect.DeepEqual(got.Keywords, want.Keywords) || !reflect.DeepEqual(got.QuickReplies, want.QuickReplies) ||
		!reflect.DeepEqual(got.Holidays, want.Holidays) {
		t.Fatal("the imported configuration differs from the exported one")
	}
}

func TestPartLabel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		k, n int
		ok   bool
	}{
		{"(1/3)\n{", 1, 3, true},
		{"(3/3)\n  }", 3, 3, true},
		{"(4/3)\nx", 0, 0, false},
		{"(0/3)\nx", 0, 0, false},
		{"(1/3) x", 0, 0, false},
		{"(a/3)\nx", 0, 0, false},
		{"(1/999)\nx", 0, 0, false},
		{"hello", 0, 0, false},
	} {
		k, n, _, ok := bot.PartLabel(tc.in)
		if k != tc.k || n != tc.n || ok != tc.ok {
			t.Errorf("PartLabel(%q) = %d, %d, %v; want %d, %d, %v", tc.in, k, n, ok, tc.k, tc.n, tc.ok)
		}
	}
}
