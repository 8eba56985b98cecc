package commands

import (
	"fmt"
	"strings"

	"frontdesk/bot"
)

// This file is what !check says about the language variants of customer
// texts (variants.go): their own problems, through storedTexts, and a
// language that some texts have and others lack.

// variantOwner is one customer text that may have variants: its short
// name for a list, its variants, and the command that adds one.
type variantOwner struct {
	name     string
	variants bot.Variants
	// add is the command with %s for the language code.
	add string
}

// variantOwners lists the texts that may have variants and are in use.
func variantOwners(c *Call, cfg bot.Config) []variantOwner {
	var out []variantOwner
	if cfg.Away.Text != "" {
		out = append(out, variantOwner{c.T("Away message"), cfg.Away.Variants, "!away text %s <text>"})
	}
	if cfg.Greeting.Text != "" {
		out = append(out, variantOwner{c.T("Greeting"), cfg.Greeting.Variants, "!greeting text %s <text>"})
	}
	// A file sent without a caption has no text to translate, unless a
	// caption was given in some language.
	for i, k := range cfg.Keywords {
		if k.Text == "" && len(k.Variants) == 0 {
			continue
		}
		out = append(out, variantOwner{c.Tf("Keyword answer %d", i+1), k.Variants, fmt.Sprintf("!kw text %d %%s <text>", i+1)})
	}
	for _, q := range cfg.QuickReplies {
		if len(q.Shortcuts) > 0 && (q.Text != "" || len(q.Variants) > 0) {
			out = append(out, variantOwner{q.Shortcuts[0], q.Variants, "!qr text " + q.Shortcuts[0] + " %s <text>"})
		}
	}
	return out
}

// variantTexts are the variants as stored texts, so that !check looks
// at their placeholders, promises and clock times as at the main texts.
func variantTexts(c *Call, cfg bot.Config) []storedText {
	var ts []storedText
	for i, o := range variantOwners(c, cfg) {
		for _, lang := range bot.Languages {
			t, ok := o.variants[lang]
			if !ok {
				continue
			}
			away := i == 0 && cfg.Away.Text != ""
			ts = append(ts, storedText{c.Tf("%s, text in %s", o.name, bot.LanguageName(c.Lang(), lang)), t,
				fmt.Sprintf(o.add, lang), away})
		}
	}
	return ts
}

// variantFindings reports, for each language that some texts have a
// variant in, the texts that have none: a customer from such a country
// gets those in the main language.
func variantFindings(c *Call, cfg bot.Config) []string {
	owners := variantOwners(c, cfg)
	var out []string
	for _, lang := range bot.Languages {
		have, missing := 0, []variantOwner(nil)
		for _, o := range owners {
			if _, ok := o.variants[lang]; ok {
				have++
			} else {
				missing = append(missing, o)
			}
		}
		if have == 0 || len(missing) == 0 {
			continue
		}
		names := make([]string, len(missing))
		for i, o := range missing {
			names[i] = o.name
		}
		out = append(out, c.Tf("Some texts have a version in %s, others not (%s): customers from those countries get the main text there. Add it: %s",
			bot.LanguageName(c.Lang(), lang), strings.Join(names, ", "), fmt.Sprintf(missing[0].add, lang)))
	}
	return out
}
