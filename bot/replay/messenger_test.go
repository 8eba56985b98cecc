package replay

import (
	"context"
	"errors"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

func TestMessengerRecordsInOrder(t *testing.T) {
	ctx := context.Background()
	c := &bot.ManualClock{}
	c.Set(t0)
	m := NewMessenger(c, "X.")
	id1, err := m.SendText(ctx, mario, "hello", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(time.Minute))
	if err := m.EditText(ctx, mario, "own1", "edited"); err != nil {
		t.Fatal(err)
	}
	id2, err := m.SendImage(ctx, self, append(append([]byte(nil), pngMagic...), 0, 1), "caption")
	if err != nil {
		t.Fatal(err)
	}
	if id1 == id2 || id1 == "" {
		t.Errorf("ids %q and %q are not fresh", id1, id2)
	}
	got := m.Take()
	want := []Output{
		{Kind: OutText, Chat: mario, Text: "hello", ID: id1, At: t0},
		{Kind: OutEdit, Chat: mario, Text: "edited", ID: "own1", At: t0.Add(time.Minute)},
		{Kind: OutImage, Chat: self, Text: "caption", ID: id2, At: t0.Add(time.Minute)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d outputs, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("output %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if again := m.Take(); len(again) != 0 {
		t.Errorf("Take returned %d outputs twice", len(again))
	}
}

func TestMessengerOffline(t *testing.T) {
	ctx := context.Background()
	m := NewMessenger(&bot.ManualClock{}, "")
	m.SetOffline(true)
	if _, err := m.SendText(ctx, mario, "x", ""); !errors.Is(err, ErrOffline) {
		t.Errorf("SendText offline: %v", err)
	}
	if err := m.EditText(ctx, mario, "id", "x"); !errors.Is(err, ErrOffline) {
		t.Errorf("EditText offline: %v", err)
	}
	if len(m.Take()) != 0 {
		t.Error("a failed send was recorded")
	}
	m.SetOffline(false)
	if _, err := m.SendText(ctx, mario, "x", ""); err != nil {
		t.Errorf("SendText online: %v", err)
	}
}

func TestMessengerRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	m := NewMessenger(&bot.ManualClock{}, "")
	if _, err := m.SendText(ctx, "", "x", ""); err == nil {
		t.Error("send to empty chat accepted")
	}
	if err := m.EditText(ctx, mario, "", "x"); err == nil {
		t.Error("edit without id accepted")
	}
	if _, err := m.SendImage(ctx, self, []byte("GIF89a"), "c"); err == nil {
		t.Error("non-PNG image accepted")
	}
	if n := len(m.Take()); n != 0 {
		t.Errorf("%d refused sends recorded", n)
	}
}

func TestMessengerKeepsTheContract(t *testing.T) {
	porttest.RunMessenger(t, func(t *testing.T) porttest.MessengerHarness {
		clock := &bot.ManualClock{}
		clock.Set(t0)
		m := NewMessenger(clock, "T")
		const to = bot.UserID("393331234567")
		taken := []porttest.Shown{}
		return porttest.MessengerHarness{
			M: m, To: to,
			SetOnline: func(on bool) { m.SetOffline(!on) },
			Shown: func(*testing.T, int) []porttest.Shown {
				for _, o := range m.Take() {
					if o.Chat != to {
						continue
					}
					switch o.Kind {
					case OutText:
						taken = append(taken, porttest.Shown{ID: o.ID, Text: o.Text})
					case OutImage, OutDocument:
						taken = append(taken, porttest.Shown{ID: o.ID, Text: o.Text, Media: o.Media, FileName: o.FileName})
					case OutLocation:
						taken = append(taken, porttest.Shown{ID: o.ID, Text: o.Comment, Pin: o.Pin})
					case OutDelete:
						for i := range taken {
							if taken[i].ID == o.ID {
								taken[i] = porttest.Shown{ID: o.ID, Deleted: true}
							}
						}
					}
				}
				return taken
			},
		}
	})
}
