package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/commands"
	"frontdesk/storage"
)

// An upgraded SQLite database: its one business of before has no number
// (migration 0006); only the number linked before the upgrade may get it,
// never a number linked afterwards.

const phoneOld = "15550001111"

// saveDevice stores a linked session of user in container, as pairing
// leaves it.
func saveDevice(t *testing.T, ctx context.Context, container *sqlstore.Container, user string) {
	t.Helper()
	device := container.NewDevice()
	device.ID = &types.JID{User: user, Device: 12, Server: types.DefaultUserServer}
	device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := device.Save(ctx); err != nil {
		t.Fatalf("save device +%s: %v", user, err)
	}
}

// upgradedDB makes a SQLite database as an upgrade leaves it: the
// sessions of users (the first linked first) and the business of before
// under no number, its time zone Asia/Tokyo.
func upgradedDB(t *testing.T, users ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	container := sqliteContainer(t, ctx, db)
	for _, u := range users {
		saveDevice(t, ctx, container, u)
	}
	// A fresh SQLite database is made by the same migrations: its
	// business 1 has no number; the upgrade copied the configuration of
	// before into it.
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO fd_config (business, doc, updated) VALUES (1, '{"time_zone":"Asia/Tokyo"}', ?)`,
		time.Now().UnixNano()); err != nil {
		t.Fatal(err)
	}
	if list, err := db.Businesses(ctx); err != nil || len(list) != 1 || list[0].ID != 1 || list[0].Number != "" {
		t.Fatalf("businesses = %+v, %v; want business 1 without a number", list, err)
	}
	return path
}

// businessZones is every business of the database: number -> time zone
// ("" without a configuration), and the number of business 1.
func businessZones(t *testing.T, path string) (map[string]string, string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.Businesses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	zones := make(map[string]string)
	first := "(none)"
	for _, b := range list {
		if b.ID == 1 {
			first = b.Number
		}
		if b.Number == "" {
			zones[""] = "(unnamed)"
			continue
		}
		st, err := db.Business(ctx, b.Number)
		if err != nil {
			t.Fatal(err)
		}
		cfg, ok, err := st.LoadConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			zones[b.Number] = cfg.TimeZone
		} else {
			zones[b.Number] = ""
		}
	}
	return zones, first
}

// TestLinkDoesNotTakeTheUpgradedBusiness is the reviewer's reproduction:
// +15550001111 linked before the upgrade, +15550002000 linked with
// `frontdesk link` after it.
func TestLinkDoesNotTakeTheUpgradedBusiness(t *testing.T) {
	path := upgradedDB(t, phoneOld)
	srv := fakewa.NewServerFor(t, phoneB, lidB)
	linkFake(t, path, srv)
	zones, first := businessZones(t, path)
	if first != phoneOld {
		t.Errorf("business 1 (Asia/Tokyo) belongs to %q, want +%s, linked before the upgrade; businesses: %v", first, phoneOld, zones)
	}
	if zones[phoneB] == "Asia/Tokyo" {
		t.Errorf("the newly linked +%s took the business of before: %v", phoneB, zones)
	}
	if zones[phoneOld] != "Asia/Tokyo" {
		t.Errorf("+%s's time zone = %q, want Asia/Tokyo (its business of before): %v", phoneOld, zones[phoneOld], zones)
	}
}

// TestExportImportDoNotTakeTheUpgradedBusiness: export and import of the
// number linked after the upgrade, asked for first, leave the business of
// before to the number linked before it.
func TestExportImportDoNotTakeTheUpgradedBusiness(t *testing.T) {
	ctx := context.Background()
	t.Run("export", func(t *testing.T) {
		path := upgradedDB(t, phoneOld, phoneB)
		var out bytes.Buffer
		if err := runExport(ctx, []string{"--db", path, "--number", "+" + phoneB}, &out, io.Discard); err != nil {
			t.Fatalf("export +%s: %v", phoneB, err)
		}
		if strings.Contains(out.String(), "Asia/Tokyo") {
			t.Errorf("export +%s gave the business of before:\n%s", phoneB, out.String())
		}
		out.Reset()
		if err := runExport(ctx, []string{"--db", path, "--number", "+" + phoneOld}, &out, io.Discard); err != nil {
			t.Fatalf("export +%s: %v", phoneOld, err)
		}
		if !strings.Contains(out.String(), "Asia/Tokyo") {
			t.Errorf("export +%s lacks its business of before:\n%s", phoneOld, out.String())
		}
		if _, first := businessZones(t, path); first != phoneOld {
			t.Errorf("business 1 belongs to %q, want +%s", first, phoneOld)
		}
	})
	t.Run("import", func(t *testing.T) {
		path := upgradedDB(t, phoneOld, phoneB)
		file := filepath.Join(t.TempDir(), "config.json")
		cfg := bot.DefaultConfig()
		cfg.TimeZone = "Europe/Rome"
		doc, err := commands.EncodeConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := runImport(ctx, []string{"--db", path, "--number", "+" + phoneB, file}, io.Discard, io.Discard); err != nil {
			t.Fatalf("import +%s: %v", phoneB, err)
		}
		zones, first := businessZones(t, path)
		if first != phoneOld || zones[phoneOld] != "Asia/Tokyo" || zones[phoneB] != "Europe/Rome" {
			t.Errorf("after import into +%s: business 1 is %q's, zones %v; want business 1 +%s's (Asia/Tokyo), +%s Europe/Rome",
				phoneB, first, zones, phoneOld, phoneB)
		}
	})
}

// TestUnnamedBusinessDoesNotMakeNumbersReady: a number without a business
// of its own waits for its link to finish even on an upgraded database.
func TestUnnamedBusinessDoesNotMakeNumbersReady(t *testing.T) {
	ctx := context.Background()
	path := upgradedDB(t)
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := newFleet(fleetConfig{DB: db, Exclusive: true})
	ready, err := f.readyNumbers(ctx, []string{phoneOld, phoneB})
	if err != nil {
		t.Fatal(err)
	}
	if ready[phoneOld] || ready[phoneB] {
		t.Errorf("ready = %v: an unnamed business made numbers without a business ready", ready)
	}
}

// TestFirstLinkKeepsWhatWasImported: with no number linked, the first
// number linked gets the business with no number (what an import put
// there, or the business of before of an upgraded database whose number
// was logged out).
func TestFirstLinkKeepsWhatWasImported(t *testing.T) {
	path := upgradedDB(t)
	srv := fakewa.NewServerFor(t, phoneB, lidB)
	linkFake(t, path, srv)
	zones, first := businessZones(t, path)
	if first != phoneB || zones[phoneB] != "Asia/Tokyo" || len(zones) != 1 {
		t.Errorf("business 1 is %q's, zones %v; want the first number linked, +%s, to have it", first, zones, phoneB)
	}
}
