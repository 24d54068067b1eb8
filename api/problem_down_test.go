package api

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestDependencyDownWhenPostgresDiesMidQuery: PostgreSQL stopped (pg_ctl
// stop -m immediate, as make chaos does) while a query ran answers the
// request with 503 and Retry-After, like PostgreSQL unreachable — not with a
// 500. make chaos met "authenticate: unexpected EOF" → 500 on POST
// /v1/consultations before this, and in the full run of 21:49 "idempotency:
// db: commit: conn closed" → 500.
func TestDependencyDownWhenPostgresDiesMidQuery(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection cut mid-query", fmt.Errorf("authenticate: %w", io.ErrUnexpectedEOF), true},
		{"connection reset", fmt.Errorf("db: %w", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{"server shutting down (57P01)", fmt.Errorf("db: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}), true},
		{"server starting up (57P03)", &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, true},
		{"connection failure (08006)", &pgconn.PgError{Code: "08006"}, true},
		{"commit on a connection PostgreSQL closed", fmt.Errorf("idempotency: db: commit: %w", pgconn.ErrConnClosed), true},
		{"workflow engine timeout", fmt.Errorf("start: %w", ErrUnavailable), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"plain error", errors.New("boom"), false},
	} {
		if got := dependencyDown(tc.err); got != tc.want {
			t.Errorf("%s: dependencyDown(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
