package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitReply(t *testing.T) {
	line := func(c string, n int) string { return strings.Repeat(c, n) }
	cases := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"short text unchanged", "hello\nworld", 20, []string{"hello\nworld"}},
		{"exactly max unchanged", line("a", 20), 20, []string{line("a", 20)}},
		{"split at line breaks", line("a", 10) + "\n" + line("b", 10) + "\n" + line("c", 10), 30, []string{"(1/2)\n" + line("a", 10) + "\n" + line("b", 10), "(2/2)\n" + line("c", 10)}},
		{"long line cut at a character boundary", line("é", 25), 20, []string{"(1/3)\n" + line("é", 12), "(2/3)\n" + line("é", 12), "(3/3)\né"}},
		{"long line between short ones", "ab\n" + line("x", 30) + "\ncd", 30, []string{"(1/3)\nab", "(2/3)\n" + line("x", 22), "(3/3)\n" + line("x", 8) + "\ncd"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SplitReply(c.text, c.max)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("SplitReply(%q, %d) =\n%q\nwant\n%q", c.text, c.max, got, c.want)
			}
		})
	}
}

// TestSplitReplyLimits checks, on a realistic long answer, that every part
// fits, that parts are numbered, and that nothing is lost.
func TestSplitReplyLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		b.WriteString("/short — a line of a long list, with some words\n")
	}
	b.WriteString(strings.Repeat("😀", 9000))
	text := b.String()
	parts := SplitReply(text, MaxReplyRunes)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want several", len(parts))
	}
	var back strings.Builder
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > MaxReplyRunes {
			t.Errorf("part %d has %d characters", i+1, n)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i+1)
		}
		label, body, _ := strings.Cut(p, "\n")
		if want := fmt.Sprintf("(%d/%d)", i+1, len(parts)); label != want {
			t.Errorf("part %d label %q, want %q", i+1, label, want)
		}
		back.WriteString(body)
	}
	if strings.ReplaceAll(back.String(), "\n", "") != strings.ReplaceAll(text, "\n", "") {
		t.Error("the parts do not add up to the text")
	}
}
