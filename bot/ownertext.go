package bot

import (
	"fmt"
	"strings"
)

// Owner-facing messages the core itself sends (commands have their own).
const (
	msgLate = iota
	msgPauseOver
	msgPreview
	msgUnknownShortcut
	// msgMenuMore ends a /menu cut at MaxMenuEntries; customers read it,
	// in the business's language.
	msgMenuMore
)

var ownerTexts = map[string][]string{
	"en": {
		msgLate:            "While the bot was offline, %d chat(s) waited more than 6 hours. They got no automatic reply: please answer them yourself.",
		msgPauseOver:       "Pause over: automatic replies are on again.",
		msgPreview:         "%s becomes:\n\n%s",
		msgUnknownShortcut: "%s is not a quick reply, so nothing was changed.%s",
		msgMenuMore:        "and %d more",
	},
	"it": {
		msgLate:            "Mentre il bot era offline, %d chat hanno aspettato più di 6 ore. Non hanno avuto risposta automatica: rispondi tu.",
		msgPauseOver:       "Pausa finita: le risposte automatiche sono di nuovo attive.",
		msgPreview:         "%s diventa:\n\n%s",
		msgUnknownShortcut: "%s non è una risposta rapida, quindi non ho cambiato nulla.%s",
		msgMenuMore:        "e altre %d",
	},
}

// ownerText formats message key in lang (English when unknown).
func ownerText(lang string, key int, args ...any) string {
	t, ok := ownerTexts[lang]
	if !ok {
		t = ownerTexts["en"]
	}
	return fmt.Sprintf(t[key], args...)
}

// didYouMean is the hint after an unknown shortcut: the closest ones.
func didYouMean(lang string, list []string) string {
	if len(list) == 0 {
		return ""
	}
	if lang == "it" {
		return " Forse: " + strings.Join(list, ", ")
	}
	return " Did you mean: " + strings.Join(list, ", ")
}
