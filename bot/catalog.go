package bot

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// The message catalog: every text the owner reads (and the few words a
// customer reads in the business's language, like the end of a cut /menu)
// is written once, in English, at the place it is said, and that English
// text is its key, as in gettext. Each other language has one data file,
// locales/xx.json, mapping English key to translation; the files are
// embedded and loaded into a golang.org/x/text message catalog, which
// looks a text up by language (falling back to English). A text missing
// from a file is shown in English. catalog_test.go checks that every key
// used in packages bot and commands has a translation in every language,
// with the same placeholders, and that no translation is left unused.
//
// Formatting is plain fmt.Sprintf on the translated format: the catalog
// gives the format, not message.Printer, so numbers are not localised (a
// year stays 2026, not 2.026).

//go:embed locales/*.json
var localeFiles embed.FS

// loadCatalog gives each language's table (all but English), as read
// from its file, and the same loaded into the catalog. They are built on
// first use, not at start: about 3 MB, which a business that never needs
// another language than English never spends. tags are the languages'
// parsed tags.
var (
	loadCatalog = sync.OnceValues(loadLocales)
	tags        = func() map[string]language.Tag {
		out := map[string]language.Tag{}
		for _, l := range Languages {
			out[l] = language.MustParse(l)
		}
		return out
	}()
)

// loadLocales reads the embedded locale files. A file that does not
// parse, or a language without one, is a bug caught by every test run.
func loadLocales() (map[string]map[string]string, *catalog.Builder) {
	tables := map[string]map[string]string{}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, lang := range Languages[1:] {
		data, err := localeFiles.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic("catalog: " + err.Error())
		}
		table := map[string]string{}
		if err := json.Unmarshal(data, &table); err != nil {
			panic("catalog: locales/" + lang + ".json: " + err.Error())
		}
		tag := language.MustParse(lang)
		for key, text := range table {
			if err := b.SetString(tag, key, text); err != nil {
				panic("catalog: " + lang + ": " + err.Error())
			}
		}
		tables[lang] = table
	}
	return tables, b
}

// rawText is the catalog's renderer: it keeps the message as written,
// verbs included, for fmt to format.
type rawText struct{ strings.Builder }

func (r *rawText) Render(s string) { r.WriteString(s) }
func (r *rawText) Arg(i int) any   { return nil }

// T returns the translation of text in lang, or text itself when lang is
// English or the catalog has no translation. It does no formatting, so a
// text may hold a plain "%".
//
// When one English text needs two translations (Italian "e altre %d"
// quick replies, "e altri %d" problems), each place gives its key a
// context: "@menu|and %d more". The context is never shown: in English
// the key reads "and %d more".
func T(lang, text string) string {
	if lang == "en" || !slices.Contains(Languages, lang) {
		return English(text)
	}
	_, messages := loadCatalog()
	var r rawText
	if err := messages.Context(tags[lang], &r).Execute(text); err != nil {
		return English(text)
	}
	return r.String()
}

// English returns the English text of key: the key without its context.
func English(key string) string {
	if strings.HasPrefix(key, "@") {
		if _, text, ok := strings.Cut(key, "|"); ok {
			return text
		}
	}
	return key
}

// Tr formats the translation of format in lang (see T) with
// fmt.Sprintf. Arguments that are errors are shown in lang too
// (ErrorText).
func Tr(lang, format string, args ...any) string {
	return fmt.Sprintf(T(lang, format), localArgs(lang, args)...)
}

// Translated reports whether the catalog has text in lang (English always
// has it).
func Translated(lang, text string) bool {
	if lang == "en" {
		return true
	}
	locales, _ := loadCatalog()
	_, ok := locales[lang][text]
	return ok
}

// N marks text as a catalog key that is translated later, through a
// variable (as gettext's N_): a table of labels, a help sentence built
// with its command. It returns text unchanged.
func N(text string) string { return text }

// Problem is an error the owner may read: its text is a catalog key with
// arguments, so it can be shown in the owner's language (In), while
// Error gives English for logs. Arguments that are errors are wrapped
// (errors.Is and errors.As see them) and shown in the same language.
type Problem struct {
	Format string
	Args   []any
}

// Problemf returns a Problem; format is a catalog key. Use %v, not %w,
// for an error argument: it is wrapped all the same.
func Problemf(format string, args ...any) error {
	return &Problem{Format: format, Args: args}
}

func (p *Problem) Error() string { return p.In("en") }

// In renders the problem in lang.
func (p *Problem) In(lang string) string { return Tr(lang, p.Format, p.Args...) }

// Unwrap returns the arguments that are errors.
func (p *Problem) Unwrap() []error {
	var errs []error
	for _, a := range p.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// Problems is several problems found at once, one a line (ValidateConfig).
type Problems []error

// JoinProblems returns errs as Problems, or nil when there are none.
func JoinProblems(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return Problems(errs)
}

func (ps Problems) Error() string { return ps.In("en") }

// In renders every problem in lang, one a line.
func (ps Problems) In(lang string) string {
	lines := make([]string, len(ps))
	for i, err := range ps {
		lines[i] = ErrorText(lang, err)
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems.
func (ps Problems) Unwrap() []error { return ps }

// localized is an error that can be shown in a language.
type localized interface{ In(lang string) string }

// ErrorText renders err in lang when it is a Problem, Problems, or wraps
// one with errors that are not (then the Problem's text is shown alone
// only if err is exactly it); any other error shows its Error text.
func ErrorText(lang string, err error) string {
	if l, ok := err.(localized); ok {
		return l.In(lang)
	}
	var p *Problem
	if errors.As(err, &p) && err.Error() == p.Error() {
		return p.In(lang)
	}
	return err.Error()
}

// localArgs renders the errors among args in lang.
func localArgs(lang string, args []any) []any {
	out := args
	for i, a := range args {
		err, ok := a.(error)
		if !ok {
			continue
		}
		if &out[0] == &args[0] {
			out = append([]any(nil), args...)
		}
		out[i] = ErrorText(lang, err)
	}
	return out
}
