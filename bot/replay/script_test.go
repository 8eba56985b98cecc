package replay

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

func parseOne(t *testing.T, body string) *Script {
	t.Helper()
	s, err := Parse("t.txt", strings.NewReader(body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func TestParseLineTypes(t *testing.T) {
	const head = "time 2026-11-25 15:00\n"
	rome := time.FixedZone("", 3600)
	tests := []struct {
		name string
		line string
		want Step
	}{
		{"local time", "time 2026-11-25 21:30", Step{Op: OpTime, Time: time.Date(2026, 11, 25, 21, 30, 0, 0, time.UTC)}},
		{"local time with seconds", "time 2026-11-25 21:30:15", Step{Op: OpTime, Time: time.Date(2026, 11, 25, 21, 30, 15, 0, time.UTC)}},
		{"rfc3339 time", "time 2026-11-25T21:30:00+01:00", Step{Op: OpTime, Time: time.Date(2026, 11, 25, 21, 30, 0, 0, rome), Zoned: true}},
		{"wait", "wait 2h30m", Step{Op: OpWait, Wait: 150 * time.Minute}},
		{"owner self", "owner: !away on", Step{Op: OpMessage, Message: MessageLine{From: FromOwnerSelf, Text: "!away on"}}},
		{"owner in chat", "owner@+39 333 123-4567: /time", Step{Op: OpMessage, Message: MessageLine{From: FromOwnerInChat, Chat: "393331234567", Text: "/time"}}},
		{"owner in lid chat", "owner@lid:987: /time", Step{Op: OpMessage, Message: MessageLine{From: FromOwnerInChat, Chat: "lid:987", Text: "/time"}}},
		{"customer", "+39 333 1234567: hello: there", Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "393331234567", Text: "hello: there"}}},
		{"customer without plus", "39 333 1234567: hi", Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "393331234567", Text: "hi"}}},
		{"customer with name", "+39 333 1234567 (Mario Rossi): hello", Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "393331234567", Name: "Mario Rossi", Text: "hello"}}},
		{"newline in text", `+39 333 1234567: a\nb`, Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "393331234567", Text: "a\nb"}}},
		{"customer by lid", "lid:98765432109876: ciao", Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "lid:98765432109876", Text: "ciao"}}},
		{"customer by lid with name", "lid:98765 (Ann): ciao", Step{Op: OpMessage, Message: MessageLine{From: FromCustomer, Chat: "lid:98765", Name: "Ann", Text: "ciao"}}},
		{"lid mapping", "lid:98765432109876 ~ +39 333 1234567", Step{Op: OpLink, LID: "lid:98765432109876", Phone: "393331234567"}},
		{"group", "group 120363025246125486 +39 333 1234567: hello all", Step{Op: OpMessage, Message: MessageLine{From: FromGroup, Group: "120363025246125486", Chat: "393331234567", Text: "hello all"}}},
		{"group member by lid", "group 1203630 lid:55: hi", Step{Op: OpMessage, Message: MessageLine{From: FromGroup, Group: "1203630", Chat: "lid:55", Text: "hi"}}},
		{"status", "status +39 333 1234567: my photos", Step{Op: OpMessage, Message: MessageLine{From: FromStatus, Chat: "393331234567", Text: "my photos"}}},
		{"offline", "offline", Step{Op: OpOffline}},
		{"restart", "restart", Step{Op: OpRestart}},
		{"crash", "crash", Step{Op: OpCrash}},
		{"expect exact", "expect +39 333 1234567: Hi Mario!", Step{Op: OpExpect, Expect: Expect{What: ExpectText, Chat: "393331234567", Text: "Hi Mario!"}}},
		{"expect exact with newlines", `expect +39 333 1234567: a\n\nb`, Step{Op: OpExpect, Expect: Expect{What: ExpectText, Chat: "393331234567", Text: "a\n\nb"}}},
		{"expect contains", "expect +39 333 1234567 ~ example.com/order", Step{Op: OpExpect, Expect: Expect{What: ExpectText, Chat: "393331234567", Text: "example.com/order", Contains: true}}},
		{"expect lid", "expect lid:77: hello", Step{Op: OpExpect, Expect: Expect{What: ExpectText, Chat: "lid:77", Text: "hello"}}},
		{"expect owner contains", "expect owner ~ Europe/Rome", Step{Op: OpExpect, Expect: Expect{What: ExpectText, Owner: true, Text: "Europe/Rome", Contains: true}}},
		{"expect owner exact", "expect owner: Away is on.", Step{Op: OpExpect, Expect: Expect{What: ExpectText, Owner: true, Text: "Away is on."}}},
		{"expect edit", "expect edit +39 333 1234567: Open 9-18", Step{Op: OpExpect, Expect: Expect{What: ExpectEdit, Chat: "393331234567", Text: "Open 9-18"}}},
		{"expect edit contains", "expect edit lid:5 ~ open", Step{Op: OpExpect, Expect: Expect{What: ExpectEdit, Chat: "lid:5", Text: "open", Contains: true}}},
		{"expect image", "expect image owner ~ wa.me", Step{Op: OpExpect, Expect: Expect{What: ExpectImage, Owner: true, Text: "wa.me", Contains: true}}},
		{"expect none", "expect none", Step{Op: OpExpect, Expect: Expect{What: ExpectNone}}},
		{"expect none owner", "expect none owner", Step{Op: OpExpect, Expect: Expect{What: ExpectNone, Owner: true}}},
		{"expect none chat", "expect none +39 333 1234567", Step{Op: OpExpect, Expect: Expect{What: ExpectNone, Chat: "393331234567"}}},
		{"leading spaces", "   expect none", Step{Op: OpExpect, Expect: Expect{What: ExpectNone}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseOne(t, head+tt.line+"\n")
			if len(s.Steps) != 2 {
				t.Fatalf("got %d steps, want 2: %+v", len(s.Steps), s.Steps)
			}
			got := s.Steps[1]
			if got.Line != 2 || got.Src != strings.TrimSpace(tt.line) {
				t.Errorf("line %d src %q, want 2 %q", got.Line, got.Src, strings.TrimSpace(tt.line))
			}
			got.Line, got.Src = 0, ""
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("time %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseOnline(t *testing.T) {
	s := parseOne(t, "time 2026-11-25 15:00\noffline\n+1 555 0199: hi\nonline\n")
	ops := []Op{OpTime, OpOffline, OpMessage, OpOnline}
	for i, st := range s.Steps {
		if st.Op != ops[i] {
			t.Errorf("step %d op %d, want %d", i, st.Op, ops[i])
		}
	}
}

func TestParseMeAndComments(t *testing.T) {
	s := parseOne(t, "# a comment\n\n  # indented comment\nme +39 02 1234567\r\ntime 2026-11-25 15:00\r\n")
	if s.Self != "39021234567" {
		t.Errorf("Self = %q", s.Self)
	}
	if s.Name != "t.txt" || len(s.Steps) != 1 {
		t.Errorf("name %q steps %d", s.Name, len(s.Steps))
	}
	if d := parseOne(t, "time 2026-11-25 15:00\n"); d.Self != bot.PhoneID(DefaultSelf) {
		t.Errorf("default Self = %q", d.Self)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "time 2026-11-25T15:00:00+01:00\n"
	tests := []struct {
		name string
		body string
		line int
		want string
	}{
		{"message before time", "+39 333 1234567: hi\n", 1, "before the first time"},
		{"owner before time", "owner: !status\n", 1, "before the first time"},
		{"wait before time", "wait 5m\n", 1, "before the first time"},
		{"me after message", head + "owner: hi\nme +39 02 1234567\n", 3, "me must come before any message"},
		{"bad me number", "me +39 abc\n", 1, "bad phone number"},
		{"unknown line", head + "hello world\n", 2, "unknown line"},
		{"unknown word with colon", head + "customer: hi\n", 2, "unknown line"},
		{"bad duration", head + "wait 20x\n", 2, "bad duration"},
		{"negative duration", head + "wait -5m\n", 2, "clock back"},
		{"bad time", head + "time tomorrow\n", 2, "bad time"},
		{"clock back rfc3339", head + "time 2026-11-25T14:00:00+01:00\n", 2, "sends the clock back"},
		{"clock back after wait", head + "wait 2h\ntime 2026-11-25T16:30:00+01:00\n", 3, "sends the clock back"},
		{"bad number", head + "+39 33a 123: hi\n", 2, "bad phone number"},
		{"too short number", head + "+39: hi\n", 2, "bad phone number"},
		{"plus in the middle", head + "39+333 1234567: hi\n", 2, "bad phone number"},
		{"bad lid", head + "lid:12x: hi\n", 2, "bad lid"},
		{"bad lid mapping number", head + "lid:123 ~ nobody\n", 2, "bad phone number"},
		{"empty text", head + "+39 333 1234567:\n", 2, "text is empty"},
		{"empty name", head + "+39 333 1234567 (): hi\n", 2, "empty name"},
		{"group without member", head + "group 1203630: hi\n", 2, "group id and a member"},
		{"bad group id", head + "group abc +39 333 1234567: hi\n", 2, "bad group id"},
		{"status bad number", head + "status nobody: hi\n", 2, "bad phone number"},
		{"offline twice", head + "offline\noffline\n", 3, "already offline"},
		{"online without offline", head + "online\n", 2, "without an earlier offline"},
		{"restart with argument", head + "restart now\n", 2, "takes nothing"},
		{"expect without separator", head + "expect +39 333 1234567 hello\n", 2, "bad expect"},
		{"expect empty text", head + "expect owner ~\n", 2, "needs a text"},
		{"expect bad target", head + "expect nobody: hi\n", 2, "bad phone number"},
		{"expect none bad target", head + "expect none everybody\n", 2, "bad phone number"},
		{"reaction from the owner", head + "reaction owner: x\n", 2, "reaction lines are for customers"},
		{"deletion in the owner's chat", head + "delete owner@+39 333 1234567\n", 2, "delete lines are for customers"},
		{"empty reaction", head + "reaction +39 333 1234567:\n", 2, "text is empty"},
		{"photo from a bad number", head + "image +39 33a: look\n", 2, "bad phone number"},
		{"expect delete of the owner", head + "expect delete owner\n", 2, "names a customer chat"},
		{"expect location without text", head + "expect location +39 333 1234567\n", 2, "bad expect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("bad.txt", strings.NewReader(tt.body))
			if err == nil {
				t.Fatalf("no error; steps %+v", s.Steps)
			}
			if s != nil {
				t.Errorf("script returned along with an error")
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			prefix := "bad.txt:" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q containing %q", err, prefix, tt.want)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse("f.txt", strings.NewReader("time 2026-11-25 15:00\nbogus\nwait x\nexpect none\n"))
	if err == nil {
		t.Fatal("no error")
	}
	want := "f.txt:2: unknown line \"bogus\"\nf.txt:3: bad duration"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want prefix %q", err, want)
	}
}

// FuzzParse checks that no input crashes the parser and that every error
// names the file and a line.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"time 2026-11-25 15:00\n+39 333 1234567 (Mario): hi\nexpect +39 333 1234567 ~ hi\n",
		"lid:1 ~ +1 555 0199\nlid:1: x\nowner@lid:1: /t\nexpect edit lid:1: t\n",
		"group 1 lid:2: x\nstatus 3: y\nexpect none owner\nwait 1h\noffline\nonline\n",
		"expect image owner ~ wa.me\n(: x\n+(: y\nlid:: z\nowner@: q\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, err := Parse("f.txt", strings.NewReader(body))
		if err != nil {
			if s != nil || !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Errorf("error %q (script %v)", err, s != nil)
			}
			return
		}
		for _, st := range s.Steps {
			if st.Op == OpMessage && st.Message.Text == "" {
				t.Errorf("line %d: empty message text accepted", st.Line)
			}
		}
	})
}

func TestParseByteOrderMark(t *testing.T) {
	s := parseOne(t, "\uFEFFme +39 02 1234567\ntime 2026-11-25 15:00\n")
	if s.Self != "39021234567" || len(s.Steps) != 1 {
		t.Errorf("Self %q, %d steps", s.Self, len(s.Steps))
	}
	// A comment first, and Windows line ends, as Notepad writes them.
	parseOne(t, "\uFEFF# my setup\r\ntime 2026-11-25 15:00\r\n")
	// Only at the start of the file: elsewhere it is not a transcript line.
	if _, err := Parse("t.txt", strings.NewReader("time 2026-11-25 15:00\n\uFEFFwait 5m\n")); err == nil || !strings.Contains(err.Error(), "t.txt:2: unknown line") {
		t.Errorf("a mark on line 2: %v", err)
	}
}

func TestParseLongLine(t *testing.T) {
	const head = "time 2026-11-25 15:00\n"
	longest := "+39 333 1234567: " + strings.Repeat("x", MaxLineBytes-len("+39 333 1234567: "))
	if s := parseOne(t, head+longest+"\r\n"); len(s.Steps[1].Message.Text) != MaxLineBytes-len("+39 333 1234567: ") {
		t.Errorf("the longest line allowed was not read whole")
	}
	want := "line longer than " + strconv.Itoa(MaxLineBytes) + " bytes"
	tests := []struct {
		name string
		body string
		errs string // the whole error
	}{
		{"one byte over", head + longest + "x\nwait 5m\nbogus\n",
			"t.txt:2: " + want + "\nt.txt:4: unknown line \"bogus\""},
		{"10 MB", head + "owner: " + strings.Repeat("y", 10<<20) + "\nbogus\n", "t.txt:2: " + want},
		{"10 MB without a line end", head + strings.Repeat("y", 10<<20), "t.txt:2: " + want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.txt", strings.NewReader(tt.body))
			if err == nil || err.Error() != tt.errs {
				t.Errorf("error %v, want %q", err, tt.errs)
			}
		})
	}
}
