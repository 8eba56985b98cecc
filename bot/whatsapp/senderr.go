package whatsapp

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/socket"

	"frontdesk/bot"
)

// mapSendError puts a send error from whatsmeow under the core's sentinels,
// keeping whatsmeow's error in the chain: bot.ErrNotSent when the message
// certainly was not written to the socket (see notSent),
// bot.ErrAccountLimited when WhatsApp refused it for a restricted account.
// Anything else may have gone out.
func mapSendError(err error) error {
	if notSent(err) {
		return fmt.Errorf("%w: %w", bot.ErrNotSent, err)
	}
	if code, ok := serverErrorCode(err); ok && limitedCodes[code] {
		return fmt.Errorf("%w (WhatsApp error %d: reach-out limit): %w", bot.ErrAccountLimited, code, err)
	}
	return err
}

// mapUploadError maps an image upload's error. The message is sent only
// after the upload, so a connection failure there is bot.ErrNotSent.
func mapUploadError(err error) error {
	var netErr net.Error
	if notSent(err) || errors.As(err, &netErr) {
		return fmt.Errorf("%w: %w", bot.ErrNotSent, err)
	}
	return err
}

// notSent reports whether err, returned by whatsmeow's SendMessage,
// certainly means that the message stanza was never written to the socket,
// so sending it again cannot make a second copy. It follows SendMessage in
// whatsmeow's send.go (the pinned version): it fails before writing when
// there is no device id (ErrNotLoggedIn, checked first), when an info query
// it needs first fails (device list and LID usync: ErrIQTimedOut, a
// DisconnectedError for an "info query"), and when the socket is gone at
// the moment of writing (ErrNotConnected, socket.ErrSocketClosed, wrapped by
// sendDM as "failed to send message node"). After the write it fails with
// ErrMessageTimedOut, the context's error, a DisconnectedError for the
// "message send", or a bare ErrNotConnected / ErrSocketClosed from
// retryFrame, which resends a stanza already written once: none of those
// is certain, so none is mapped.
func notSent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, whatsmeow.ErrNotLoggedIn) || errors.Is(err, whatsmeow.ErrIQTimedOut) {
		return true
	}
	var disc *whatsmeow.DisconnectedError
	if errors.As(err, &disc) {
		return strings.HasPrefix(disc.Action, "info query")
	}
	if errors.Is(err, whatsmeow.ErrNotConnected) || errors.Is(err, socket.ErrSocketClosed) {
		return err != whatsmeow.ErrNotConnected && err != socket.ErrSocketClosed //nolint:errorlint // bare means retryFrame
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// serverErrorCode extracts N from whatsmeow's "server returned error N".
func serverErrorCode(err error) (int, bool) {
	if !errors.Is(err, whatsmeow.ErrServerReturnedError) {
		return 0, false
	}
	s := err.Error()
	i := strings.LastIndexByte(s, ' ')
	code, convErr := strconv.Atoi(s[i+1:])
	return code, convErr == nil
}
