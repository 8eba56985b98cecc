package storage

import (
	"context"
	"errors"
)

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	return nil, errors.New("open database: PostgreSQL is not supported yet")
}
