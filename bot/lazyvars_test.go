package bot

import (
	"strings"
	"testing"
	"time"
)

// TestLazyVarsComputeOnlyWhatTheTextUses: a text with {next_open} (or
// only {business}) does not make the decision word the week's {hours},
// nor {next_open} when it is not used; a later text with {hours} gets it,
// in the right language.
func TestLazyVarsComputeOnlyWhatTheTextUses(t *testing.T) {
	v := shop(t, func(c *Config) { c.Profile.Name = "Bar Roma" })
	now := time.Date(2026, 11, 25, 21, 0, 0, 0, v.sched.Loc)
	l := lazyVars{v: v, in: Input{Now: now}}

	if got := l.render("{business}", ""); got != "Bar Roma" {
		t.Fatalf("business: %q", got)
	}
	if l.tv[0].NextOpen != "" || l.tv[0].Hours != "" {
		t.Errorf("{business} alone computed next_open %q / hours %q", l.tv[0].NextOpen, l.tv[0].Hours)
	}
	if got := l.render("Back {next_open}.", ""); got != "Back tomorrow 09:00." {
		t.Errorf("next_open: %q", got)
	}
	if l.tv[0].Hours != "" {
		t.Errorf("{next_open} computed hours too: %q", l.tv[0].Hours)
	}
	want := HoursSummary(v.cfg.Hours, "en")
	if got := l.render("Hours: {hours}", ""); got != "Hours: "+want {
		t.Errorf("hours: %q, want %q", got, "Hours: "+want)
	}
	es := HoursSummary(v.cfg.Hours, "es")
	if got := l.render("{hours} / {next_open}", "es"); !strings.HasPrefix(got, es+" / mañana a las 09:00") {
		t.Errorf("Spanish variant: %q", got)
	}
	if got := l.render("{next_open}", ""); got != "tomorrow 09:00" {
		t.Errorf("main text again: %q", got)
	}
}
