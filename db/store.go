package db

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Errors the store translates Postgres failures into. Callers compare with
// errors.Is; the original error stays wrapped for logs.
var (
	// ErrNotFound means no row matched.
	ErrNotFound = errors.New("db: not found")
	// ErrConflict means a unique or exclusion constraint refused the write,
	// e.g. a second account for one email or an overlapping booking.
	ErrConflict = errors.New("db: conflict")
	// ErrInvalid means a check, foreign-key or not-null constraint refused the write.
	ErrInvalid = errors.New("db: invalid")
)

// Store is the database: generated queries plus a transaction helper.
type Store struct {
	*Queries
	Pool *pgxpool.Pool
}

// DefaultMaxConns is the pool size when DATABASE_URL sets no
// pool_max_conns. pgx's own default (the number of CPUs, at least 4) left
// nearly every request of a busy API waiting for a connection while
// PostgreSQL had CPU to spare (BenchmarkBookingRace, docs/benchmarks.md).
const DefaultMaxConns = 16

// poolConfig is the pool's configuration from url, DefaultMaxConns
// connections unless url names its own pool_max_conns.
func poolConfig(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse DATABASE_URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns=") {
		cfg.MaxConns = DefaultMaxConns
	}
	return cfg, nil
}

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := poolConfig(url)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: ping: %w", err)
	}
	return &Store{Queries: New(pool), Pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() { s.Pool.Close() }

// Tx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise. The error fn returns comes back translated.
func (s *Store) Tx(ctx context.Context, fn func(q *Queries) error) error {
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(s.WithTx(tx)); err != nil {
		if rbErr := tx.Rollback(ctx); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			return errors.Join(Translate(err), fmt.Errorf("db: rollback: %w", rbErr))
		}
		return Translate(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Translate(fmt.Errorf("db: commit: %w", err))
	}
	return nil
}

// Translate maps a pgx error onto ErrNotFound, ErrConflict or ErrInvalid,
// keeping the original wrapped. Other errors come back unchanged.
func Translate(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrInvalid) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505", "23P01": // unique_violation, exclusion_violation
			return &ConstraintError{Kind: ErrConflict, Constraint: pgErr.ConstraintName, Err: err}
		case "23514", "23503", "23502", "22001", "22P02", "22007", "22008": // check, fk, not null, too long, bad text repr, datetime
			return &ConstraintError{Kind: ErrInvalid, Constraint: pgErr.ConstraintName, Err: err}
		}
	}
	return err
}

// ConstraintError names the constraint that refused a write.
type ConstraintError struct {
	Kind       error
	Constraint string
	Err        error
}

func (e *ConstraintError) Error() string {
	return fmt.Sprintf("%v: constraint %s: %v", e.Kind, e.Constraint, e.Err)
}

// Is matches the error's kind (ErrConflict or ErrInvalid).
func (e *ConstraintError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the Postgres error.
func (e *ConstraintError) Unwrap() error { return e.Err }
