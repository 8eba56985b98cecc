package storage

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Times are stored as UTC unix nanoseconds: exact, zone-free and cheap to
// compare in SQL. That covers the years 1678 to 2261; anything outside is
// refused rather than silently altered.
var (
	minTime = time.Unix(0, -1<<63).Add(time.Second)
	maxTime = time.Unix(0, 1<<63-1).Add(-time.Second)
)

// nanos converts t for a nullable column: NULL for the zero time.
func nanos(t time.Time) (sql.NullInt64, error) {
	if t.IsZero() {
		return sql.NullInt64{}, nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return sql.NullInt64{}, fmt.Errorf("time %s is outside the storable range", t.Format(time.RFC3339))
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}, nil
}

// mustNanos converts t for a NOT NULL column: the zero time is refused.
func mustNanos(what string, t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, fmt.Errorf("%s: time not set", what)
	}
	n, err := nanos(t)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n.Int64, nil
}

// fromNanos is nanos's inverse; times come back in UTC.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// encodeRules stores rule names as a JSON array, so SQL can take them apart
// with json_each for statistics.
func encodeRules(rules []string) string {
	if len(rules) == 0 {
		return "[]"
	}
	b, err := json.Marshal(rules)
	if err != nil { // cannot happen for []string
		return "[]"
	}
	return string(b)
}

func decodeRules(s string) ([]string, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var rules []string
	if err := json.Unmarshal([]byte(s), &rules); err != nil {
		return nil, fmt.Errorf("decode rules %q: %w", s, err)
	}
	return rules, nil
}

// bit stores a bool as the 0 or 1 both dialects keep in an INTEGER.
func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// atOrAfter is the lower bound of "at or after t" for an INTEGER column:
// the smallest integer when t is the zero time (everything).
func atOrAfter(t sql.NullInt64) int64 {
	if !t.Valid {
		return math.MinInt64
	}
	return t.Int64
}
