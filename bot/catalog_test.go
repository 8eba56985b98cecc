package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The catalog test reads the source of packages bot and commands (not
// their tests), finds every text said through the catalog, and checks
// the tables against them. A text is a string literal or constant given
// as the key of:
//
//   - T(lang, key), Tr(lang, key, ...) in bot, bot.T and bot.Tr elsewhere;
//   - the methods T(key), Tf(key, ...), Userf(key, ...), Usagef(key, ...);
//   - N(key), Problemf(key, ...), bot.N, bot.Problemf;
//   - the Help field of a composite literal (Command{Help: key}).

// catalogDirs are the packages whose texts the catalog holds.
var catalogDirs = []string{".", "../commands", "../commands/holidays"}

// keyArg is the index of the key among the arguments of each catalog
// function or method; pkgFuncs are those called as functions of bot
// (T and Tr take the language first).
var (
	methodKeyArg = map[string]int{"T": 0, "Tf": 0, "Userf": 0, "Usagef": 0}
	pkgKeyArg    = map[string]int{"T": 1, "Tr": 1, "N": 0, "Problemf": 0}
)

// keyUse is one place a key is said.
type keyUse struct {
	key string
	pos string
}

// collectKeys parses the Go files of dirs (tests excluded) and returns
// every catalog key they use. inBot names the directory of package bot,
// where the functions are called without "bot.".
func collectKeys(t *testing.T, fset *token.FileSet, files []*ast.File, inBot []bool) []keyUse {
	t.Helper()
	consts := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringValue(vs.Values[i], nil); ok {
							consts[name.Name] = s
						}
					}
				}
			}
		}
	}
	var uses []keyUse
	add := func(e ast.Expr) {
		if s, ok := stringValue(e, consts); ok {
			uses = append(uses, keyUse{s, fset.Position(e.Pos()).String()})
		}
	}
	for i, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch v := n.(type) {
			case *ast.CallExpr:
				idx := -1
				switch fn := v.Fun.(type) {
				case *ast.Ident:
					if k, ok := pkgKeyArg[fn.Name]; ok && inBot[i] {
						idx = k
					}
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "bot" {
						if k, ok := pkgKeyArg[fn.Sel.Name]; ok {
							idx = k
						}
					} else if k, ok := methodKeyArg[fn.Sel.Name]; ok {
						idx = k
					}
				}
				if idx >= 0 && idx < len(v.Args) {
					add(v.Args[idx])
				}
			case *ast.KeyValueExpr:
				if k, ok := v.Key.(*ast.Ident); ok && k.Name == "Help" {
					add(v.Value)
				}
			}
			return true
		})
	}
	return uses
}

// stringValue evaluates a string literal, a known constant or their sum.
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[v.Name]
		return s, ok
	case *ast.ParenExpr:
		return stringValue(v.X, consts)
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringValue(v.X, consts)
		b, ok2 := stringValue(v.Y, consts)
		return a + b, ok1 && ok2
	}
	return "", false
}

var (
	verbRE        = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)
	placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)
)

// placeholders is the sequence of fmt verbs and {placeholders} of s.
func placeholders(s string) (verbs, braces []string) {
	return verbRE.FindAllString(s, -1), placeholderRE.FindAllString(s, -1)
}

// needsTranslation reports whether key has words (not only verbs and
// punctuation, like "%s: %v").
func needsTranslation(key string) bool {
	s := placeholderRE.ReplaceAllString(verbRE.ReplaceAllString(English(key), ""), "")
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// catalogProblems checks one language's table against the keys used.
func catalogProblems(lang string, table map[string]string, uses []keyUse) []string {
	var problems []string
	used := map[string]bool{}
	for _, u := range uses {
		if used[u.key] {
			continue
		}
		used[u.key] = true
		tr, ok := table[u.key]
		if !ok {
			if needsTranslation(u.key) {
				problems = append(problems, u.pos+": no "+lang+" translation of "+strconv.Quote(u.key))
			}
			continue
		}
		ev, eb := placeholders(English(u.key))
		tv, tb := placeholders(tr)
		if !slices.Equal(ev, tv) {
			problems = append(problems, u.pos+": "+lang+" translation of "+strconv.Quote(u.key)+" has verbs "+strings.Join(tv, " ")+", not "+strings.Join(ev, " "))
		}
		if !slices.Equal(eb, tb) {
			problems = append(problems, u.pos+": "+lang+" translation of "+strconv.Quote(u.key)+" has placeholders "+strings.Join(tb, " ")+", not "+strings.Join(eb, " "))
		}
	}
	var orphans []string
	for k := range table {
		if !used[k] {
			orphans = append(orphans, lang+" translation of "+strconv.Quote(k)+" is used nowhere")
		}
	}
	sort.Strings(orphans)
	return append(problems, orphans...)
}

// parseDirs parses the non-test Go files of dirs.
func parseDirs(t *testing.T, fset *token.FileSet, dirs []string) (files []*ast.File, inBot []bool) {
	t.Helper()
	for i, dir := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, p, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			inBot = append(inBot, i == 0)
		}
	}
	return files, inBot
}

func TestCatalogCoversEveryText(t *testing.T) {
	fset := token.NewFileSet()
	files, inBot := parseDirs(t, fset, catalogDirs)
	uses := collectKeys(t, fset, files, inBot)
	if len(uses) < 300 {
		t.Fatalf("found only %d texts: is the parser still finding the calls?", len(uses))
	}
	for _, lang := range Languages[1:] {
		table, ok := catalogTables()[lang]
		if !ok {
			t.Errorf("no locales/%s.json", lang)
			continue
		}
		for _, p := range catalogProblems(lang, table, uses) {
			t.Error(p)
		}
	}
}

// TestCatalogGivesTextsAsWritten looks every translation up through the
// catalog: it must come back exactly as the file has it (the catalog
// library must not read anything into it), and formatting must not
// localise numbers.
func TestCatalogGivesTextsAsWritten(t *testing.T) {
	for lang, table := range catalogTables() {
		if len(table) == 0 {
			t.Errorf("%s: empty table", lang)
		}
		for key, want := range table {
			if got := T(lang, key); got != want {
				t.Errorf("%s: T(%q) = %q, want %q", lang, key, got, want)
			}
		}
	}
	for _, lang := range Languages {
		if got := Tr(lang, "%d public holidays of %s %d added (%d were already there). See !holiday list.", 1234, "IT", 2026, 0); !strings.Contains(got, "1234") || !strings.Contains(got, "2026") {
			t.Errorf("%s: numbers localised: %q", lang, got)
		}
	}
	if got := T("xx", "Admins:"); got != "Admins:" {
		t.Errorf("unknown language: %q, want the English", got)
	}
	if got := T("it", "@menu|and %d more"); got != "e altre %d" {
		t.Errorf("context key in Italian: %q", got)
	}
	if got := T("en", "@menu|and %d more"); got != "and %d more" {
		t.Errorf("context key in English: %q", got)
	}
}

// TestCatalogCheckFails runs the check on a made-up source, to see it
// catch each kind of mistake.
func TestCatalogCheckFails(t *testing.T) {
	src := `package commands

const greet = "Hello %s"

func f(c *Call) {
	c.T("A text nobody translated")
	c.Tf("%d apples and %s", 3, "x")
	c.Userf(greet, "Ann")
	_ = &Command{Help: "Shows {next_open}."}
	_ = bot.Tr("it", "@ctx|Bye")
	_ = c.Tf("%s: %v", "field", err)
	c.T(variable) // not a literal: not checked
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "fake.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	uses := collectKeys(t, fset, []*ast.File{f}, []bool{false})
	table := map[string]string{
		"%d apples and %s":   "%s mele e %d", // reordered
		"Hello %s":           "Ciao %s",      // fine
		"Shows {next_open}.": "Mostra {next}.",
		"@ctx|Bye":           "Ciao",
		"Unused":             "Inutile",
	}
	got := strings.Join(catalogProblems("it", table, uses), "\n")
	for _, want := range []string{
		`fake.go:6:6: no it translation of "A text nobody translated"`,
		`fake.go:7:7: it translation of "%d apples and %s" has verbs %s %d, not %d %s`,
		`fake.go:9:21: it translation of "Shows {next_open}." has placeholders {next}, not {next_open}`,
		`it translation of "Unused" is used nowhere`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q; got:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 4 {
		t.Errorf("%d problems, want 4:\n%s", n, got)
	}
}

// catalogTables is each language's table as read from its file.
func catalogTables() map[string]map[string]string {
	tables, _ := loadCatalog()
	return tables
}
