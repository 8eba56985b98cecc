package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage/storagetest"
)

// TestMediaSeveralNumbers: two numbers served by one `frontdesk run` (the
// fleet: leases and fencing on PostgreSQL), on SQLite and PostgreSQL. Both
// owners keep the same PDF (kept once: the database's media is shared by
// content) under different names and texts; each business's customer gets
// that business's answer with the file, and `export --number --media`
// writes the file for either business.
func TestMediaSeveralNumbers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, fresh func(testing.TB) string) {
		dsn := fresh(t)
		ctx := context.Background()
		srvA := fakewa.NewServer(t)
		srvB := fakewa.NewServerFor(t, phoneB, lidB)
		servers := []*fakewa.Server{srvA, srvB}
		for _, srv := range servers {
			linkFake(t, dsn, srv)
		}
		fleet := startFleetRun(t, dsn, 100*time.Millisecond, servers...)

		pdf := porttest.PDFStub
		for _, c := range []struct {
			srv        *fakewa.Server
			name, text string
		}{{srvA, "a.pdf", "A prices"}, {srvB, "b.pdf", "B prices"}} {
			c.srv.Phone().SendMediaToSelf(fakewa.PhoneMedia{Document: true, Data: pdf, Mime: "application/pdf",
				FileName: c.name, Caption: "!kw add price = " + c.text})
			r := c.srv.Phone().NextWhere(t, e2eWait, func(r fakewa.Received) bool { return r.Chat.User == c.srv.Owner() })
			if !strings.Contains(r.Text, "with its document "+c.name) {
				t.Fatalf("+%s: !kw add with a PDF answered %q", c.srv.Owner(), r.Text)
			}
		}
		for _, c := range []struct {
			srv        *fakewa.Server
			name, text string
		}{{srvA, "a.pdf", "A prices"}, {srvB, "b.pdf", "B prices"}} {
			cust := c.srv.NewCustomer("Ann")
			cust.Send("the price?")
			got := cust.Next(t, e2eWait)
			if got.Text != c.text || got.FileName != c.name || got.MediaErr != nil || !bytes.Equal(got.Media, pdf) {
				t.Errorf("+%s's customer got %q %q with %d bytes (%v), want %q with %s", c.srv.Owner(),
					got.Text, got.FileName, len(got.Media), got.MediaErr, c.text, c.name)
			}
			cust.ExpectNothing(t, 200*time.Millisecond)
		}
		for _, srv := range servers {
			srv.WaitQuiet(time.Second)
		}
		fleet.stop(t)

		for _, srv := range servers {
			dir := filepath.Join(t.TempDir(), "media")
			var doc, errOut bytes.Buffer
			if err := run(ctx, []string{"export", "--db", dsn, "--number", "+" + srv.Owner(), "--media", dir}, &doc, &errOut); err != nil {
				t.Fatalf("export +%s --media: %v\n%s", srv.Owner(), err, errOut.String())
			}
			if got, err := os.ReadFile(filepath.Join(dir, sum(pdf)+".pdf")); err != nil || !bytes.Equal(got, pdf) {
				t.Errorf("export +%s --media: the PDF has %d bytes, %v", srv.Owner(), len(got), err)
			}
			if !strings.Contains(doc.String(), sum(pdf)) {
				t.Errorf("export +%s: the document does not name the PDF:\n%s", srv.Owner(), doc.String())
			}
		}
	})
}
