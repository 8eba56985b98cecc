package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontdesk/bot/whatsapp/fakewa"
)

// topics are the keywords of the kill tests: a customer writing about one
// gets its answer, once an hour, so each customer message that names a
// topic the customer has not named before gets exactly one reply.
var topics = []string{
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
	"golf", "hotel", "india", "juliett", "kilo", "lima",
}

func topicCommands() []string {
	cmds := make([]string, len(topics))
	for i, w := range topics {
		cmds[i] = fmt.Sprintf("!kw add %s = Answer %s", w, w)
	}
	return cmds
}

// inbound is one customer message and the one reply it must get.
type inbound struct {
	c     *fakewa.Customer
	text  string
	reply string
}

// plan lists every customer's message about every topic, shuffled.
func (r *killRig) plan(customers []*fakewa.Customer) []inbound {
	var all []inbound
	for _, c := range customers {
		for _, w := range topics {
			all = append(all, inbound{c: c, text: "a question about " + w + " please", reply: "Answer " + w})
		}
	}
	r.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all
}

func newCustomers(srv *fakewa.Server, n int) []*fakewa.Customer {
	cs := make([]*fakewa.Customer, n)
	for i := range cs {
		cs[i] = srv.NewCustomer(fmt.Sprintf("Customer%d", i+1))
		cs[i].Addressing = fakewa.Addressing(i % 4)
	}
	return cs
}

// life runs one child: started, then killed at a random moment while
// customers write quota messages from the queue at random moments. The
// moment is now and then before the child logged in or while it is idle,
// mostly a few milliseconds after a customer wrote, while the bot
// records, decides and answers. It returns the messages sent.
func (r *killRig) life(queue []inbound, quota int) int {
	r.start()
	sent := 0
	send := func() bool {
		if sent < quota && sent < len(queue) {
			queue[sent].c.Send(queue[sent].text)
			sent++
			return true
		}
		return false
	}
	switch mode := r.rng.Intn(10); {
	case mode < 2: // while starting, logging in or catching up
		deadline := time.Now().Add(r.between(time.Millisecond, 400*time.Millisecond))
		for time.Now().Before(deadline) {
			if r.rng.Intn(3) == 0 {
				send()
			}
			r.pause(time.Millisecond, 20*time.Millisecond)
		}
	case mode < 4: // at any moment of a life with customers writing
		r.waitLogin()
		deadline := time.Now().Add(r.between(time.Millisecond, 700*time.Millisecond))
		for time.Now().Before(deadline) {
			if r.rng.Intn(3) == 0 {
				send()
			}
			r.pause(time.Millisecond, 25*time.Millisecond)
		}
	default: // right after a customer wrote
		r.waitLogin()
		for n := r.rng.Intn(max(quota, 1)); n > 0 && send(); n-- {
			r.pause(time.Millisecond, 40*time.Millisecond)
		}
		send()
		r.pause(time.Microsecond, 25*time.Millisecond)
	}
	r.kill()
	return sent
}

func kills(n, underRace int) int {
	if raceBuild {
		return underRace
	}
	return n
}

// TestKillNothingLostNothingTwice kills the bot at random moments while
// customers write; after a last restart every message has exactly one
// reply on the customer's screen.
func TestKillNothingLostNothingTwice(t *testing.T) {
	began := time.Now()
	r := newKillRig(t, topicCommands()...)
	customers := newCustomers(r.srv, 6)
	queue := r.plan(customers)
	nKills := kills(24, 12)

	for i := 0; i < nKills; i++ {
		quota := (len(queue) + nKills - i - 1) / (nKills - i)
		queue = queue[r.life(queue, quota):]
	}
	r.start()
	r.waitLogin()
	for _, m := range queue {
		m.c.Send(m.text)
		r.pause(time.Millisecond, 5*time.Millisecond)
	}
	all := r.plan(customers) // the same messages: one reply each
	want := make(map[*fakewa.Customer]map[string]bool)
	for _, m := range all {
		if want[m.c] == nil {
			want[m.c] = make(map[string]bool)
		}
		want[m.c][m.reply] = true
	}
	answered := func() bool {
		for c, texts := range want {
			got := shownCounts(c)
			for text := range texts {
				if got[text] == 0 {
					return false
				}
			}
		}
		return true
	}
	r.waitFor(answered)
	r.settle(500 * time.Millisecond)
	r.stop()

	duplicates, unanswered, unexpected, resent := 0, 0, 0, 0
	for _, c := range customers {
		got := shownCounts(c)
		for text := range want[c] {
			switch n := got[text]; {
			case n == 0:
				unanswered++
				t.Logf("%s: no %q", c.PN().User, text)
			case n > 1:
				duplicates += n - 1
				t.Logf("%s: %q shown %d times", c.PN().User, text, n)
			}
			delete(got, text)
		}
		for text, n := range got {
			unexpected += n
			t.Logf("%s: unexpected %q shown %d times", c.PN().User, text, n)
		}
		resent += len(c.Deliveries()) - len(c.Shown())
	}
	t.Logf("kill test: %d kills, %d messages, duplicates %d, unanswered %d, unexpected %d (resent with the same id and shown once: %d; %v)",
		r.kills, len(all), duplicates, unanswered, unexpected, resent, time.Since(began).Round(time.Millisecond))
	if duplicates != 0 || unanswered != 0 || unexpected != 0 {
		t.Errorf("duplicates %d, unanswered %d, unexpected %d; want none (seed %d)", duplicates, unanswered, unexpected, r.seed)
	}
}

// offAck tells whether a message the phone got is the acknowledgement of
// !off.
func offAck(m fakewa.Received) bool {
	return selfChat(m) && strings.HasPrefix(m.Text, "Automatic replies are OFF")
}

func onAck(m fakewa.Received) bool {
	return selfChat(m) && strings.HasPrefix(m.Text, "Automatic replies are ON")
}

// firstAfter is the first of the peer's deliveries after Seq from for
// which match holds.
func firstAfter(p interface{ Deliveries() []fakewa.Received }, from uint64, match func(fakewa.Received) bool) (fakewa.Received, bool) {
	for _, m := range p.Deliveries() {
		if m.Seq > from && match(m) {
			return m, true
		}
	}
	return fakewa.Received{}, false
}

// sendsBetween lists the customers' deliveries with from < Seq < to (to 0:
// no end).
func sendsBetween(customers []*fakewa.Customer, from, to uint64) []fakewa.Received {
	var out []fakewa.Received
	for _, c := range customers {
		for _, m := range c.Deliveries() {
			if m.Seq > from && (to == 0 || m.Seq < to) {
				out = append(out, m)
			}
		}
	}
	return out
}

func lastSeq(p interface{ Deliveries() []fakewa.Received }) uint64 {
	d := p.Deliveries()
	if len(d) == 0 {
		return 0
	}
	return d[len(d)-1].Seq
}

// TestKillAroundOff kills the bot at random moments while customers write
// and replies go out; in the middle of it the owner sends !off, with kill
// points right around it. Once the owner's phone has the acknowledgement,
// no automatic message reaches any customer.
func TestKillAroundOff(t *testing.T) {
	began := time.Now()
	r := newKillRig(t, topicCommands()...)
	customers := newCustomers(r.srv, 4)
	queue := r.plan(customers)
	phone := r.srv.Phone()
	nKills := kills(12, 8)
	offLife := nKills/3 + r.rng.Intn(nKills/3)
	messages := 0
	var offSeq uint64 // the phone's last delivery before !off

	for i := 0; i < nKills; i++ {
		quota := (len(queue) + nKills - i - 1) / (nKills - i)
		if i != offLife {
			n := r.life(queue, quota)
			messages += n
			queue = queue[n:]
			continue
		}
		// Kill points around !off: while customers write and replies
		// go out, the owner sends !off; the child dies a random moment
		// later, before or after the acknowledgement.
		r.start()
		r.waitLogin()
		for range quota / 2 {
			queue[0].c.Send(queue[0].text)
			queue, messages = queue[1:], messages+1
			r.pause(time.Millisecond, 20*time.Millisecond)
		}
		offSeq = lastSeq(phone)
		phone.SendToSelf("!off")
		deadline := time.Now().Add(r.between(time.Millisecond, 20*time.Millisecond))
		if r.rng.Intn(2) == 0 {
			deadline = time.Now().Add(r.between(20*time.Millisecond, 300*time.Millisecond))
		}
		for time.Now().Before(deadline) && len(queue) > 0 {
			queue[0].c.Send(queue[0].text)
			queue, messages = queue[1:], messages+1
			r.pause(time.Millisecond, 30*time.Millisecond)
		}
		r.kill()
	}
	r.start()
	r.waitLogin()
	acked := r.waitFor(func() bool { _, ok := firstAfter(phone, offSeq, offAck); return ok })
	for _, m := range queue[:min(len(queue), 6)] { // still writing after the acknowledgement
		m.c.Send(m.text)
		messages++
	}
	r.settle(700 * time.Millisecond)
	r.stop()

	duplicates := 0
	for _, c := range customers {
		for text, n := range shownCounts(c) {
			if n > 1 {
				duplicates += n - 1
				t.Logf("%s: %q shown %d times", c.PN().User, text, n)
			}
		}
	}
	acks := 0
	for _, m := range phone.Shown() {
		if m.Seq > offSeq && offAck(m) {
			acks++
		}
	}
	after := -1
	if ack, ok := firstAfter(phone, offSeq, offAck); ok {
		late := sendsBetween(customers, ack.Seq, 0)
		after = len(late)
		for _, m := range late {
			t.Logf("after the !off acknowledgement (#%d) customer got %q (#%d, %v later)", ack.Seq, m.Text, m.Seq, m.At.Sub(ack.At))
		}
	}
	t.Logf("kill test (!off): %d kills, %d messages, duplicates %d, sends after !off %d, !off acknowledged %d times (%v)",
		r.kills, messages, duplicates, max(after, 0), acks, time.Since(began).Round(time.Millisecond))
	if !acked || acks == 0 {
		t.Errorf("the owner's !off was never acknowledged (seed %d)", r.seed)
	}
	if acks > 1 {
		t.Errorf("the phone shows %d acknowledgements of one !off, want 1 (seed %d)", acks, r.seed)
	}
	if after > 0 || duplicates > 0 {
		t.Errorf("sends after !off %d, duplicates %d; want none (seed %d)", after, duplicates, r.seed)
	}
}

// TestKillRightAfterOff kills the bot right after the owner sent !off, in
// several rounds: after the restart WhatsApp delivers the command again,
// the kill switch is on, the owner gets the acknowledgement once, and no
// automatic reply follows; !on then turns replies back on for the next
// round.
func TestKillRightAfterOff(t *testing.T) {
	began := time.Now()
	r := newKillRig(t, topicCommands()...)
	phone := r.srv.Phone()
	rounds := kills(6, 4)
	noAck, switchOff, after, acksTwice, notAnswered := 0, 0, 0, 0, 0

	r.start()
	r.waitLogin()
	for round := range rounds {
		// Replies are on: a customer gets an answer. New customers each
		// round: keyword answers go to a customer once an hour.
		customers := newCustomers(r.srv, 2)
		c, w := customers[0], topics[round%len(topics)]
		c.Send("about " + w)
		if !r.waitFor(func() bool { return shownCounts(c)["Answer "+w] > 0 }) {
			notAnswered++
			t.Logf("round %d: %s got no answer about %s before !off", round, c.PN().User, w)
		}

		offSeq := lastSeq(phone)
		id := phone.SendToSelf("!off")
		// Kill a random moment after the command went out: before the
		// child got it, while it handles it, or just after.
		if r.rng.Intn(3) > 0 {
			r.waitFor(func() bool { return r.srv.DeliveryCount(id) > 0 })
		}
		r.pause(time.Microsecond, 15*time.Millisecond)
		r.kill()
		r.start()
		r.waitLogin()
		if !r.waitForAtMost(8*time.Second, func() bool { _, ok := firstAfter(phone, offSeq, offAck); return ok }) {
			noAck++
			t.Logf("round %d: !off (%s) not acknowledged after the restart", round, id)
		}
		// Customers write while replies are off: nothing answers them.
		before := make([]int, len(customers))
		for i, c := range customers {
			before[i] = len(c.Deliveries())
			c.Send("about " + topics[(round+i+1)%len(topics)])
		}
		r.settle(500 * time.Millisecond)
		for i, c := range customers {
			if d := c.Deliveries(); len(d) > before[i] {
				switchOff++
				t.Logf("round %d: after the restart %s got %q: the kill switch is not on", round, c.PN().User, d[before[i]].Text)
			}
		}
		if ack, ok := firstAfter(phone, offSeq, offAck); ok {
			for _, m := range sendsBetween(customers, ack.Seq, 0) {
				after++
				t.Logf("round %d: after the !off acknowledgement a customer got %q", round, m.Text)
			}
		}
		n := 0
		for _, m := range phone.Shown() {
			if m.Seq > offSeq && offAck(m) {
				n++
			}
		}
		if n > 1 {
			acksTwice++
		}

		onSeq := lastSeq(phone)
		phone.SendToSelf("!on")
		if !r.waitFor(func() bool { _, ok := firstAfter(phone, onSeq, onAck); return ok }) {
			t.Fatalf("round %d: !on not acknowledged", round)
		}
		r.settle(200 * time.Millisecond)
	}
	r.stop()
	t.Logf("kill test (kill right after !off): %d kills, %d rounds, !off not acknowledged %d, kill switch not on after restart %d, sends after !off %d, !off acknowledged twice %d, unanswered while on %d (%v)",
		r.kills, rounds, noAck, switchOff, after, acksTwice, notAnswered, time.Since(began).Round(time.Millisecond))
	if noAck != 0 || switchOff != 0 || after != 0 || acksTwice != 0 || notAnswered != 0 {
		t.Errorf("!off not acknowledged %d, switch not on %d, sends after !off %d, acknowledged twice %d, unanswered %d; want none (seed %d)",
			noAck, switchOff, after, acksTwice, notAnswered, r.seed)
	}
}
