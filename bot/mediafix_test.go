package bot_test

import (
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// A size is never shown smaller than it is: a file one byte over the
// limit must not read as the limit itself.
func TestFormatSizeNeverRoundsDown(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{999, "999 B"},
		{1000, "1 KB"},
		{1001, "2 KB"},
		{bot.MaxMediaBytes, "5.0 MB"},
		{bot.MaxMediaBytes + 1, "5.1 MB"},
		{6 << 20, "6.0 MB"},
		{6<<20 + 1, "6.1 MB"},
	}
	for _, c := range cases {
		if got := bot.FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	big := append(append([]byte(nil), porttest.JPEGStub...), make([]byte, bot.MaxMediaBytes+1-len(porttest.JPEGStub))...)
	_, err := bot.NewMedia(big, "")
	if err == nil || !strings.Contains(err.Error(), "5.1 MB") {
		t.Errorf("a file one byte over the limit: %v, want it called 5.1 MB", err)
	}
}
