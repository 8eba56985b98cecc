package bot

import "testing"

// TestItalianBusinessFieldWordingIsGenderNeutral: the business field
// ("posizione", "sito web", "indirizzo") is named after the participle, so
// the participle agrees with "Dato" whatever the field's gender ("posizione
// dell'attività cancellato" was wrong).
func TestItalianBusinessFieldWordingIsGenderNeutral(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Tr("it", "Business %s cleared.", "posizione"), "Dato dell'attività cancellato: posizione."},
		{Tr("it", "Business %s cleared.", "sito web"), "Dato dell'attività cancellato: sito web."},
		{Tr("it", "Business %s saved: %s", "posizione", "Via Roma 1"), "Dato dell'attività salvato (posizione): Via Roma 1"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
