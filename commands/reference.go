package commands

import (
	"fmt"
	"strings"
)

// Reference is the command reference in Markdown, written from the command
// table: docs/commands.md is this text, and a test keeps it so.
func Reference() string {
	var b strings.Builder
	b.WriteString("# Owner commands\n\n")
	b.WriteString("<!-- Written from the command table by commands.Reference; a test checks it.\n")
	b.WriteString("     To change it, change the table and run: go test ./commands -run TestReference -update -->\n\n")
	b.WriteString("Commands start with `!` and are typed in the \"Message yourself\" chat (or by a\n")
	b.WriteString("team member in their own chat with the business). Case does not matter; every\n")
	b.WriteString("command answers in the chat it came from, and a wrong one changes nothing and\n")
	b.WriteString("says what was wrong. Customers can never run commands.\n\n")
	for _, c := range Commands() {
		writeReference(&b, c, "!"+c.Name, 2)
	}
	return b.String()
}

func writeReference(b *strings.Builder, c *Command, path string, level int) {
	if level == 2 {
		fmt.Fprintf(b, "## `%s`\n\n", path)
		if c.Help != "" {
			fmt.Fprintf(b, "%s\n\n", c.Help)
		}
	}
	if c.Usage != "" {
		fmt.Fprintf(b, "- `%s`", c.Usage)
		if level > 2 && c.Help != "" {
			fmt.Fprintf(b, ": %s", c.Help)
		}
		b.WriteString("\n")
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "%s  also written: %s\n", strings.Repeat("  ", level-2), "`"+strings.Join(c.Aliases, "`, `")+"`")
	}
	for _, sub := range c.Subcommands {
		writeReference(b, sub, path+" "+sub.Name, level+1)
	}
	if level == 2 {
		if c.Example != "" {
			fmt.Fprintf(b, "\nExample: `%s`\n", c.Example)
		}
		b.WriteString("\n")
	}
}
