package whatsapp

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"

	"frontdesk/bot"
)

// onEvent is whatsmeow's event callback. It converts and hands over, and
// never touches the database or the network itself, but for the phone's
// history sync, which it reads in the message's own turn (historySync).
func (a *Adapter) onEvent(c *conn, evt any) bool {
	own := a.Own()
	switch v := evt.(type) {
	case *events.Message:
		if n := historySyncOf(v); n != nil {
			return a.historySync(c, n, own)
		}
		m := Classify(v, own)
		if m.Kind == bot.Ignored {
			a.log.Debug("message ignored", "why", m.Why, "id", m.ID)
			return true
		}
		withFetch(&m, v.Message, c.cli)
		return c.pipe.submit(job{msg: &m})
	case *events.Receipt:
		if r, ok := OwnerRead(v, own); ok {
			return c.pipe.submit(job{ev: r})
		}
	case *events.OfflineSyncPreview:
		a.log.Info("catching up with messages received while offline", "messages", v.Messages, "total", v.Total)
	case *events.OfflineSyncCompleted:
		return c.pipe.submit(job{ev: bot.SyncDone{}})
	case *events.TemporaryBan:
		until := time.Time{}
		if v.Expire > 0 {
			until = time.Now().Add(v.Expire)
		}
		c.online.Store(false)
		a.setBanned(until, true)
		a.say("WhatsApp has temporarily banned this account (%s). Automatic replies are stopped.", v.String())
		c.pipe.submitAsync(job{ev: bot.AccountTrouble{Reason: "temporary ban: " + v.Code.String(), Until: until}})
		go a.retryAfterBan(c, v.Expire)
	case *events.Connected:
		c.online.Store(true)
		a.setOwn(c.cli.Store)
		a.setBanned(time.Time{}, false)
		if c.connected.Swap(true) {
			a.say("Reconnected to WhatsApp.")
		} else {
			a.say("Connected to WhatsApp as %s.", a.Own().Self())
		}
	case *events.Disconnected:
		c.online.Store(false)
		if c.connected.Load() && c.ctx.Err() == nil {
			a.say("Connection to WhatsApp lost; reconnecting.")
		}
	case *events.KeepAliveTimeout:
		a.say("WhatsApp is not answering (%d keep-alive failures since %s); the connection may be down.",
			v.ErrorCount, v.LastSuccess.Format("15:04:05"))
	case *events.KeepAliveRestored:
		a.say("WhatsApp is answering again.")
	case *events.LoggedOut:
		msg := fmt.Sprintf("WhatsApp logged this device out (%s): it was unlinked from the phone, or the phone was offline for too long.", v.Reason.String())
		a.say("%s", msg)
		a.end(c, Ended{LoggedOut: true, Message: msg})
	case *events.StreamReplaced:
		msg := "Another program connected to WhatsApp with this session, so this one was disconnected. Run only one frontdesk per database."
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.ClientOutdated:
		msg := "WhatsApp says this version of frontdesk is too old to connect. Update frontdesk."
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.ConnectFailure:
		msg := fmt.Sprintf("WhatsApp refused the connection: %s %s.", v.Reason.String(), v.Message)
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.StreamError:
		a.log.Warn("whatsapp stream error", "code", v.Code)
	case *events.UndecryptableMessage:
		a.log.Warn("could not decrypt a message", "id", v.Info.ID, "chat", UserID(v.Info.Chat))
	}
	return true
}

func (a *Adapter) end(c *conn, e Ended) {
	c.online.Store(false)
	c.endedByServer.Store(true)
	select {
	case a.ended <- e:
	default:
	}
}

func (a *Adapter) setBanned(until time.Time, banned bool) {
	a.banMu.Lock()
	defer a.banMu.Unlock()
	switch {
	case !banned:
		a.bannedUntil = time.Time{}
	case until.IsZero():
		a.bannedUntil = time.Now().Add(24 * time.Hour)
	default:
		a.bannedUntil = until
	}
}

func (a *Adapter) banned() bool {
	a.banMu.Lock()
	defer a.banMu.Unlock()
	return !a.bannedUntil.IsZero() && time.Now().Before(a.bannedUntil)
}

// historySyncOf is the history sync the account's own phone announces in
// v, or nil.
func historySyncOf(v *events.Message) *waE2E.HistorySyncNotification {
	if !v.Info.IsFromMe {
		return nil
	}
	return v.Message.GetProtocolMessage().GetHistorySyncNotification()
}

// historySync reads the phone's history sync (inline at linking: nothing
// to download) and hands its chats to the bot in the message's own turn,
// so that the message is acknowledged only once they are saved: a process
// that lets the session go before then (frontdesk link) leaves the
// notification to the next one, and a customer's message after it is
// decided knowing them. (whatsmeow's own handling, which the client's
// ManualHistorySyncDownload turns off, acknowledges it first and reads it
// on another goroutine.) A history that cannot be read is logged and
// acknowledged: it would fail again.
func (a *Adapter) historySync(c *conn, n *waE2E.HistorySyncNotification, own Own) bool {
	ctx, cancel := context.WithTimeout(c.ctx, a.opts.HandleTimeout)
	defer cancel()
	hs, err := c.cli.DownloadHistorySync(ctx, n, true)
	if err != nil {
		a.log.Warn("history sync unreadable; its chats are not marked known", "err", err)
		return true
	}
	if k := KnownChats(hs, own); len(k.Chats) > 0 {
		return c.pipe.submit(job{ev: k})
	}
	return true
}
