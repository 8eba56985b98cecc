package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"frontdesk/bot"
)

// This file is !export and !import, and the one encoding of a
// configuration they share with `frontdesk export` and `frontdesk import`:
// an indented JSON document {"frontdesk": 1, "config": {...}} whose field
// order is the order of bot.Config's fields, so exporting, importing and
// exporting again gives the same bytes.

// ExportVersion is the format version written as the "frontdesk" field.
const ExportVersion = 1

// exportDoc is the document: a marker with the format version, so that a
// stray JSON message is never mistaken for a configuration, and the
// configuration itself.
type exportDoc struct {
	Frontdesk int         `json:"frontdesk"`
	Config    *bot.Config `json:"config"`
}

// EncodeConfig renders cfg as the export document. Empty lists are written
// as [] (never null) and times in UTC, so that equal configurations give
// equal bytes however they were loaded.
func EncodeConfig(cfg bot.Config) ([]byte, error) {
	c := normalizeConfig(cfg)
	out, err := json.MarshalIndent(exportDoc{Frontdesk: ExportVersion, Config: &c}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return out, nil
}

// normalizeConfig returns a copy of cfg with every nil list made empty and
// every time in UTC; cfg itself is not touched.
func normalizeConfig(cfg bot.Config) bot.Config {
	c := cfg
	for d := range c.Hours.Days {
		c.Hours.Days[d] = append([]bot.Window{}, cfg.Hours.Days[d]...)
	}
	c.Holidays = append([]bot.Holiday{}, cfg.Holidays...)
	c.Away.Shifts = append([]bot.Shift{}, cfg.Away.Shifts...)
	c.Greeting.Shifts = append([]bot.Shift{}, cfg.Greeting.Shifts...)
	c.Keywords = make([]bot.Keyword, len(cfg.Keywords))
	for i, k := range cfg.Keywords {
		k.Phrases = append([]string{}, k.Phrases...)
		c.Keywords[i] = k
	}
	c.QuickReplies = make([]bot.QuickReply, len(cfg.QuickReplies))
	for i, q := range cfg.QuickReplies {
		q.Shortcuts = append([]string{}, q.Shortcuts...)
		q.Created = q.Created.UTC()
		c.QuickReplies[i] = q
	}
	c.Admins = append([]bot.UserID{}, cfg.Admins...)
	return c
}

// maxImportProblems is how many problems a refused import names; the
// rest are counted ("and 12 more"), so a broken document cannot make a
// huge answer.
const maxImportProblems = 10

// InvalidConfigError is a well-formed document whose configuration
// bot.ValidateConfig refused; Problems each name a field.
type InvalidConfigError struct {
	Problems []error
}

func (e *InvalidConfigError) Error() string { return e.In("en") }

// In words the refusal in lang with at most maxImportProblems problems,
// one a line, and counts the rest.
func (e *InvalidConfigError) In(lang string) string {
	var b strings.Builder
	b.WriteString(bot.T(lang, "invalid configuration: "))
	for i, p := range e.Problems {
		if i == maxImportProblems {
			b.WriteString("\n" + bot.Tr(lang, "and %d more", len(e.Problems)-i))
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(bot.ErrorText(lang, p))
	}
	return b.String()
}

// DecodeConfig reads an export document and returns its configuration
// only when all of it is valid: at most bot.MaxImportBytes, the marker and
// version, no unknown field, nothing after the document, and
// bot.ValidateConfig with self, the business's own number ("" when not
// known), which names every wrong field (*InvalidConfigError). On any
// error it returns no configuration, so a caller never applies part of a
// document.
func DecodeConfig(data []byte, self bot.UserID) (bot.Config, error) {
	if len(data) > bot.MaxImportBytes {
		return bot.Config{}, fmt.Errorf("the document is %d bytes; the limit is 1 MB (%d bytes)", len(data), bot.MaxImportBytes)
	}
	// JSON decoding would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(data) {
		return bot.Config{}, fmt.Errorf("the document is not valid UTF-8 text (at byte %d)", invalidUTF8At(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc exportDoc
	if err := dec.Decode(&doc); err != nil {
		return bot.Config{}, fmt.Errorf("not a frontdesk export: %w", jsonError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bot.Config{}, errors.New("not a frontdesk export: there is more text after the JSON document")
	}
	switch {
	case doc.Frontdesk == 0:
		return bot.Config{}, errors.New(`not a frontdesk export: the "frontdesk" marker is missing`)
	case doc.Frontdesk != ExportVersion:
		return bot.Config{}, fmt.Errorf("export format %d is not supported (this frontdesk reads format %d)", doc.Frontdesk, ExportVersion)
	case doc.Config == nil:
		return bot.Config{}, errors.New(`not a frontdesk export: the "config" part is missing`)
	}
	cfg := *doc.Config
	if err := bot.ValidateConfig(cfg, self); err != nil {
		problems := []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			problems = joined.Unwrap()
		}
		return bot.Config{}, &InvalidConfigError{Problems: problems}
	}
	return normalizeConfig(cfg), nil
}

// invalidUTF8At is the offset of the first byte that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// jsonError words a decoding error with where it happened, in the words
// of the document rather than Go's type names.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *time.ParseError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("broken JSON at character %d: %v", syn.Offset, syn)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf(`the document must be a JSON object like {"frontdesk": 1, "config": {...}}, not a JSON %s`, typ.Value)
	case errors.As(err, &typ):
		return fmt.Errorf("%s should be %s, not a JSON %s", typ.Field, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &tim):
		return fmt.Errorf("%s is not a time like 2026-11-25T10:00:00Z", bot.Clip(strconv.Quote(tim.Value), 40))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the document is cut short")
	}
	// Other messages may quote the document (an unknown field's name):
	// keep them short.
	return errors.New(bot.Clip(err.Error(), 200))
}

// jsonKind names what a Go type is written as in JSON.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "a time like \"2026-11-25T10:00:00Z\""
	}
	switch t.Kind() {
	case reflect.String:
		return "text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list [...]"
	}
	return "an object {...}"
}

func exportCommand() *Command {
	return &Command{
		Name:    "export",
		Aliases: []string{"esporta"},
		Usage:   "!export",
		Help:    "Sends the whole configuration as one JSON document, to keep or to paste back with !import.",
		Example: "!export",
		Run: func(ctx context.Context, c *Call) error {
			if err := noArgs(c); err != nil {
				return err
			}
			cfg := c.Bot.Config()
			doc, err := EncodeConfig(cfg)
			if err != nil {
				return err
			}
			if err := c.Reply(string(doc)); err != nil {
				return err
			}
			if list := mediaEntries(c, cfg); len(list) > 0 {
				return c.Reply(c.Tf("These entries carry a photo or document, which is not in the document (it names each by its sha256; `frontdesk export --media DIR` writes the files):\n%s", strings.Join(list, "\n")))
			}
			return nil
		},
	}
}

func importCommand() *Command {
	return &Command{
		Name: "import",
		// "{" lets the owner paste an !export document as it is: the
		// engine hands self-chat text starting with "{" to the router,
		// and the document's first word is "{" alone.
		Aliases: []string{"importa", "{"},
		Usage:   "!import <the JSON document sent by !export>",
		Help:    "Replaces the whole configuration with a document from !export; checks all of it first and changes nothing on any error.",
		Example: "!import {\"frontdesk\": 1, \"config\": {...}}",
		Run:     runImport,
	}
}

// runImport replaces the configuration. Only the owner may: a document
// carries the admin list, so an admin could otherwise make admins.
func runImport(ctx context.Context, c *Call) error {
	if c.Admin {
		return c.Userf("Only the owner can import a configuration.")
	}
	doc := c.Rest(0)
	if strings.HasPrefix(c.raw, "{") {
		doc = strings.TrimSpace(c.raw) // pasted as is: the "{" was taken as the command name
	}
	if doc == "" {
		return c.Usagef("Paste the document that !export sent.")
	}
	cfg, err := DecodeConfig([]byte(doc), c.Bot.Self())
	if err != nil {
		reason := bot.ErrorText(c.Lang(), err)
		var invalid *InvalidConfigError
		if errors.As(err, &invalid) {
			reason = invalid.In(c.Lang())
		}
		msg := c.Tf("Import refused, nothing was changed: %s", reason)
		if strings.ContainsAny(doc, "“”") {
			msg += "\n" + c.T("The document has curly quotes (“ ”): paste it exactly as !export sent it.")
		}
		return &UserError{Msg: msg}
	}
	if missing := missingMedia(c, cfg); len(missing) > 0 {
		return c.Userf("Import refused, nothing was changed: the media of %s is not kept in this database. Send each file again with its !qr add or !kw add command after importing without it (remove its \"media\" field).", strings.Join(missing, ", "))
	}
	err = c.Update(func(cur *bot.Config) error {
		*cur = cfg
		return nil
	})
	if err != nil {
		return fmt.Errorf("import configuration: %w", err)
	}
	c.SetLang(cfg.Lang)
	return c.Reply(c.Tf("Configuration imported: away %s, greeting %s, %d keyword answers, %d quick replies, %d holidays, %d admins. Type !check to review it.",
		c.onOff(cfg.Away.On), c.onOff(cfg.Greeting.On), len(cfg.Keywords), len(cfg.QuickReplies), len(cfg.Holidays), len(cfg.Admins)))
}

// mediaEntries lists the quick replies and keyword answers that carry
// media, one a line, for !export.
func mediaEntries(c *Call, cfg bot.Config) []string {
	var out []string
	for _, q := range cfg.QuickReplies {
		if q.Media != nil {
			out = append(out, strings.Join(q.Shortcuts, " ")+c.mediaNote(q.Media))
		}
	}
	for i, k := range cfg.Keywords {
		if k.Media != nil {
			out = append(out, c.Tf("keyword answer %d (%s)", i+1, strings.Join(k.Phrases, ", "))+c.mediaNote(k.Media))
		}
	}
	return out
}

// missingMedia names the entries of cfg whose media is not kept (or
// cannot be looked up), checking each without reading its bytes.
func missingMedia(c *Call, cfg bot.Config) []string {
	var out []string
	check := func(name string, ref *bot.MediaRef) {
		if ref == nil {
			return
		}
		if ok, err := c.Bot.HasMedia(c.ctx, *ref); err != nil || !ok {
			out = append(out, name)
		}
	}
	for i, q := range cfg.QuickReplies {
		check(fmt.Sprintf("quick_replies[%d]", i), q.Media)
	}
	for i, k := range cfg.Keywords {
		check(fmt.Sprintf("keywords[%d]", i), k.Media)
	}
	return out
}
