package commands

import (
	"reflect"
	"strings"
	"testing"

	"frontdesk/bot"
)

// TestVariantCommands sets, shows, lists and deletes language variants of
// each kind of customer text, and checks what is saved.
func TestVariantCommands(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00",
		"!away text Closed; back {next_open}.", "!greeting text Welcome!",
		"!kw add price = See the website", "!qr add /time Open {hours}")

	contains(t, "away es", tb.owner("!away text es Cerrado, volvemos {next_open}."),
		"Away message: text in Spanish saved.")
	contains(t, "greeting pt", tb.owner("!greeting text pt Bem-vindo!"), "Greeting: text in Portuguese saved.")
	contains(t, "kw de", tb.owner("!kw text 1 de Siehe Webseite"), "Keyword answer 1: text in German saved.")
	contains(t, "qr fr", tb.owner("!qr text time fr Ouvert {hours}"), "/time: text in French saved.")

	cfg := tb.saved()
	if !reflect.DeepEqual(cfg.Away.Variants, bot.Variants{"es": "Cerrado, volvemos {next_open}."}) ||
		!reflect.DeepEqual(cfg.Greeting.Variants, bot.Variants{"pt": "Bem-vindo!"}) ||
		!reflect.DeepEqual(cfg.Keywords[0].Variants, bot.Variants{"de": "Siehe Webseite"}) ||
		!reflect.DeepEqual(cfg.QuickReplies[0].Variants, bot.Variants{"fr": "Ouvert {hours}"}) {
		t.Fatalf("saved variants: away %v greeting %v kw %v qr %v", cfg.Away.Variants, cfg.Greeting.Variants, cfg.Keywords[0].Variants, cfg.QuickReplies[0].Variants)
	}
	if cfg.Away.Text != "Closed; back {next_open}." {
		t.Errorf("main away text changed: %q", cfg.Away.Text)
	}

	contains(t, "show away", tb.owner("!away"), "Text in Spanish: “Cerrado, volvemos {next_open}.”")
	contains(t, "show qr", tb.owner("!qr show /time"), "Text in French: “Ouvert {hours}”")
	contains(t, "kw list", tb.owner("!kw list"), "1. price = See the website [de]")

	// Refusals change nothing.
	before := tb.saved()
	for cmd, want := range map[string]string{
		"!away text es":               "Give the text in Spanish after es, or del to delete it.",
		"!away text es Hola {nombre}": "unknown placeholder {nombre}",
		"!kw text 5 es hola":          "There is no keyword answer 5.",
		"!kw text 1 xx hola":          "Give the number of the answer, a language (en, it, es, pt, de, fr) and its text.",
		"!kw text one es hola":        `"one" is not a number.`,
		"!qr text /nope es hola":      "There is no quick reply /nope.",
		"!qr text /time":              "Give the shortcut, a language",
		"!greeting text it del":       "Greeting: no text in Italian; nothing changed.",
	} {
		contains(t, cmd, tb.owner(cmd), want)
	}
	if after := tb.saved(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused command changed the configuration:\n%+v\n%+v", before, after)
	}

	// A capitalised first word is the main text.
	tb.must("!away text Es tarde; back {next_open}.")
	if got := tb.saved().Away.Text; got != "Es tarde; back {next_open}." {
		t.Errorf("main text = %q", got)
	}

	contains(t, "del", tb.owner("!away text es del"), "Away message: text in Spanish deleted; those customers get the main text.")
	if vs := tb.saved().Away.Variants; vs != nil {
		t.Errorf("variants after del: %v", vs)
	}
}

// TestVariantWithEmptyMainTextWarns: a main text that begins with a
// language code ("de lunes a viernes", Spanish "from Monday") is taken as
// that language's variant; while the main text is empty the answer says
// so and gives the command that saves all of it as the main text, and
// `!away text main ...` does.
func TestVariantWithEmptyMainTextWarns(t *testing.T) {
	tb := newTestBot(t)
	tb.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00")

	got := tb.owner("!away text de lunes a viernes 9-18; volvemos {next_open}")
	contains(t, "saved as German", got, "Away message: text in German saved.")
	contains(t, "main still empty", got, "The main text is still empty: customers whose number's country speaks another language get nothing. To make all of it the main text, send: !away text main de lunes a viernes 9-18; volvemos {next_open}")
	cfg := tb.saved()
	if cfg.Away.Text != "" || cfg.Away.Variants["de"] != "lunes a viernes 9-18; volvemos {next_open}" {
		t.Fatalf("saved: main %q, variants %v", cfg.Away.Text, cfg.Away.Variants)
	}

	contains(t, "main form", tb.owner("!away text main de lunes a viernes 9-18; volvemos {next_open}"), "Away message text saved.")
	if got := tb.saved().Away.Text; got != "de lunes a viernes 9-18; volvemos {next_open}" {
		t.Errorf("main text = %q", got)
	}
	contains(t, "main form for the greeting", tb.owner("!greeting text main es un placer"), "Greeting text saved.")
	if got := tb.saved().Greeting.Text; got != "es un placer" {
		t.Errorf("greeting main text = %q", got)
	}

	// With a main text, a variant is saved with a one-line way back.
	got = tb.owner("!away text es Cerrado, volvemos {next_open}.")
	contains(t, "variant with main", got, "Away message: text in Spanish saved.")
	contains(t, "hint", got, "If “es” was the first word of the main text instead, send: !away text main es Cerrado, volvemos {next_open}.")
	if strings.Contains(got, "still empty") {
		t.Errorf("warned of an empty main text that is set: %q", got)
	}

	before := tb.saved()
	contains(t, "main without text", tb.owner("!away text main"), "The text is missing.")
	if after := tb.saved(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused command changed the configuration")
	}

	// In the owner's language.
	tb.must("!lang it")
	contains(t, "Italian", tb.owner("!greeting text pt obrigado"), "Se “pt” era la prima parola del testo principale, invia invece: !greeting text main pt obrigado")
}
