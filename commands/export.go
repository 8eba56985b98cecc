package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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

// DecodeConfig reads an export document and returns its configuration
// only when all of it is valid: the marker and version, no unknown field,
// nothing after the document, and bot.ValidateConfig (which names every
// wrong field). On any error it returns no configuration, so a caller
// never applies part of a document.
func DecodeConfig(data []byte) (bot.Config, error) {
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
	if err := bot.ValidateConfig(cfg); err != nil {
		return bot.Config{}, fmt.Errorf("invalid configuration: %w", err)
	}
	return normalizeConfig(cfg), nil
}

// jsonError words a decoding error with where it happened.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *time.ParseError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("broken JSON at character %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return fmt.Errorf("%s should be %v, not a JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.As(err, &tim):
		return fmt.Errorf("%q is not a time like 2026-11-25T10:00:00Z", tim.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the document is cut short")
	}
	return err
}

func exportCommand() *Command {
	return &Command{
		Name:    "export",
		Aliases: []string{"esporta"},
		Usage:   "!export",
		Help:    "Sends the whole configuration as one JSON document, to keep or to paste back with !import.",
		HelpIt:  "Invia tutta la configurazione come un documento JSON, da conservare o da incollare con !import.",
		Example: "!export",
		Run: func(ctx context.Context, c *Call) error {
			if err := noArgs(c); err != nil {
				return err
			}
			doc, err := EncodeConfig(c.Bot.Config())
			if err != nil {
				return err
			}
			return c.Reply(string(doc))
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
		HelpIt:  "Sostituisce tutta la configurazione con un documento di !export; lo controlla tutto prima e non cambia nulla se c'è un errore.",
		Example: "!import {\"frontdesk\": 1, \"config\": {...}}",
		Run:     runImport,
	}
}

// runImport replaces the configuration. Only the owner may: a document
// carries the admin list, so an admin could otherwise make admins.
func runImport(ctx context.Context, c *Call) error {
	if c.Admin {
		return c.Userf("Only the owner can import a configuration.", "Solo il titolare può importare una configurazione.")
	}
	doc := c.Rest(0)
	if strings.HasPrefix(c.raw, "{") {
		doc = strings.TrimSpace(c.raw) // pasted as is: the "{" was taken as the command name
	}
	if doc == "" {
		return c.Usagef("Paste the document that !export sent.", "Incolla il documento inviato da !export.")
	}
	cfg, err := DecodeConfig([]byte(doc))
	if err != nil {
		msg := c.Tf("Import refused, nothing was changed: %v", "Importazione rifiutata, non è cambiato nulla: %v", err)
		if strings.ContainsAny(doc, "“”") {
			msg += "\n" + c.T("The document has curly quotes (“ ”): paste it exactly as !export sent it.",
				"Il documento ha virgolette curve (“ ”): incollalo esattamente come l'ha inviato !export.")
		}
		return &UserError{Msg: msg}
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
		"Configurazione importata: assenza %s, benvenuto %s, %d risposte a parole chiave, %d risposte rapide, %d chiusure, %d collaboratori. Scrivi !check per controllarla.",
		c.onOff(cfg.Away.On), c.onOff(cfg.Greeting.On), len(cfg.Keywords), len(cfg.QuickReplies), len(cfg.Holidays), len(cfg.Admins)))
}
