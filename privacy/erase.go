package privacy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/secure"
)

// ErrActiveConsultations refuses an erasure while a consultation of the
// patient is not in a final status: it must be finished or cancelled first,
// so that no payment, refund or appointment is left without its patient.
var ErrActiveConsultations = errors.New("privacy: consultations still running")

// ErrNotErasable: the account is not a patient's, or is erased already.
var ErrNotErasable = errors.New("privacy: account cannot be erased")

// ActiveConsultation is a consultation that blocks the erasure.
type ActiveConsultation struct {
	ID     uuid.UUID
	Type   string
	Status domain.Status
}

// Plan is what an erasure would do now: what blocks it, and until when the
// medical record is kept (nil: there is no record, everything goes).
type Plan struct {
	Active      []ActiveConsultation
	RecordUntil *time.Time
}

// Preview tells the patient what erasing now would do.
func Preview(ctx context.Context, q *db.Queries, patientID uuid.UUID, ret Retention) (Plan, error) {
	var p Plan
	active, err := q.ActiveConsultationsOfPatient(ctx, uuid.NullUUID{UUID: patientID, Valid: true})
	if err != nil {
		return p, fmt.Errorf("privacy: active consultations: %w", err)
	}
	for _, a := range active {
		p.Active = append(p.Active, ActiveConsultation{ID: a.ID, Type: a.ConsultationType, Status: domain.Status(a.Status)})
	}
	last, err := q.RecordRetentionStart(ctx, uuid.NullUUID{UUID: patientID, Valid: true})
	if err != nil {
		return p, fmt.Errorf("privacy: record: %w", err)
	}
	if last.HasRecord {
		until := ret.RetainUntil(last.LastAt).UTC()
		p.RecordUntil = &until
	}
	return p, nil
}

// Erased is what an erasure did.
type Erased struct {
	// RecordUntil is the end of the record's retention; nil when there was
	// no record and the account's row went too.
	RecordUntil *time.Time
}

// Erase erases a patient's account in one transaction: sessions, reset and
// verification links, recovery codes, favourites, comments, message
// settings, waitlist entries and offers, contact messages and reviews go
// (the doctors' ratings lose the reviews' stars); the users row loses its
// address, password, PIN and second factor and is marked erased. What stays
// is the medical record (consultations with their intake, photos, advice,
// prescriptions, chat, messages, notes, invoices and payments) with the
// patient's id, name and birth date, until its retention ends (Purge, run
// by the retention schedule). An account without a record is removed at
// once. The audit log keeps its rows until their own retention.
func Erase(ctx context.Context, store *db.Store, f *secure.Fields, patientID uuid.UUID, ret Retention) (Erased, error) {
	var out Erased
	err := pgx.BeginFunc(ctx, store.Pool, func(tx pgx.Tx) error {
		q := store.WithTx(tx)
		u, err := q.LockUserForErasure(ctx, patientID)
		if err != nil {
			if errors.Is(db.Translate(err), db.ErrNotFound) {
				return ErrNotErasable
			}
			return err
		}
		if u.ErasedAt != nil {
			return ErrNotErasable
		}
		plan, err := Preview(ctx, q, patientID, ret)
		if err != nil {
			return err
		}
		if len(plan.Active) > 0 {
			return ErrActiveConsultations
		}
		if err := eraseOutsideRecord(ctx, q, patientID); err != nil {
			return err
		}
		if plan.RecordUntil == nil {
			return Purge(ctx, tx, patientID)
		}
		marker := make([]byte, 32)
		if _, err := rand.Read(marker); err != nil {
			return fmt.Errorf("privacy: marker: %w", err)
		}
		empty, err := f.EncryptString(db.FieldUserEmail, "")
		if err != nil {
			return err
		}
		if err := q.AnonymiseUser(ctx, db.AnonymiseUserParams{ID: patientID, EmailHash: marker, EmailEnc: empty}); err != nil {
			return fmt.Errorf("privacy: anonymise: %w", err)
		}
		out.RecordUntil = plan.RecordUntil
		return nil
	})
	return out, db.Translate(err)
}

func eraseOutsideRecord(ctx context.Context, q *db.Queries, id uuid.UUID) error {
	steps := []struct {
		what string
		fn   func(context.Context, uuid.UUID) error
	}{
		{"sessions", q.EraseSessions}, {"password resets", q.ErasePasswordResets},
		{"email verifications", q.EraseEmailVerifications}, {"recovery codes", q.EraseRecoveryCodes},
		{"favourites", q.EraseFavourites}, {"comments", q.EraseConditionComments},
		{"message settings", q.EraseMessageSettings}, {"waitlist offers", q.EraseWaitlistOffers},
		{"waitlist entries", q.EraseWaitlistEntries},
	}
	for _, s := range steps {
		if err := s.fn(ctx, id); err != nil {
			return fmt.Errorf("privacy: erase %s: %w", s.what, err)
		}
	}
	if err := q.EraseContactMessages(ctx, uuid.NullUUID{UUID: id, Valid: true}); err != nil {
		return fmt.Errorf("privacy: erase contact messages: %w", err)
	}
	reviews, err := q.EraseReviews(ctx, uuid.NullUUID{UUID: id, Valid: true})
	if err != nil {
		return fmt.Errorf("privacy: erase reviews: %w", err)
	}
	for _, r := range reviews {
		if err := q.TakeBackRating(ctx, db.TakeBackRatingParams{DoctorID: r.DoctorID, Rating: int32(r.Rating)}); err != nil {
			return fmt.Errorf("privacy: rating: %w", err)
		}
	}
	return nil
}

// Purge removes a patient's users row and every row that refers to it,
// directly or through other rows (References), children first. It is the
// end of a record's retention, and the whole erasure of an account that
// has no record. Rows of the audit log stay (their own retention).
func Purge(ctx context.Context, tx pgx.Tx, patientID uuid.UUID) error {
	refs, err := References(ctx, tx)
	if err != nil {
		return err
	}
	var fks []Reference
	for _, r := range refs {
		if !isSoft(r) {
			fks = append(fks, r)
		}
	}
	return purge(ctx, tx, fks, "users", "id", []string{patientID.String()}, 0)
}

func isSoft(r Reference) bool {
	for _, s := range SoftReferences {
		if s == r {
			return true
		}
	}
	return false
}

func purge(ctx context.Context, c Conn, fks []Reference, table, column string, vals []string, depth int) error {
	if depth > 12 {
		return fmt.Errorf("privacy: purge: references nest deeper than 12 at %s", table)
	}
	var rows []Row
	if err := selectRows(ctx, c, table, column, vals, func(_ string, raw []byte) (bool, error) {
		r, err := decodeRow(raw)
		rows = append(rows, r)
		return true, err
	}); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	for _, ref := range fks {
		if ref.ParentTable != table {
			continue
		}
		if keys := columnValues(rows, ref.ParentColumn); len(keys) > 0 {
			if err := purge(ctx, c, fks, ref.Table, ref.Column, keys, depth+1); err != nil {
				return err
			}
		}
	}
	q := fmt.Sprintf(`DELETE FROM %s t WHERE t.%s::text = ANY($1::text[])`, pgx.Identifier{table}.Sanitize(), pgx.Identifier{column}.Sanitize())
	if _, err := c.Exec(ctx, q, vals); err != nil {
		return fmt.Errorf("privacy: purge %s: %w", table, err)
	}
	return nil
}
