package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

// testTable is a small table exercising every path of the router.
func testTable(got *[]string) []*Command {
	record := func(ctx context.Context, c *Call) error {
		*got = append(*got, strings.Join(c.Path, " ")+"|"+strings.Join(c.Args, ",")+"|"+c.Rest(0))
		return nil
	}
	return []*Command{
		helpCommand(),
		{
			Name: "away", Aliases: []string{"assente"}, Usage: "!away on|off|text <text>",
			Help: "Away message.", Example: "!away on", Run: record,
			Subcommands: []*Command{
				{Name: "on", Usage: "!away on", Run: record},
				{Name: "text", Usage: "!away text <text>", Run: func(ctx context.Context, c *Call) error {
					if c.Rest(0) == "" {
						return c.Usagef("The text is missing.")
					}
					return record(ctx, c)
				}},
				{Name: "shift", Usage: "!away shift <HH:MM-HH:MM> <text>", Run: record, Subcommands: []*Command{
					{Name: "del", Usage: "!away shift del <HH:MM-HH:MM>", Run: record},
				}},
			},
		},
		{Name: "group", Usage: "!group a|b", Subcommands: []*Command{{Name: "a", Run: record}}},
		{Name: "boom", Run: func(ctx context.Context, c *Call) error { panic("kaboom") }},
		{Name: "fail", Run: func(ctx context.Context, c *Call) error {
			return errors.New("save config: disk full")
		}},
		{Name: "refuse", Run: func(ctx context.Context, c *Call) error {
			return c.Userf("No way.")
		}},
	}
}

func TestRouterRoutes(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantRun string // what the command saw: path|args|rest
		answer  string // substring of the answer ("" = no answer)
	}{
		{"plain", "!away on", "away on||", ""},
		{"case-insensitive command and subcommand", "!AWAY On", "away on||", ""},
		{"leading spaces and space after bang", "  ! away on", "away on||", ""},
		{"alias", "!assente on", "away on||", ""},
		{"text keeps spacing and case", "!away text  Hi {name}!  Back  SOON ", "away text|Hi,{name}!,Back,SOON|Hi {name}!  Back  SOON", ""},
		{"text keeps line breaks", "!away text line one\nline two", "away text|line,one,line,two|line one\nline two", ""},
		{"nested subcommand", "!away shift del 09:00-17:00", "away shift del|09:00-17:00|09:00-17:00", ""},
		{"non-subcommand word goes to parent", "!away shift 09:00-17:00 Hello", "away shift|09:00-17:00,Hello|09:00-17:00 Hello", ""},
		{"parent run with no args", "!away", "away||", ""},
		{"unknown command", "!xyz", "", "Unknown command !xyz. Type !help."},
		{"bare bang", "!", "", "Type !help"},
		{"usage error shows the subcommand usage", "!away text", "", "The text is missing.\nUsage: !away text <text>"},
		{"group without subcommand", "!group", "", "What should !group do?\nUsage: !group a|b"},
		{"group with unknown subcommand", "!group zz", "", "Unknown option \"zz\".\nUsage: !group a|b"},
		{"panic is recovered", "!boom", "", "Sorry, something went wrong"},
		{"internal error gets an apology, not the error", "!fail", "", "Sorry, something went wrong"},
		{"user error shown as is", "!refuse", "", "No way."},
		{"help lists commands", "!help", "", "!away — Away message."},
		{"help of one command", "!help away", "", "Usage: !away on|off|text <text>\n  !away on"},
		{"help of a subcommand", "!help AWAY shift", "", "Usage: !away shift <HH:MM-HH:MM> <text>\n  !away shift del"},
		{"help with bang", "!help !away", "", "Example: !away on"},
		{"help of unknown", "!help nope", "", "Unknown command !nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran, answers []string
			r := NewRouter(testTable(&ran))
			c := NewCall(func(text string) error { answers = append(answers, text); return nil }, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
			r.Dispatch(context.Background(), c, tt.text)
			if tt.wantRun != "" {
				if len(ran) != 1 || ran[0] != tt.wantRun {
					t.Errorf("ran %q, want %q", ran, tt.wantRun)
				}
			} else if len(ran) != 0 {
				t.Errorf("ran %q, want nothing run", ran)
			}
			if tt.answer == "" {
				if len(answers) != 0 {
					t.Errorf("answers %q, want none", answers)
				}
				return
			}
			if len(answers) != 1 || !strings.Contains(answers[0], tt.answer) {
				t.Errorf("answers %q, want one containing %q", answers, tt.answer)
			}
			if strings.Contains(strings.Join(answers, ""), "disk full") {
				t.Errorf("internal error leaked to the user: %q", answers)
			}
		})
	}
}

func TestRouterItalian(t *testing.T) {
	var ran, answers []string
	r := NewRouter(testTable(&ran))
	c := NewCall(func(text string) error { answers = append(answers, text); return nil }, time.Now())
	c.SetLang("it")
	r.Dispatch(context.Background(), c, "!away text")
	if len(answers) != 1 || answers[0] != "Manca il testo.\nUso: !away text <text>" {
		t.Errorf("answers %q", answers)
	}
}

func TestRest(t *testing.T) {
	c := &Call{raw: "kw add  a, b =  x  y ", consumed: 2}
	c.words = tokenize(c.raw)
	for n, want := range map[int]string{0: "a, b =  x  y", 1: "b =  x  y", 3: "x  y", 5: "", -1: ""} {
		if got := c.Rest(n); got != want {
			t.Errorf("Rest(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestReplyFailureIsNotFatal(t *testing.T) {
	var ran []string
	r := NewRouter(testTable(&ran))
	c := NewCall(func(string) error { return errors.New("offline") }, time.Now())
	r.Dispatch(context.Background(), c, "!nope") // must not panic
	if c.replies != 1 {
		t.Errorf("replies tried %d, want 1", c.replies)
	}
}

// TestTableIsConsistent checks the real table: names lower case and
// unique, every command has usage and help, no command is empty.
func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	var walk func(prefix string, cmds []*Command)
	walk = func(prefix string, cmds []*Command) {
		local := map[string]bool{}
		for _, cmd := range cmds {
			for _, n := range append([]string{cmd.Name}, cmd.Aliases...) {
				if n != strings.ToLower(n) || n == "" || strings.ContainsAny(n, " !") {
					t.Errorf("%s: bad name %q", prefix, n)
				}
				if local[n] {
					t.Errorf("%s: %q used twice", prefix, n)
				}
				local[n] = true
			}
			if cmd.Run == nil && len(cmd.Subcommands) == 0 {
				t.Errorf("%s %s: neither Run nor subcommands", prefix, cmd.Name)
			}
			if cmd.Usage == "" {
				t.Errorf("%s %s: no usage", prefix, cmd.Name)
			}
			if cmd.Help != "" && !bot.Translated("it", cmd.Help) {
				t.Errorf("%s %s: help has no Italian translation", prefix, cmd.Name)
			}
			walk(prefix+" "+cmd.Name, cmd.Subcommands)
		}
	}
	for _, cmd := range Commands() {
		if cmd.Help == "" || !bot.Translated("it", cmd.Help) || cmd.Example == "" {
			t.Errorf("!%s: help, its Italian translation and example are all required", cmd.Name)
		}
		seen[cmd.Name] = true
	}
	walk("!", Commands())
}
