package replay

import (
	"strings"
	"testing"
	"time"
)

func TestParseLocalTimeAcrossDST(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	lordHowe, err := time.LoadLocation("Australia/Lord_Howe") // changes by 30 minutes
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	clock := func(s string) time.Time {
		w, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		name string
		loc  *time.Location
		at   string
		want string   // RFC 3339, when the time exists once
		msg  []string // each in the error, when it does not
	}{
		{"ordinary winter time", rome, "2026-11-25 21:00", "2026-11-25T21:00:00+01:00", nil},
		{"ordinary summer time", rome, "2026-07-01 09:30", "2026-07-01T09:30:00+02:00", nil},
		{"just before the gap", rome, "2026-03-29 01:59", "2026-03-29T01:59:00+01:00", nil},
		{"the gap's end exists", rome, "2026-03-29 03:00", "2026-03-29T03:00:00+02:00", nil},
		{"in the spring-forward gap", rome, "2026-03-29 02:30", "",
			[]string{"time 2026-03-29 02:30 does not exist in Europe/Rome", "jump from 02:00 to 03:00", "RFC 3339"}},
		{"in the fall-back overlap", rome, "2026-10-25 02:30", "",
			[]string{"time 2026-10-25 02:30 happens twice in Europe/Rome", "go back from 03:00 to 02:00",
				"2026-10-25T02:30:00+02:00 for the first, 2026-10-25T02:30:00+01:00 for the second"}},
		{"after the overlap", rome, "2026-10-25 03:00", "2026-10-25T03:00:00+01:00", nil},
		{"half-hour gap", lordHowe, "2026-10-04 02:15", "", []string{"does not exist", "from 02:00 to 02:30"}},
		{"half-hour overlap", lordHowe, "2026-04-05 01:45", "", []string{"happens twice", "from 02:00 to 01:30"}},
		{"UTC has no gaps", time.UTC, "2026-03-29 02:30", "2026-03-29T02:30:00Z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Step{Op: OpTime, Time: clock(tt.at)}
			got, msg := st.wall(tt.loc)
			if tt.msg == nil {
				if msg != "" || got.Format(time.RFC3339) != tt.want {
					t.Errorf("got %s, %q; want %s", got.Format(time.RFC3339), msg, tt.want)
				}
				return
			}
			for _, w := range tt.msg {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
	// A zoned time is taken as is, even inside a gap of the bot's zone.
	st := Step{Op: OpTime, Time: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), Zoned: true}
	if got, msg := st.wall(rome); msg != "" || !got.Equal(st.Time) {
		t.Errorf("zoned: %s, %q", got, msg)
	}
}
