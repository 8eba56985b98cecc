package bot

import (
	"strings"
	"testing"
)

func TestValidateText(t *testing.T) {
	cases := []struct {
		name, text, wantErr string
	}{
		{"plain", "We are closed.", ""},
		{"all placeholders", "{name} {business} {next_open} {hours} {website} {booking} {catalog} {phone} {address}", ""},
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"limit in ascii", strings.Repeat("a", 256), ""},
		{"over limit", strings.Repeat("a", 257), "257 characters long; the limit is 256"},
		{"limit in accents", strings.Repeat("è", 256), ""}, // 512 bytes
		{"over in accents", strings.Repeat("è", 257), "257"},
		{"limit in emoji", strings.Repeat("😀", 256), ""},
		{"over in emoji", strings.Repeat("😀", 300), "300 characters"},
		{"unknown placeholder", "Hi {nome}!", "unknown placeholder {nome}"},
		{"wrong case", "Hi {Name}!", "unknown placeholder {Name}"},
		{"lone brace", "a { b", ""},
		{"empty braces", "a {} b", ""},
		{"spaced braces", "a { } b", ""},
		{"json-ish", `{"a": 1}`, ""},
		{"unclosed", "see {website", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateText(c.text)
			if c.wantErr == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %v, want one containing %q", err, c.wantErr)
			}
			if strings.HasPrefix(c.wantErr, "unknown") && !strings.Contains(err.Error(), "{next_open}") {
				t.Errorf("error %v does not list the valid placeholders", err)
			}
		})
	}
}

func TestRender(t *testing.T) {
	v := TemplateVars{Name: "Mario", Business: "Bar Roma", NextOpen: "tomorrow 09:00", Hours: "Mon-Fri 09:00-18:00",
		Website: "https://bar.example", Booking: "https://book.example", Catalog: "https://cat.example", Phone: "+39 02 1234567", Address: "Via Roma 1"}
	cases := []struct {
		name, text string
		v          TemplateVars
		want       string
	}{
		{"scenario", "Hi {name}! We are closed now; we will answer {next_open}.", v, "Hi Mario! We are closed now; we will answer tomorrow 09:00."},
		{"all", "{business}|{hours}|{website}|{booking}|{catalog}|{phone}|{address}", v,
			"Bar Roma|Mon-Fri 09:00-18:00|https://bar.example|https://book.example|https://cat.example|+39 02 1234567|Via Roma 1"},
		{"no placeholders", "plain text", v, "plain text"},
		{"unknown stays", "a {nome} b", v, "a {nome} b"},
		{"braces stay", "a { } {} {", v, "a { } {} {"},
		{"single pass", "Hi {name}", TemplateVars{Name: "{business}"}, "Hi {business}"},
		{"empty name before punctuation", "Hi {name}! Welcome", TemplateVars{}, "Hi! Welcome"},
		{"empty name before comma", "Ciao {name}, benvenuto", TemplateVars{}, "Ciao, benvenuto"},
		{"empty name mid sentence", "Ciao {name} come stai", TemplateVars{}, "Ciao come stai"},
		{"empty name at end", "Hello {name}", TemplateVars{}, "Hello"},
		{"repeated", "{name} {name}", v, "Mario Mario"},
		{"accented around", "Perché {name}è", v, "Perché Marioè"},
	}
	for _, c := range cases {
		if got := Render(c.text, c.v); got != c.want {
			t.Errorf("%s: Render = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestUsesPlaceholder(t *testing.T) {
	if !UsesPlaceholder("back {next_open}.", "next_open") {
		t.Error("missed {next_open}")
	}
	if UsesPlaceholder("back soon", "next_open") || UsesPlaceholder("next_open", "next_open") {
		t.Error("false positive")
	}
	if len(Placeholders) != 9 {
		t.Errorf("Placeholders = %v", Placeholders)
	}
}
