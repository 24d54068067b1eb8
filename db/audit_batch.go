package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// InsertAuditEvents writes rows in one round trip. PostgreSQL runs a
// pipelined batch as one implicit transaction, so either every row is
// written (each chained by the audit trigger) or none is.
func (s *Store) InsertAuditEvents(ctx context.Context, rows []InsertAuditEventParams) error {
	if len(rows) == 1 {
		return s.InsertAuditEvent(ctx, rows[0])
	}
	b := &pgx.Batch{}
	for _, r := range rows {
		b.Queue(insertAuditEvent, r.ActorID, r.ActorRole, r.OnBehalfOf, r.PatientID, r.ObjectType, r.ObjectID,
			r.Action, r.Outcome, r.Route, r.RequestID, r.ClientIp, r.UserAgent)
	}
	if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("db: audit batch of %d: %w", len(rows), err)
	}
	return nil
}
