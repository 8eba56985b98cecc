package main

import (
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot/whatsapp/fakewa"
)

// linked starts the bot on a fresh database, links it by QR code and turns
// the greeting on.
func (e *e2e) linked() {
	e.t.Helper()
	e.start()
	e.link()
	for _, cmd := range []string{"!greeting text Hello {name}!", "!greeting on"} {
		if got := e.command(cmd); got == "" || strings.HasPrefix(got, "Usage") {
			e.t.Fatalf("%s answered %q", cmd, got)
		}
	}
}

// waitLog waits until the log (stderr) contains one of wants.
func (e *e2e) waitLog(wants ...string) {
	e.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		log := e.errOut.String()
		for _, w := range wants {
			if strings.Contains(log, w) {
				return
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the log never said any of %q", wants)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// sentTo counts the message stanzas the bot sent to c's chat.
func (e *e2e) sentTo(c *fakewa.Customer) int {
	n := 0
	for _, out := range e.srv.Sent() {
		if out.To.User == c.PN().User || out.To.User == c.LID().User {
			n++
		}
	}
	return n
}

// holdDatabase takes the bot's database write lock (as a long
// transaction would) until the returned function is called, once the bot
// has finished (and acknowledged) what it was doing.
func (e *e2e) holdDatabase() (release func()) {
	e.t.Helper()
	e.srv.WaitQuiet(time.Second)
	db, err := sql.Open("sqlite3", "file:"+e.dbPath+"?_txlock=immediate&_busy_timeout=10000")
	if err != nil {
		e.t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		db.Close()
		e.t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { tx.Rollback(); db.Close() }) }
	e.t.Cleanup(release)
	return release
}

// TestRepliesSurviveAnOutage: WhatsApp becomes unreachable (connections
// refused) after a customer's message arrived but before the bot could
// send the reply; customers keep writing meanwhile and their messages wait
// at the server. When WhatsApp is back, every customer gets exactly one
// reply, the interrupted one included.
func TestRepliesSurviveAnOutage(t *testing.T) {
	e := newE2E(t)
	e.linked()
	anna := e.srv.NewCustomer("Anna")

	// Keep the bot from recording Anna's message (and so from replying)
	// until the connection is gone.
	release := e.holdDatabase()
	id := anna.Send("hi")
	deadline := time.Now().Add(e2eWait)
	for e.srv.DeliveryCount(id) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Anna's message never went out to the bot")
		}
		time.Sleep(time.Millisecond)
	}
	back := e.srv.GoOffline()
	defer back()
	deadline = time.Now().Add(e2eWait)
	for !strings.Contains(e.out.String(), "Connection to WhatsApp lost") {
		if time.Now().After(deadline) {
			t.Fatal("the bot never noticed the connection was lost")
		}
		time.Sleep(time.Millisecond)
	}
	release()
	// The reply is decided now and its send finds no connection.
	e.waitLog("send waits for the connection", "send postponed", "automatic message failed")

	bruno, cara := e.srv.NewCustomer("Bruno"), e.srv.NewCustomer("Cara")
	waiting := []string{bruno.Send("good morning"), cara.Send("are you open?")}
	for _, id := range waiting {
		if n := e.srv.DeliveryCount(id); n != 0 {
			t.Fatalf("message delivered %d times during the outage", n)
		}
	}

	back()
	e.srv.WaitConnected(t, 2, 15*time.Second)
	customers := map[string]*fakewa.Customer{"Anna": anna, "Bruno": bruno, "Cara": cara}
	for name, c := range customers {
		if got := c.Next(t, e2eWait); got.Text != "Hello "+name+"!" {
			t.Errorf("%s got %q", name, got.Text)
		}
	}
	for _, id := range append(waiting, id) {
		e.waitAck(id)
	}
	for name, c := range customers {
		c.ExpectNothing(t, 300*time.Millisecond)
		if n := e.sentTo(c); n != 1 {
			t.Errorf("%d messages sent to %s, want 1", n, name)
		}
	}
}

// TestLateMessagesAreReportedOnce: a message that waited at the server more
// than 6 hours while the bot was down gets no automatic reply; once
// WhatsApp says the catch-up is complete, the owner gets one line in the
// self chat saying how many chats waited.
func TestLateMessagesAreReportedOnce(t *testing.T) {
	e := newE2E(t)
	e.linked()
	e.stop()
	dora := e.srv.NewCustomer("Dora")
	id := dora.SendSentAt(time.Now().Add(-7*time.Hour), "hello, anyone?")
	e.start()
	e.srv.WaitConnected(t, 2, e2eWait)
	line := e.srv.Phone().NextWhere(t, e2eWait, func(r fakewa.Received) bool {
		return r.Chat.User == fakewa.OwnerPhone && strings.Contains(r.Text, "6 hours")
	})
	if !strings.Contains(line.Text, "1 chat") {
		t.Errorf("the owner got %q, want one chat counted", line.Text)
	}
	e.waitAck(id)
	dora.ExpectNothing(t, 300*time.Millisecond)
	e.srv.Phone().ExpectNothing(t, 300*time.Millisecond)
}
