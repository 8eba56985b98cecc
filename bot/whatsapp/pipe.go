package whatsapp

import (
	"context"
	"fmt"
	"sync"

	"frontdesk/bot"

	"go.mau.fi/whatsmeow/types"
)

// job is one converted event on its way to the worker: a message, or one
// of the bot's other events.
type job struct {
	msg  *bot.Message
	ev   any
	done chan error
}

// pipe connects whatsmeow's event callback to the one worker goroutine.
// The callback blocks until the worker has handled its job, so whatsmeow
// acknowledges a message only after the bot recorded it, and messages are
// handled one at a time, in order.
type pipe struct {
	jobs      chan job // unbuffered: a send means the worker has the job
	stopping  chan struct{}
	done      chan struct{}
	startOnce sync.Once
	stopOnce  sync.Once
	started   chan struct{}
}

func newPipe() *pipe {
	return &pipe{
		jobs:     make(chan job),
		stopping: make(chan struct{}),
		done:     make(chan struct{}),
		started:  make(chan struct{}),
	}
}

// start runs the worker, handing jobs to h through a.
func (p *pipe) start(h Handler, a *Adapter) {
	p.startOnce.Do(func() {
		close(p.started)
		go func() {
			defer close(p.done)
			for {
				select {
				case <-p.stopping:
					return
				case j := <-p.jobs:
					j.done <- a.handle(h, j)
				}
			}
		}()
	})
}

// submit hands j to the worker and waits for its verdict: true when handled.
// Before the worker starts it waits; once stopping it refuses at once.
func (p *pipe) submit(j job) bool {
	j.done = make(chan error, 1)
	select {
	case <-p.stopping:
		return false
	default:
	}
	select {
	case p.jobs <- j:
	case <-p.stopping:
		return false
	}
	return <-j.done == nil
}

// submitAsync hands j over without making whatsmeow wait for it.
func (p *pipe) submitAsync(j job) { go p.submit(j) }

// stop refuses new jobs and waits until the job in hand, if any, is done.
func (p *pipe) stop() {
	p.stopOnce.Do(func() { close(p.stopping) })
	select {
	case <-p.started:
		<-p.done
	default:
	}
}

// handle runs one job on the worker goroutine.
func (a *Adapter) handle(h Handler, j job) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.HandleTimeout)
	defer cancel()
	if j.msg == nil {
		if err := h.HandleEvent(ctx, j.ev); err != nil {
			a.log.Error("handle whatsapp event", "event", fmt.Sprintf("%T", j.ev), "err", err)
			return err
		}
		return nil
	}
	m := *j.msg
	if m.ChatAlt == "" && m.Kind != bot.OwnerSelf {
		m.ChatAlt = a.lookupAlt(ctx, m.Chat)
	}
	if m.Kind == bot.OwnerInChat {
		a.edits.remember(m.Chat, m.ID, m.Sent)
	}
	attrs := []any{"id", m.ID, "kind", m.Kind.String(), "chat", m.Chat.String(), "sent", m.Sent}
	if m.ChatAlt != "" {
		attrs = append(attrs, "alt", m.ChatAlt.String())
	}
	if a.opts.LogMessages {
		attrs = append(attrs, "text", m.Text)
	}
	a.log.Info("message", attrs...)
	if err := h.HandleMessage(ctx, m); err != nil {
		a.log.Error("message not recorded; WhatsApp will deliver it again", "id", m.ID, "err", err)
		return err
	}
	return nil
}

// lookupAlt finds the other identity of chat in whatsmeow's LID map
// (SenderAlt is not always sent).
func (a *Adapter) lookupAlt(ctx context.Context, chat bot.UserID) bot.UserID {
	jid, err := JID(chat)
	if err != nil {
		return ""
	}
	st := a.cur.Load().cli.Store
	if st == nil || st.LIDs == nil {
		return ""
	}
	var alt types.JID
	if chat.IsLID() {
		alt, err = st.LIDs.GetPNForLID(ctx, jid)
	} else {
		alt, err = st.LIDs.GetLIDForPN(ctx, jid)
	}
	if err != nil {
		a.log.Warn("look up other id", "chat", chat.String(), "err", err)
		return ""
	}
	return altOf(jid, alt)
}
