package commands

import (
	"bytes"
	"errors"
	"testing"

	"frontdesk/bot"
)

// FuzzDecodeConfig reads arbitrary documents as `!import` does: none may
// panic; a refusal names at most 10 problems; and a document accepted is
// a configuration the validator accepts, which exports to a document that
// imports back to the same export.
func FuzzDecodeConfig(f *testing.F) {
	for _, cfg := range []bot.Config{fullConfig(), bot.DefaultConfig()} {
		b, err := EncodeConfig(cfg)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"frontdesk": 1, "config": {"time_zone": "Local"}}`))
	f.Add([]byte(`{"frontdesk": 1, "config": {"hours": [[{"from": "25:00"}]]}} x`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := DecodeConfig(doc, "390212345670")
		if err != nil {
			var inv *InvalidConfigError
			if errors.As(err, &inv) && bytes.Count([]byte(inv.Error()), []byte("\n")) > maxImportProblems+1 {
				t.Fatalf("a refusal of %d lines:\n%s", bytes.Count([]byte(inv.Error()), []byte("\n")), inv.Error())
			}
			return
		}
		if err := bot.ValidateConfig(cfg, "390212345670"); err != nil {
			t.Fatalf("accepted a configuration the validator refuses: %v\n%s", err, doc)
		}
		first, err := EncodeConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeConfig(first, "390212345670")
		if err != nil {
			t.Fatalf("its own export refused: %v\n%s\nfrom\n%s", err, first, doc)
		}
		second, err := EncodeConfig(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("export, import, export differ:\n%s\n---\n%s\nfrom\n%s", first, second, doc)
		}
	})
}
