package commands

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeExamples runs every example of the README's command table
// through the real router, so the table cannot drift from the commands.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(![a-z]+)[^|]*\\|.*\\| `(![^`]+)` \\|$")
	rows := row.FindAllStringSubmatch(string(readme), -1)
	if len(rows) < 20 {
		t.Fatalf("found %d command rows in README.md, want the whole table", len(rows))
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r[1]] = true
	}
	for _, c := range Commands() {
		if !listed["!"+c.Name] && c.Name != "import" {
			t.Errorf("!%s is missing from the README's command table", c.Name)
		}
	}
	tb := newTestBot(t)
	for _, r := range rows {
		example := r[2]
		switch {
		case strings.HasPrefix(example, "!help"):
			// Help answers show a usage line on purpose.
			if a := tb.run(example); !strings.Contains(a, "Example") {
				t.Errorf("%q answered %q", example, a)
			}
			continue
		case strings.HasPrefix(example, "!on"):
			tb.run("!off")
		}
		tb.must(example)
	}
}
