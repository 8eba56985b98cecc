package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// slogWA routes whatsmeow's printf-style logger into slog, so the whole
// program logs one structured stream. whatsmeow's Info is demoted to Debug
// (it narrates every connection step), and its reconnect errors too,
// because the adapter reports those itself in one clear line.
type slogWA struct {
	l      *slog.Logger
	module string
}

func newWALog(l *slog.Logger, module string) waLog.Logger {
	return slogWA{l: l, module: module}
}

// quiet are whatsmeow messages the adapter already tells the user about,
// or that say nothing the user can act on ("No LID found" comes with
// almost every message from a contact WhatsApp has not mapped yet; the
// adapter works with the phone number then).
var quiet = []string{
	"Error reconnecting after autoreconnect sleep",
	"Initial connection failed but reconnecting in background",
	"No LID found for ",
}

func (s slogWA) log(level slog.Level, msg string, args []any) {
	ctx := context.Background()
	if level >= slog.LevelWarn {
		for _, q := range quiet {
			if strings.HasPrefix(msg, q) {
				level = slog.LevelDebug
				break
			}
		}
	}
	if !s.l.Enabled(ctx, level) {
		return
	}
	s.l.Log(ctx, level, fmt.Sprintf(msg, args...), "module", s.module)
}

func (s slogWA) Errorf(msg string, args ...any) { s.log(slog.LevelError, msg, args) }
func (s slogWA) Warnf(msg string, args ...any)  { s.log(slog.LevelWarn, msg, args) }
func (s slogWA) Infof(msg string, args ...any)  { s.log(slog.LevelDebug, msg, args) }
func (s slogWA) Debugf(msg string, args ...any) { s.log(slog.LevelDebug-4, msg, args) }
func (s slogWA) Sub(module string) waLog.Logger {
	return slogWA{l: s.l, module: s.module + "/" + module}
}
