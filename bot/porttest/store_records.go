package porttest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
)

func testDuplicateByAlias(t *testing.T, s bot.Store) {
	// First by LID alone, then the same message by phone number with the
	// LID known beside it: one customer, one message.
	record(t, s, withReply(message(aliceLID, "M1", t0), "first"))
	again := withReply(message(alicePN, "M1", t0), "second")
	again.Alias = aliceLID
	if err := s.RecordInbound(t.Context(), again); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("same id under the other identity: %v, want ErrDuplicate", err)
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"first"}) {
		t.Errorf("pending = %q, want only the first reply", texts)
	}
}

func testRecorded(t *testing.T, s bot.Store) {
	ctx := t.Context()
	record(t, s, message(alicePN, "M1", t0))
	for _, tc := range []struct {
		id, alias bot.UserID
		msg       string
		want      bool
	}{
		{alicePN, "", "M1", true},
		{aliceLID, alicePN, "M1", true},
		{bobPN, "", "M1", false},
		{alicePN, "", "M2", false},
	} {
		got, err := s.Recorded(ctx, tc.id, tc.alias, tc.msg)
		must(t, err, "Recorded")
		if got.Found != tc.want || !got.Answered || len(got.Answer) != 0 {
			t.Errorf("Recorded(%s, %s, %s) = %+v; want found %v, answered", tc.id, tc.alias, tc.msg, got, tc.want)
		}
	}
}

func testAwaitsAnswer(t *testing.T, s bot.Store) {
	ctx := t.Context()
	rec := command("OFF")
	rec.AwaitsAnswer = true
	_, err := s.SaveKillSwitch(ctx, bot.KillSwitch{Off: true}, &rec)
	must(t, err, "SaveKillSwitch with its command")
	got, err := s.Recorded(ctx, rec.Chat, "", rec.ID)
	must(t, err, "Recorded")
	if !got.Found || got.Answered || len(got.Answer) != 0 {
		t.Fatalf("Recorded = %+v; want found, not answered yet, no answer kept", got)
	}
	want := []bot.AnswerPart{{ID: "A1", Text: "(1/2)\nAutomatic replies are OFF."}, {ID: "A2", Text: "(2/2)\nNothing waited."}, {ID: "A3", Text: "Also: !check found nothing."}}
	must(t, s.SaveAnswer(ctx, rec.Chat, "", rec.ID, want[:2]), "SaveAnswer")
	must(t, s.SaveAnswer(ctx, rec.Chat, "", rec.ID, want[2:]), "SaveAnswer")
	got, err = s.Recorded(ctx, rec.Chat, "", rec.ID)
	must(t, err, "Recorded")
	if got.Answered || !reflect.DeepEqual(got.Answer, want) {
		t.Fatalf("Recorded = %+v; want the answer kept as %+v", got, want)
	}
	must(t, s.MarkAnswered(ctx, rec.Chat, "", rec.ID), "MarkAnswered")
	if got, err = s.Recorded(ctx, rec.Chat, "", rec.ID); err != nil || !got.Found || !got.Answered {
		t.Fatalf("after MarkAnswered: Recorded = %+v, %v", got, err)
	}
	// An answered message keeps no answer.
	must(t, s.SaveAnswer(ctx, rec.Chat, "", rec.ID, want[:1]), "SaveAnswer")
	if got, _ = s.Recorded(ctx, rec.Chat, "", rec.ID); len(got.Answer) != 0 {
		t.Errorf("an answer was kept for an answered message: %+v", got.Answer)
	}
}

// command is the owner's command message as the bot records it.
func command(id string) bot.Inbound {
	return bot.Inbound{Chat: "15550100", ID: id, Kind: bot.OwnerSelf, Received: t0, OwnerActive: true}
}

func testSaveConfigRecords(t *testing.T, s bot.Store) {
	ctx := t.Context()
	cfg := bot.DefaultConfig()
	cfg.Away.Text = "first"
	rec := command("C1")
	must(t, s.SaveConfig(ctx, cfg, &rec), "SaveConfig with its command")
	if r, err := s.Recorded(ctx, rec.Chat, "", rec.ID); err != nil || !r.Found {
		t.Fatalf("command not recorded with the change: %+v, %v", r, err)
	}
	cfg.Away.Text = "again"
	if err := s.SaveConfig(ctx, cfg, &rec); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("the same command saved again: %v, want ErrDuplicate", err)
	}
	got, _, err := s.LoadConfig(ctx)
	must(t, err, "LoadConfig")
	if got.Away.Text != "first" {
		t.Errorf("away text %q after a duplicate save, want the first one kept", got.Away.Text)
	}
}

func testSaveKillSwitchRecords(t *testing.T, s bot.Store) {
	ctx := t.Context()
	record(t, s, withReply(message(alicePN, "A1", t0), "waiting"))
	rec := command("OFF")
	n, err := s.SaveKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"}, &rec)
	must(t, err, "SaveKillSwitch with its command")
	if n != 1 {
		t.Errorf("discarded %d, want 1", n)
	}
	if _, err := s.SaveKillSwitch(ctx, bot.KillSwitch{}, &rec); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("the same command saved again: %v, want ErrDuplicate", err)
	}
	k, err := s.LoadKillSwitch(ctx)
	must(t, err, "LoadKillSwitch")
	if !k.Off {
		t.Error("a duplicate save turned the kill switch back")
	}
}

func testDigestSent(t *testing.T, s bot.Store) {
	ctx := t.Context()
	got, err := s.DigestSent(ctx)
	must(t, err, "DigestSent")
	sameTime(t, "DigestSent on a fresh store", got, time.Time{})
	must(t, s.SetDigestSent(ctx, t0), "SetDigestSent")
	got, err = s.DigestSent(ctx)
	must(t, err, "DigestSent")
	sameTime(t, "DigestSent", got, t0)
}
