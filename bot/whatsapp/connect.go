package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// Start hands events to h from now on and connects (in the background: a
// first connection that fails is retried with back-off, and every failure
// is told on Out in one line). It returns at once.
func (a *Adapter) Start(h Handler) {
	c := a.cur.Load()
	c.pipe.start(h, a)
	c.cli.InitialAutoReconnect = true
	go a.connectLoop(c)
}

// connectLoop connects c unless it already is (right after pairing the
// client reconnects by itself after stream error 515), retrying errors that
// whatsmeow does not retry itself.
func (a *Adapter) connectLoop(c *conn) {
	for attempt := 1; ; attempt++ {
		if c.ctx.Err() != nil || c.cli.IsConnected() {
			return
		}
		err := c.cli.ConnectContext(c.ctx)
		if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) || c.ctx.Err() != nil {
			break
		}
		delay := retryDelay(attempt)
		a.sayRetry(err, delay)
		if !sleepCtx(c.ctx, delay) {
			return
		}
	}
	// Right after pairing, the 515 reconnect can fail silently (whatsmeow
	// does not auto-reconnect it). Check once a little later.
	if !sleepCtx(c.ctx, 20*time.Second) {
		return
	}
	if !c.cli.IsConnected() && !c.connected.Load() {
		if err := c.cli.ConnectContext(c.ctx); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			a.log.Warn("reconnect after linking failed", "err", err)
		}
	}
}

// reconnectFailed is whatsmeow's AutoReconnectHook: one clear line per
// failed attempt, and the back-off capped at a minute.
func (a *Adapter) reconnectFailed(c *conn, err error) bool {
	if c.ctx.Err() != nil {
		return false
	}
	if c.cli.AutoReconnectErrors > 30 {
		c.cli.AutoReconnectErrors = 30
	}
	delay := time.Duration(c.cli.AutoReconnectErrors) * 2 * time.Second
	a.sayRetry(err, delay)
	return true
}

// Stop stops taking events and waits for the one in hand to be finished.
// Events arriving from now on are reported as not handled, so WhatsApp
// delivers them again next time.
func (a *Adapter) Stop() { a.cur.Load().pipe.stop() }

// Disconnect closes the connection and stops reconnecting; it returns
// within about a second even while a connection attempt hangs.
func (a *Adapter) Disconnect() { a.cur.Load().close(a.log) }

func (c *conn) close(log *slog.Logger) {
	c.closeOnce.Do(func() {
		c.online.Store(false)
		if c.endedByServer.Load() {
			// Let whatsmeow finish closing the socket the server closed:
			// Disconnect racing its readPump trips a data race inside
			// whatsmeow (NoiseSocket.Stop vs FrameSocket.Close; even
			// IsConnected reads unlocked), so just give it a moment.
			time.Sleep(150 * time.Millisecond)
		}
		done := make(chan struct{})
		go func() { c.cli.Disconnect(); close(done) }()
		select {
		case <-done:
		case <-time.After(300 * time.Millisecond):
			// A dial in progress holds whatsmeow's socket lock: cancel it.
		}
		c.cancel()
		select {
		case <-done:
		case <-time.After(time.Second):
			log.Warn("whatsapp disconnect is slow; leaving it behind")
		}
	})
}

// Reset forgets the current session (after a logout: whatsmeow already
// deleted it, this makes sure) and prepares a fresh unlinked device.
func (a *Adapter) Reset(ctx context.Context) error {
	old := a.cur.Load()
	old.pipe.stop()
	old.close(a.log)
	// whatsmeow deletes the session in its own goroutine, without a lock:
	// do not touch the old device, delete what the database still holds.
	devices, err := a.container.GetAllDevices(ctx)
	if err != nil {
		return fmt.Errorf("load whatsapp session: %w", err)
	}
	for _, d := range devices {
		if err := d.Delete(ctx); err != nil {
			return fmt.Errorf("delete old whatsapp session: %w", err)
		}
	}
	device := a.container.NewDevice()
	a.own.Store(nil)
	a.setConn(device)
	for {
		select {
		case <-a.ended:
		default:
			return nil
		}
	}
}

// Logout unlinks the device: with the server when it can be reached within
// timeout (the phone then drops it from its list), else only locally.
// remote says which happened.
func (a *Adapter) Logout(ctx context.Context, timeout time.Duration) (remote bool, err error) {
	c := a.cur.Load()
	if c.cli.Store.ID == nil {
		return false, nil
	}
	c.pipe.stop() // nothing is handled during a logout; messages stay queued
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Past the timeout (or on Ctrl-C) a hanging dial is abandoned.
	unhook := context.AfterFunc(lctx, c.cancel)
	defer unhook()
	connected := make(chan struct{}, 1)
	id := c.cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	defer c.cli.RemoveEventHandler(id)
	if err := c.cli.ConnectContext(c.ctx); err == nil {
		select {
		case <-connected:
			if err := c.cli.Logout(lctx); err == nil {
				c.close(a.log)
				return true, nil
			} else {
				a.log.Warn("logout request failed", "err", err)
			}
		case <-lctx.Done():
		}
	} else {
		a.log.Warn("connect for logout failed", "err", err)
	}
	c.close(a.log)
	if err := c.cli.Store.Delete(ctx); err != nil {
		return false, fmt.Errorf("delete local whatsapp session: %w", err)
	}
	return false, nil
}

// retryAfterBan reconnects once a temporary ban is over (whatsmeow does not:
// a ban is a connect failure that stops auto-reconnect).
func (a *Adapter) retryAfterBan(c *conn, expire time.Duration) {
	if expire <= 0 {
		expire = time.Hour
	}
	if !sleepCtx(c.ctx, expire+time.Minute) {
		return
	}
	a.say("Trying WhatsApp again after the temporary ban.")
	if err := c.cli.ConnectContext(c.ctx); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
		a.say("Could not reconnect after the ban (%s); restart frontdesk later.", shortErr(err))
	}
}

// retryDelay is the back-off for our own retries: 2 s per attempt, at most
// a minute (as whatsmeow's own reconnect, capped).
func retryDelay(attempt int) time.Duration {
	d := time.Duration(attempt) * 2 * time.Second
	if d > time.Minute {
		d = time.Minute
	}
	return d
}

// sleepCtx waits d; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
