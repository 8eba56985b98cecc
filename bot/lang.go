package bot

import "strings"

// This file names the languages frontdesk speaks and tells which one a
// customer's phone number suggests.

// Languages are the languages of the owner's answers (`!lang`) and of
// customer text variants, English first. Each but English has a file in
// locales/.
var Languages = []string{"en", "it", "es", "pt", "de", "fr"}

// languageNames are the catalog keys of the languages' names, as the
// owner reads them in their own language.
var languageNames = map[string]string{
	"en": N("English"),
	"it": N("Italian"),
	"es": N("Spanish"),
	"pt": N("Portuguese"),
	"de": N("German"),
	"fr": N("French"),
}

// IsLanguage reports whether code is one of Languages.
func IsLanguage(code string) bool {
	_, ok := languageNames[code]
	return ok
}

// LanguageName is the name of the language code in lang ("Spanish",
// "spagnolo"); code itself when it is not one of Languages.
func LanguageName(lang, code string) string {
	if key, ok := languageNames[code]; ok {
		return T(lang, key)
	}
	return code
}

// LanguageList is the codes joined for a message: "en, it, es, pt, de, fr".
func LanguageList() string { return strings.Join(Languages, ", ") }

// callingCodes maps an international calling code (country code, and for
// the North American +1 the area code too) to the language a customer
// with such a number most likely reads, among Languages. The longest
// code that starts a number wins: +1 514 (Montreal) is French, +1 212
// English. Countries with several official languages get the one most of
// their people speak among ours: Switzerland German, Belgium and
// Luxembourg French, Cameroon French, Puerto Rico Spanish. A number whose
// country speaks none of them (or that is not in the table) has no
// language, and its customer gets the main text.
var callingCodes = map[string]string{
	// English
	"1": "en", "44": "en", "353": "en", "61": "en", "64": "en", "27": "en",
	"234": "en", "233": "en", "254": "en", "256": "en", "260": "en",
	"263": "en", "265": "en", "267": "en", "231": "en", "232": "en",
	"220": "en", "65": "en", "63": "en", "356": "en", "350": "en",
	"1876": "en", "1868": "en", "1242": "en", "1246": "en", "1441": "en",
	// Italian
	"39": "it", "378": "it", "379": "it",
	// Spanish: Spain, Latin America, Equatorial Guinea; the Dominican
	// Republic and Puerto Rico dial +1 with their own area codes.
	"34": "es", "52": "es", "54": "es", "56": "es", "57": "es", "58": "es",
	"51": "es", "53": "es", "591": "es", "593": "es", "595": "es",
	"598": "es", "502": "es", "503": "es", "504": "es", "505": "es",
	"506": "es", "507": "es", "240": "es",
	"1809": "es", "1829": "es", "1849": "es", "1787": "es", "1939": "es",
	// Portuguese
	"351": "pt", "55": "pt", "244": "pt", "258": "pt", "238": "pt",
	"245": "pt", "239": "pt", "670": "pt",
	// German: Germany, Austria, Liechtenstein, Switzerland.
	"49": "de", "43": "de", "423": "de", "41": "de",
	// French: France and its overseas departments and territories,
	// Belgium, Luxembourg, Monaco, Haiti, French-speaking Africa, and
	// Quebec's area codes.
	"33": "fr", "32": "fr", "352": "fr", "377": "fr", "262": "fr",
	"590": "fr", "594": "fr", "596": "fr", "508": "fr", "681": "fr",
	"687": "fr", "689": "fr", "509": "fr", "221": "fr", "223": "fr",
	"224": "fr", "225": "fr", "226": "fr", "227": "fr", "228": "fr",
	"229": "fr", "235": "fr", "236": "fr", "237": "fr", "241": "fr",
	"242": "fr", "243": "fr", "253": "fr", "257": "fr", "261": "fr",
	"269":  "fr",
	"1418": "fr", "1438": "fr", "1450": "fr", "1514": "fr", "1579": "fr",
	"1581": "fr", "1819": "fr", "1873": "fr", "1367": "fr", "1354": "fr",
	"1263": "fr", "1468": "fr",
}

// maxCallingCode is the length of the longest key of callingCodes.
const maxCallingCode = 4

// NumberLanguage returns the language of a phone number's calling code
// and that code ("34" for +34 600 ...), or "", "" when the number is not
// a phone number (a hidden LID) or its code is not in the table.
func NumberLanguage(id UserID) (lang, code string) {
	if id.IsLID() {
		return "", ""
	}
	digits := string(id)
	for n := min(maxCallingCode, len(digits)); n >= 1; n-- {
		if l, ok := callingCodes[digits[:n]]; ok {
			return l, digits[:n]
		}
	}
	return "", ""
}

// languageWords are the words ParseLanguage accepts besides the codes:
// each language's name in the six languages, accents optional.
var languageWords = map[string]string{
	"english": "en", "inglese": "en", "ingles": "en", "englisch": "en", "anglais": "en",
	"italian": "it", "italiano": "it", "italienisch": "it", "italien": "it",
	"spanish": "es", "spagnolo": "es", "espanol": "es", "espanhol": "es", "spanisch": "es", "espagnol": "es",
	"portuguese": "pt", "portoghese": "pt", "portugues": "pt", "portugiesisch": "pt", "portugais": "pt",
	"german": "de", "tedesco": "de", "aleman": "de", "alemao": "de", "deutsch": "de", "allemand": "de",
	"french": "fr", "francese": "fr", "frances": "fr", "franzosisch": "fr", "francais": "fr",
}

// ParseLanguage reads a language as the owner may write it: a code of
// Languages, a language tag whose language is one ("pt-BR", "de_CH"), or
// the language's name in any of them ("Deutsch", "español"). It returns
// the code, or false.
func ParseLanguage(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if base, region, ok := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-"); ok {
		base = strings.ToLower(base)
		if IsLanguage(base) && len(region) == 2 && Fold(region) == strings.ToLower(region) {
			return base, true
		}
		return "", false
	}
	s = Fold(s)
	if IsLanguage(s) {
		return s, true
	}
	code, ok := languageWords[s]
	return code, ok
}
