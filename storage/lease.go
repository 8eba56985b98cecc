package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Leases: on PostgreSQL several frontdesk processes share the numbers, and
// each number is served by exactly one process at a time. A process holds
// a number while it holds a session advisory lock for it, taken on a
// connection of its own: PostgreSQL releases the lock the moment that
// session ends, which is when the process dies (its socket closes) or its
// connection is lost. The holder checks its connection often and before
// every send (Check): once it cannot prove the session alive it stops
// sending for the number, since another process may take it over.

// LeaseCheckEvery is how often a held lease's connection is checked.
const LeaseCheckEvery = 2 * time.Second

// leaseCheckTimeout bounds one check: a check that does not answer within
// it counts as a lost lease.
const leaseCheckTimeout = 3 * time.Second

// ErrLeaseLost is returned by Check once the lease is gone.
var ErrLeaseLost = errors.New("the lease on this number is lost")

// Leases hands out leases on numbers, one advisory lock each, on a
// PostgreSQL database. Each held lease keeps one connection of its own,
// outside the stores' pool (which is bounded): a process holding N numbers
// has N such connections open.
type Leases struct {
	db  *sql.DB
	own bool // db was opened by OpenLeases
}

// NewLeases returns the leases of the PostgreSQL database db. db must not
// limit its open connections below the number of leases held plus one.
func NewLeases(db *sql.DB) *Leases { return &Leases{db: db} }

// OpenLeases opens the leases of the PostgreSQL database dsn (a
// postgres:// URL) on connections of their own, as many as leases are held.
func OpenLeases(ctx context.Context, dsn string) (*Leases, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open leases on %s: %w", redact(dsn), err)
	}
	db.SetMaxIdleConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open leases on %s: %w", redact(dsn), err)
	}
	return &Leases{db: db, own: true}, nil
}

// Close closes the connections OpenLeases opened; release every lease
// first.
func (l *Leases) Close() error {
	if l.own {
		return l.db.Close()
	}
	return nil
}

// leaseKeySQL is the advisory lock key of the number $1: a 64-bit hash of
// the schema and the number. Advisory locks are per database, so the
// schema keeps two deployments (or two tests) in one database apart; the
// one-bigint key form keeps leases apart from the two-int4 locks the
// stores take around their writes.
const leaseKeySQL = "hashtextextended('frontdesk number ' || current_schema() || ' ' || $1::text, 0)"

// TryAcquire takes the lease on number if no process holds it, without
// waiting; a nil lease and nil error mean another process holds it.
func (l *Leases) TryAcquire(ctx context.Context, number string) (*Lease, error) {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", number, err)
	}
	var key int64
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT k, pg_try_advisory_lock(k) FROM (SELECT "+leaseKeySQL+" AS k) x", number).Scan(&key, &got); err != nil {
		conn.Raw(func(any) error { return driverBad })
		conn.Close()
		return nil, fmt.Errorf("lease %s: %w", number, err)
	}
	if !got {
		conn.Close()
		return nil, nil
	}
	ls := &Lease{number: number, key: key, conn: conn, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go ls.watch()
	return ls, nil
}

// driverBad makes database/sql drop a connection instead of pooling it.
var driverBad = driver.ErrBadConn

// Holder describes the session holding number's lease ("" when none):
// its server process id, application name and client address.
func (l *Leases) Holder(ctx context.Context, number string) (string, error) {
	var pid int64
	var app, addr sql.NullString
	err := l.db.QueryRowContext(ctx, `SELECT l.pid, a.application_name, host(a.client_addr)
		FROM (SELECT `+leaseKeySQL+` AS k) x, pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid::bigint = ((x.k >> 32) & 4294967295) AND l.objid::bigint = (x.k & 4294967295)
		LIMIT 1`, number).Scan(&pid, &app, &addr)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease holder of %s: %w", number, err)
	}
	who := fmt.Sprintf("session %d", pid)
	if app.String != "" {
		who += " (" + app.String + ")"
	}
	if addr.String != "" {
		who += " from " + addr.String
	}
	return who, nil
}

// Lease is one number held by this process.
type Lease struct {
	number string
	key    int64

	mu   sync.Mutex // one query at a time on conn
	conn *sql.Conn

	lostOnce sync.Once
	lost     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

// Number is the number the lease is on.
func (ls *Lease) Number() string { return ls.number }

// Lost is closed once the lease may be gone (its connection failed a
// check, or Release was called).
func (ls *Lease) Lost() <-chan struct{} { return ls.lost }

// Check proves the lease still held by a round trip on its session: nil
// means the session, and so the lock, was alive just now.
func (ls *Lease) Check(ctx context.Context) error {
	select {
	case <-ls.lost:
		return ErrLeaseLost
	default:
	}
	if err := ctx.Err(); err != nil {
		return err // the caller gave up; the lease is untouched
	}
	// The round trip does not end with the caller's context: the driver
	// ends a session whose query is cancelled, and with it the lock. It
	// is bounded by leaseCheckTimeout instead.
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseCheckTimeout)
	defer cancel()
	ls.mu.Lock()
	var one int
	err := ls.conn.QueryRowContext(qctx, "SELECT 1").Scan(&one)
	ls.mu.Unlock()
	if err != nil {
		ls.markLost()
		return fmt.Errorf("%w: %v", ErrLeaseLost, err)
	}
	return nil
}

func (ls *Lease) markLost() {
	ls.lostOnce.Do(func() { close(ls.lost) })
}

// watch checks the lease every LeaseCheckEvery until it is lost or
// released, then ends its session (which releases the lock if it still
// stands).
func (ls *Lease) watch() {
	defer close(ls.done)
	t := time.NewTicker(LeaseCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ls.stop:
		case <-ls.lost:
		case <-t.C:
			if ls.Check(context.Background()) == nil {
				continue
			}
		}
		break
	}
	ls.markLost()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), leaseCheckTimeout)
	defer cancel()
	_, _ = ls.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", ls.key)
	// The session is not pooled again: it ends here, and any lock of it
	// with it.
	_ = ls.conn.Raw(func(any) error { return driverBad })
	_ = ls.conn.Close()
}

// Release gives the number up and waits until its session is closed.
func (ls *Lease) Release() {
	ls.stopOnce.Do(func() { close(ls.stop) })
	<-ls.done
}
