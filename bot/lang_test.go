package bot

import "testing"

func TestNumberLanguage(t *testing.T) {
	cases := []struct{ number, lang, code string }{
		{"+34 600 123 456", "es", "34"},
		{"+52 55 1234 5678", "es", "52"},
		{"+54 9 11 1234 5678", "es", "54"},
		{"+1 809 555 0100", "es", "1809"}, // Dominican Republic
		{"+55 11 91234 5678", "pt", "55"},
		{"+351 912 345 678", "pt", "351"},
		{"+244 923 123 456", "pt", "244"},
		{"+49 151 1234567", "de", "49"},
		{"+43 664 1234567", "de", "43"},
		{"+41 79 123 45 67", "de", "41"},
		{"+33 6 12 34 56 78", "fr", "33"},
		{"+32 470 12 34 56", "fr", "32"},
		{"+352 621 123 456", "fr", "352"},
		{"+1 514 555 0100", "fr", "1514"}, // Montreal
		{"+39 333 1234567", "it", "39"},
		{"+378 0549 123456", "it", "378"},
		{"+1 212 555 0100", "en", "1"},
		{"+44 7700 900123", "en", "44"},
		{"+61 412 345 678", "en", "61"},
		{"+81 90 1234 5678", "", ""}, // Japan: none of ours
		{"+7 912 345 67 89", "", ""},
	}
	for _, c := range cases {
		lang, code := NumberLanguage(PhoneID(c.number))
		if lang != c.lang || code != c.code {
			t.Errorf("%s: %q (+%s), want %q (+%s)", c.number, lang, code, c.lang, c.code)
		}
	}
	if lang, _ := NumberLanguage(LIDID("34600123456")); lang != "" {
		t.Errorf("a LID has language %q; it has no calling code", lang)
	}
	for code, lang := range callingCodes {
		if !IsLanguage(lang) || len(code) > maxCallingCode || PhoneID(code) != UserID(code) {
			t.Errorf("calling code %q → %q is not valid", code, lang)
		}
	}
}

func TestParseLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"es": "es", "ES": "es", "pt-BR": "pt", "de_CH": "de", "Deutsch": "de",
		"español": "es", "Français": "fr", "italiano": "it", "inglese": "en", "português": "pt",
	} {
		if got, ok := ParseLanguage(in); !ok || got != want {
			t.Errorf("ParseLanguage(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "xx", "en it", "pt-BRA", "klingon", "e"} {
		if got, ok := ParseLanguage(in); ok {
			t.Errorf("ParseLanguage(%q) = %q; want refused", in, got)
		}
	}
}
