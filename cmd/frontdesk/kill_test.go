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

// maxOutstanding is how many unanswered messages a customer may have: the
// bot answers at most 5 waiting replies of one customer (more are a flood),
// and a slow child (the race detector) must not turn the test into one.
const maxOutstanding = 3

// ready moves to the front of queue the first message whose customer has
// fewer than maxOutstanding messages unanswered, and says whether there
// was one.
func (r *killRig) ready(queue []inbound) bool {
	for i, m := range queue {
		shown := shownCounts(m.c)
		n := 0
		for k := range r.ids {
			user, reply, _ := strings.Cut(k, " ")
			if user == m.c.PN().User && shown[reply] == 0 {
				n++
			}
		}
		if n < maxOutstanding {
			queue[0], queue[i] = queue[i], queue[0]
			return true
		}
	}
	return false
}

// send has the customer write the message.
func (r *killRig) send(m inbound) {
	r.t.Helper()
	id := m.c.Send(m.text)
	if r.ids == nil {
		r.ids = make(map[string]string)
	}
	r.ids[m.c.PN().User+" "+m.reply] = id
}

// explain says what became of the message whose reply is missing.
func (r *killRig) explain(c *fakewa.Customer, reply string) string {
	id := r.ids[c.PN().User+" "+reply]
	if id == "" {
		return "never sent"
	}
	return fmt.Sprintf("message %s delivered %d times, acked %v; recorded as %s",
		id, r.srv.DeliveryCount(id), r.srv.Acked(id), r.query("SELECT kind || ' rules ' || rules FROM fd_inbound WHERE msg_id = ?", id))
}

// plan lists every customer's message about every topic, in rounds: each
// customer writes once a round, in shuffled order, about a topic in
// shuffled order. Rounds keep the replies a customer has waiting few (one
// customer may have at most 5 waiting; more are a flood and get none)
// however many messages pile up while the bot is down.
func (r *killRig) plan(customers []*fakewa.Customer) []inbound {
	order := make([][]string, len(customers))
	for i := range customers {
		order[i] = append([]string(nil), topics...)
		r.rng.Shuffle(len(topics), func(a, b int) { order[i][a], order[i][b] = order[i][b], order[i][a] })
	}
	var all []inbound
	for round := range topics {
		for _, i := range r.rng.Perm(len(customers)) {
			w := order[i][round]
			all = append(all, inbound{c: customers[i], text: "a question about " + w + " please", reply: "Answer " + w})
		}
	}
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
		if sent < quota && sent < len(queue) && r.ready(queue[sent:]) {
			r.send(queue[sent])
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
	r := newKillRig(t, topicCommands()...)
	killAndCount(t, r, newCustomers(r.srv, 8), kills(24, 12))
}

// killAndCount has the customers write about every topic over nKills
// killed lives of the bot and a last one that answers the rest, and checks
// that each message got its reply exactly once.
func killAndCount(t *testing.T, r *killRig, customers []*fakewa.Customer, nKills int) {
	began := time.Now()
	queue := r.plan(customers)

	for i := 0; i < nKills; i++ {
		quota := (len(queue) + nKills - i - 1) / (nKills - i)
		queue = queue[r.life(queue, quota):]
	}
	all := r.plan(customers) // the same messages: one reply each
	want := make(map[*fakewa.Customer]map[string]bool)
	for _, m := range all {
		if want[m.c] == nil {
			want[m.c] = make(map[string]bool)
		}
		want[m.c][m.reply] = true
	}
	missing := func() int {
		n := 0
		for c, texts := range want {
			got := shownCounts(c)
			for text := range texts {
				if got[text] == 0 {
					n++
				}
			}
		}
		return n
	}
	// The last life answers the rest: what the killed ones left and the
	// messages not written yet, one round at a time. When the pace limit
	// holds replies back, the bot is stopped and started again a minute
	// later (a clean restart, not a kill) rather than waiting a minute.
	r.start()
	r.waitLogin()
	for restarts := 0; ; {
		for range min(len(customers), len(queue)) {
			if !r.ready(queue) {
				break
			}
			r.send(queue[0])
			queue = queue[1:]
			r.pause(time.Millisecond, 5*time.Millisecond)
		}
		left, since := missing(), time.Now()
		for left > len(queue) && time.Since(since) < 1500*time.Millisecond {
			time.Sleep(10 * time.Millisecond)
			if n := missing(); n < left {
				left, since = n, time.Now()
			}
		}
		if left == 0 || restarts == 5 {
			break
		}
		if left > len(queue) {
			r.stop()
			r.start()
			r.waitLogin()
			restarts++
		}
	}
	r.settle(500 * time.Millisecond)
	r.stop()

	duplicates, unanswered, unexpected, resent := 0, 0, 0, 0
	for _, c := range customers {
		got := shownCounts(c)
		for text := range want[c] {
			switch n := got[text]; {
			case n == 0:
				unanswered++
				t.Logf("%s: no %q (%s)", c.PN().User, text, r.explain(c, text))
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
// !off: its answer, or, when the kill fell between the saved change and
// the first word of the answer, the bot's note that it was done.
func offAck(m fakewa.Received) bool {
	return selfChat(m) && (strings.HasPrefix(m.Text, "Automatic replies are OFF") || m.Text == "Done before a restart: !off")
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

// shownAfter counts what the phone shows, arrived after Seq from, that
// matches.
func shownAfter(p interface{ Shown() []fakewa.Received }, from uint64, match func(fakewa.Received) bool) int {
	n := 0
	for _, m := range p.Shown() {
		if m.Seq > from && match(m) {
			n++
		}
	}
	return n
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
// and replies go out; in each cycle the owner sends !off in the middle of
// a burst of customer messages, with kill points right around it. Once the
// owner's phone has the acknowledgement, no automatic message reaches any
// customer until the owner sends !on.
func TestKillAroundOff(t *testing.T) {
	began := time.Now()
	r := newKillRig(t, topicCommands()...)
	phone := r.srv.Phone()
	cycles := kills(4, 3)
	var everyone []*fakewa.Customer
	messages, after, noAck, acksTwice := 0, 0, 0, 0

	for cycle := range cycles {
		// New customers each cycle: their first reply needs a new
		// session, the slowest send, so a send is more often in flight
		// when !off comes.
		customers := newCustomers(r.srv, 4)
		everyone = append(everyone, customers...)
		queue := r.plan(customers)
		for range 2 {
			n := r.life(queue, 3)
			messages += n
			queue = queue[n:]
		}
		// Kill points around !off: customers write a burst, the owner
		// sends !off while the replies go out, and the child dies a
		// random moment later, before or after the acknowledgement.
		r.start()
		r.waitLogin()
		for range 2 + r.rng.Intn(4) {
			r.send(queue[0])
			queue, messages = queue[1:], messages+1
			r.pause(time.Microsecond, 5*time.Millisecond)
		}
		offSeq := lastSeq(phone)
		phone.SendToSelf("!off")
		deadline := time.Now().Add(r.between(time.Millisecond, 20*time.Millisecond))
		if r.rng.Intn(2) == 0 {
			deadline = time.Now().Add(r.between(20*time.Millisecond, 300*time.Millisecond))
		}
		for time.Now().Before(deadline) {
			r.send(queue[0])
			queue, messages = queue[1:], messages+1
			r.pause(time.Millisecond, 30*time.Millisecond)
		}
		r.kill()

		r.start()
		r.waitLogin()
		if !r.waitForAtMost(8*time.Second, func() bool { _, ok := firstAfter(phone, offSeq, offAck); return ok }) {
			noAck++
			t.Logf("cycle %d: !off never acknowledged", cycle)
		}
		for range 3 { // still writing after the acknowledgement
			r.send(queue[0])
			queue, messages = queue[1:], messages+1
		}
		r.settle(300 * time.Millisecond)
		if ack, ok := firstAfter(phone, offSeq, offAck); ok {
			for _, m := range sendsBetween(everyone, ack.Seq, 0) {
				after++
				t.Logf("cycle %d: after the !off acknowledgement (#%d) %s got %q (#%d, %v later)",
					cycle, ack.Seq, m.Chat.User, m.Text, m.Seq, m.At.Sub(ack.At))
			}
		}
		if shownAfter(phone, offSeq, offAck) > 1 {
			acksTwice++
		}
		onSeq := lastSeq(phone)
		phone.SendToSelf("!on")
		if !r.waitFor(func() bool { _, ok := firstAfter(phone, onSeq, onAck); return ok }) {
			t.Fatalf("cycle %d: !on not acknowledged", cycle)
		}
		r.settle(100 * time.Millisecond)
		r.kill()
	}

	duplicates := 0
	for _, c := range everyone {
		for text, n := range shownCounts(c) {
			if n > 1 {
				duplicates += n - 1
				t.Logf("%s: %q shown %d times", c.PN().User, text, n)
			}
		}
	}
	t.Logf("kill test (!off): %d kills, %d messages, %d times !off, duplicates %d, sends after !off %d, !off not acknowledged %d, acknowledged twice %d (%v)",
		r.kills, messages, cycles, duplicates, after, noAck, acksTwice, time.Since(began).Round(time.Millisecond))
	if after != 0 || duplicates != 0 || noAck != 0 || acksTwice != 0 {
		t.Errorf("sends after !off %d, duplicates %d, !off not acknowledged %d, acknowledged twice %d; want none (seed %d)",
			after, duplicates, noAck, acksTwice, r.seed)
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
			t.Logf("round %d: !off (%s) not acknowledged after the restart (delivered %d times, acked %v); the killed child's log ends:\n%s\nthe new child's:\n%s",
				round, id, r.srv.DeliveryCount(id), r.srv.Acked(id), r.logTail(r.lives-2, 1500), r.logTail(r.lives-1, 1500))
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
		if shownAfter(phone, offSeq, offAck) > 1 {
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
