package whatsapp

import (
	"context"
	"testing"

	"frontdesk/storage"
	"frontdesk/storage/storagetest"
)

// TestOpenStoreBesideAnotherSchema: whatsmeow's tables made in one
// PostgreSQL schema do not keep them from being made in another schema
// of the same database (whatsmeow's own check for its version table
// looks in every schema).
func TestOpenStoreBesideAnotherSchema(t *testing.T) {
	ctx := context.Background()
	for i := range 2 {
		db, err := storage.Open(ctx, storagetest.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		c, err := OpenStore(ctx, db.SQL(), db.Dialect(), nil)
		if err != nil {
			t.Fatalf("schema %d: %v", i+1, err)
		}
		if _, err := c.GetAllDevices(ctx); err != nil {
			t.Fatalf("schema %d: devices: %v", i+1, err)
		}
		// Opened again, the tables are there and up to date.
		if _, err := OpenStore(ctx, db.SQL(), db.Dialect(), nil); err != nil {
			t.Fatalf("schema %d again: %v", i+1, err)
		}
		db.Close()
	}
}
