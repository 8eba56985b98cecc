package main

import (
	"context"

	"frontdesk/storage"
)

// businessStore is the store of the business of number (phone digits) in
// db, made when missing.
func businessStore(ctx context.Context, db *storage.DB, number string) (*storage.Store, error) {
	st, err := db.Business(ctx, number)
	if err != nil {
		return nil, databaseError("run", err)
	}
	return st, nil
}
