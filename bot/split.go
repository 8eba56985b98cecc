package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SplitReply cuts an owner answer longer than max characters into parts
// of at most max characters each, numbered "(1/3)", "(2/3)", ... on their
// first line. Parts end at line breaks; a single line longer than a part
// is cut at a character boundary. A text within max is returned as is.
func SplitReply(text string, max int) []string {
	if utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	// Room for the label "(n/m)\n"; a part count needs at most as many
	// digits as the text's length.
	digits := len(fmt.Sprint(utf8.RuneCountInString(text)))
	room := max - (2*digits + 4)
	if room < 1 {
		room = 1
	}
	var chunks []string
	var cur strings.Builder
	curRunes := 0
	flush := func() {
		if curRunes > 0 {
			chunks = append(chunks, strings.TrimSuffix(cur.String(), "\n"))
			cur.Reset()
			curRunes = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		// A line break at the end of a part is dropped, so it does not
		// count against the room.
		need := n
		if strings.HasSuffix(line, "\n") {
			need--
		}
		if curRunes+need > room {
			flush()
		}
		for need > room {
			cut := runeOffset(line, room)
			chunks = append(chunks, line[:cut])
			line = line[cut:]
			n -= room
			need -= room
		}
		cur.WriteString(line)
		curRunes += n
	}
	flush()
	parts := make([]string, len(chunks))
	for i, c := range chunks {
		parts[i] = fmt.Sprintf("(%d/%d)\n%s", i+1, len(chunks), c)
	}
	return parts
}

// runeOffset is the byte offset of the n-th character of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
