package commands

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/commands.md from the command table")

// TestReference keeps docs/commands.md equal to the command table.
func TestReference(t *testing.T) {
	const path = "../docs/commands.md"
	want := Reference()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/commands.md differs from the command table; run: go test ./commands -run TestReference -update")
	}
}
