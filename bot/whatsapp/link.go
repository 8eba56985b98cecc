package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mdp/qrterminal/v3"
	"go.mau.fi/whatsmeow"
)

// ErrLinkTimeout is returned by Link when WhatsApp stopped offering codes
// before the phone linked (about 160 s of QR codes).
var ErrLinkTimeout = errors.New("no phone linked before the codes expired")

// ErrClientOutdated is returned by Link when WhatsApp refuses this client
// version.
var ErrClientOutdated = errors.New("WhatsApp says this version of frontdesk is outdated; update it")

// Link links the account as a new companion device. Without pairPhone it
// shows QR codes (printed in the terminal, refreshed until linked or until
// WhatsApp stops offering them); with pairPhone ("+39 333...") it asks for
// an 8-character code to type on the phone instead. It returns once the
// phone accepted, having printed "Linked as +NUMBER". Without network it
// says so and retries until ctx ends.
func (a *Adapter) Link(ctx context.Context, pairPhone string) (Own, error) {
	if a.Linked() {
		return a.Own(), nil
	}
	for attempt := 1; ; attempt++ {
		c := a.cur.Load()
		if attempt > 1 {
			// A client whose connection failed keeps its QR handler
			// registered: start over with a fresh one for the same device.
			c.close(a.log)
			c = a.setConn(c.cli.Store)
		}
		c.cli.InitialAutoReconnect = false
		// While linking, the caller's ctx (Ctrl-C) must also abort a dial
		// in progress; once linked the connection lives on its own.
		unhook := context.AfterFunc(ctx, c.cancel)
		own, retry, err := a.linkOnce(ctx, c, pairPhone)
		unhook()
		if err == nil {
			return own, nil
		}
		if ctx.Err() != nil {
			c.close(a.log)
			return Own{}, ctx.Err()
		}
		if !retry {
			c.close(a.log)
			return Own{}, err
		}
		delay := retryDelay(attempt)
		a.sayRetry(err, delay)
		if !sleepCtx(ctx, delay) {
			c.close(a.log)
			return Own{}, ctx.Err()
		}
	}
}

// linkOnce is one linking attempt on c. retry says whether a failure is the
// network's (try again) rather than the person's or WhatsApp's verdict.
func (a *Adapter) linkOnce(ctx context.Context, c *conn, pairPhone string) (own Own, retry bool, err error) {
	qrs, err := c.cli.GetQRChannel(c.ctx)
	if err != nil {
		return Own{}, false, fmt.Errorf("prepare linking: %w", err)
	}
	if err := c.cli.ConnectContext(c.ctx); err != nil {
		return Own{}, true, err
	}
	var (
		shown      bool
		lastCode   time.Time
		lastExpiry time.Duration
	)
	for {
		var item whatsmeow.QRChannelItem
		var ok bool
		select {
		case <-ctx.Done():
			return Own{}, false, ctx.Err()
		case item, ok = <-qrs:
		}
		if !ok {
			return Own{}, true, errors.New("linking interrupted")
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			lastCode, lastExpiry = time.Now(), item.Timeout
			if pairPhone != "" {
				if shown {
					continue // the pairing code stays valid; ignore new QR refs
				}
				code, err := c.cli.PairPhone(ctx, pairPhone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
				if err != nil {
					return Own{}, false, fmt.Errorf("ask WhatsApp for a pairing code for %s: %w", pairPhone, err)
				}
				shown = true
				a.say("Pairing code: %s", code)
				a.say("On the phone: WhatsApp > Settings > Linked devices > Link a device > Link with phone number instead, then type the code.")
				continue
			}
			shown = true
			a.showQR(item.Code, item.Timeout)
		case whatsmeow.QRChannelSuccess.Event:
			a.setOwn(c.cli.Store)
			own = a.Own()
			a.say("Linked as %s", own.Self())
			return own, false, nil
		case whatsmeow.QRChannelTimeout.Event:
			if shown && time.Since(lastCode) >= lastExpiry-2*time.Second {
				return Own{}, false, ErrLinkTimeout
			}
			return Own{}, true, errors.New("connection closed while linking")
		case whatsmeow.QRChannelEventError:
			return Own{}, false, fmt.Errorf("linking failed: %w", item.Error)
		case whatsmeow.QRChannelClientOutdated.Event:
			return Own{}, false, ErrClientOutdated
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			a.say("The phone scanned the code but has multi-device off; turn it on and scan again.")
		default:
			return Own{}, false, fmt.Errorf("linking failed: unexpected %q", item.Event)
		}
	}
}

// showQR prints a QR code (half blocks, so it fits a terminal) and hands it
// to the OnQR hook.
func (a *Adapter) showQR(code string, valid time.Duration) {
	a.out.write(func(w io.Writer) {
		fmt.Fprintln(w, "Scan this QR code with the business phone: WhatsApp > Settings > Linked devices > Link a device.")
		qrterminal.GenerateHalfBlock(code, qrterminal.L, w)
		fmt.Fprintf(w, "(a new code follows in %s)\n", valid.Round(time.Second))
	})
	a.log.Info("QR code shown", "valid", valid)
	if a.opts.OnQR != nil {
		a.opts.OnQR(code)
	}
}
