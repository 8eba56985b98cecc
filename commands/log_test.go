package commands

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseLogCount(t *testing.T) {
	tests := []struct {
		name string
		args string
		want int
		err  string
	}{
		{"default", "", 10, ""},
		{"one", "1", 1, ""},
		{"upper limit", "100", 100, ""},
		{"zero", "0", 0, "0 is out of range: from 1 to 100"},
		{"negative", "-5", 0, "out of range"},
		{"too many", "101", 0, "101 is out of range"},
		{"not a number", "ten", 0, `"ten" is not a number`},
		{"three numbers", "5 6 7", 0, "at most how many messages and a page number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLogCount(NewCall(nil, wed10), strings.Fields(tt.args))
			if tt.err != "" {
				var ue *UsageError
				if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.err) {
					t.Fatalf("want usage error %q, got %v", tt.err, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestLog(t *testing.T) {
	ob := newTestBot(t)
	contains(t, "empty", ob.owner("!log"), "No automatic message has been sent yet.")
	ob.must("!tz Europe/Rome", "!away text We are closed today, we will answer you tomorrow morning.", "!away when always", "!away on",
		"!kw add price = Prices are on the website")
	ob.clock.Advance(time.Hour)
	ob.from("393331111111", "hello")
	ob.clock.Advance(time.Minute)
	ob.from("393332222222", "price?")
	ob.msg.Take()

	got := ob.owner("!log")
	want := "The last 2 automatic messages, newest first:\n" +
		"Wed 25 Nov 11:01 +393332222222 (keyword+away) “Prices are on the website We…”\n" +
		"Wed 25 Nov 11:00 +393331111111 (away) “We are closed today, we will…”"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	contains(t, "one", ob.owner("!log 1"), "The last automatic message:\nWed 25 Nov 11:01 +393332222222")
	contains(t, "refused", ob.owner("!log 0"), "0 is out of range: from 1 to 100.\nUsage: !log [n 1-100]")
}
