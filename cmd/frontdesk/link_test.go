package main

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"frontdesk/storage"
)

// linkedDB makes a database whose WhatsApp session belongs to user, as
// pairing would leave it (user "" : opened but never linked).
func linkedDB(t *testing.T, user string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	container := sqlstore.NewWithDB(db.SQL(), "sqlite3", waLog.Noop)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	if user == "" {
		return path
	}
	device := container.NewDevice()
	device.ID = &types.JID{User: user, Device: 12, Server: types.DefaultUserServer}
	// Signatures of the right sizes; nothing here checks them.
	device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := device.Save(ctx); err != nil {
		t.Fatalf("save device: %v", err)
	}
	return path
}

func readQRFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("read QR code in %s: %v", path, err)
	}
	return res.GetText()
}

func TestRunLink(t *testing.T) {
	linked := linkedDB(t, "39021234567")
	tests := []struct {
		name     string
		db       string
		args     []string
		wantLink string // "" when it must fail
		wantErr  string
	}{
		{"no text", linked, nil, "https://wa.me/39021234567", ""},
		{"with text", linked, []string{"--text", "richiesta ordine"}, "https://wa.me/39021234567?text=richiesta%20ordine", ""},
		{"text too long", linked, []string{"--text", strings.Repeat("a", 141)}, "", "longer than 140 characters"},
		{"stray argument", linked, []string{"richiesta"}, "", "unexpected \"richiesta\""},
		{"not linked", linkedDB(t, ""), nil, "", "not linked to a WhatsApp account yet"},
		{"no database", filepath.Join(t.TempDir(), "missing.db"), nil, "", "no database at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "qr.png")
			var stdout, stderr bytes.Buffer
			args := append([]string{"--db", tt.db, "--out", out}, tt.args...)
			err := runWalink(context.Background(), args, &stdout, &stderr)
			if tt.wantLink == "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("runWalink error = %v, want one containing %q", err, tt.wantErr)
				}
				if _, statErr := os.Stat(out); statErr == nil {
					t.Error("a PNG was written although the command failed")
				}
				if tt.name == "no database" {
					if _, statErr := os.Stat(tt.db); statErr == nil {
						t.Error("a database was created where none was")
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("runWalink: %v (stderr %s)", err, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantLink+"\n") || !strings.Contains(stdout.String(), "▀") {
				t.Errorf("stdout lacks the link or the terminal QR code:\n%s", stdout.String())
			}
			if got := readQRFile(t, out); got != tt.wantLink {
				t.Errorf("PNG reads %q, want %q", got, tt.wantLink)
			}
		})
	}
}
