package bot

import "testing"

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Richiesta ORDINE!", "richiesta ordine"},
		{"  richiesta   ordine  ", "richiesta ordine"},
		{"perché", "perche"},
		{"Perché?!", "perche"},
		{"Caffè, tè e cioccolata", "caffe te e cioccolata"},
		{"ÀÉÎÕÜ ñ ç", "aeiou n c"},
		{"e\u0301", "e"}, // decomposed accent
		{"Straße", "straße"},
		{"l'orario", "l orario"},
		{"order #123-45", "order 123 45"},
		{"ok 😀 grazie", "ok grazie"},
		{"Привет МИР", "привет мир"},
		{"", ""},
		{"!!!", ""},
		{"tab\tnew\nline", "tab new line"},
		{"bad \xff\xfe utf8 é", "bad utf8 e"},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMatchPhrase(t *testing.T) {
	cases := []struct {
		text, phrase string
		want         bool
	}{
		{"Buongiorno, RICHIESTA ordine per domani!", "richiesta ordine", true},
		{"richiestaordine", "richiesta ordine", false},
		{"richiesta ordinen", "richiesta ordine", false},
		{"una richiesta, ordine", "richiesta ordine", true},
		{"perche chiudete", "perché", true},
		{"Perché?", "perche", true},
		{"prezzo", "prezzi", false},
		{"i prezzi", "prezzi", true},
		{"aprezzi prezzi", "prezzi", true}, // first hit is inside a word, second is whole
		{"prezzi", "", false},
		{"", "prezzi", false},
		{"orari", "orari di apertura", false},
	}
	for _, c := range cases {
		if got := MatchPhrase(Fold(c.text), Fold(c.phrase)); got != c.want {
			t.Errorf("MatchPhrase(%q, %q) = %v, want %v", c.text, c.phrase, got, c.want)
		}
	}
}

func TestMaskNumbers(t *testing.T) {
	cases := []struct{ in, want string }{
		{"order 1234 for 2 people", "order # for # people"},
		{"a1b22c", "a#b#c"},
		{"no digits", "no digits"},
		{"", ""},
	}
	for _, c := range cases {
		if got := MaskNumbers(c.in); got != c.want {
			t.Errorf("MaskNumbers(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkFoldASCII(b *testing.B) {
	for b.Loop() {
		Fold("Hello, do you have the blue shirt in size M? Thanks!")
	}
}

func BenchmarkFoldAccented(b *testing.B) {
	for b.Loop() {
		Fold("Buongiorno, perché il negozio è chiuso? Vorrei un caffè.")
	}
}
