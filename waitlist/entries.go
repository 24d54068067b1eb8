package waitlist

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/db"
	"derma2go/domain"
)

// JoinRequest is a patient's request to join a doctor's waitlist.
type JoinRequest struct {
	PatientID uuid.UUID
	DoctorID  uuid.UUID
	Type      string
	// Earliest and Latest are dates (2006-01-02) in the doctor's zone;
	// an earliest date before today counts from today.
	Earliest, Latest string
	TimeOfDay        string // domain.TimeOfDay; empty means any
}

// FieldError is a request field that does not fit the rules.
type FieldError struct {
	Field, Reason string
}

func (e *FieldError) Error() string { return "waitlist: " + e.Field + " " + e.Reason }

// ErrUnknownDoctor: no doctor has the requested id.
var ErrUnknownDoctor = errors.New("waitlist: unknown doctor")

// ErrAlreadyWaiting: the patient has an entry for this doctor and type.
var ErrAlreadyWaiting = errors.New("waitlist: already on this waitlist")

const dateLayout = "2006-01-02"

// Join adds the patient to the waitlist of a doctor and type. An entry whose
// window has passed is closed first, so it does not block the new one.
func Join(ctx context.Context, store *db.Store, r JoinRequest, now time.Time) (db.WaitlistEntry, error) {
	typ := domain.ConsultationType(r.Type)
	if typ != domain.TypeVideo && typ != domain.TypeInPerson {
		return db.WaitlistEntry{}, &FieldError{"type", "must be video or in_person"}
	}
	tod := domain.TimeOfDay(r.TimeOfDay)
	if tod == "" {
		tod = domain.TimeAny
	}
	if !tod.Valid() {
		return db.WaitlistEntry{}, &FieldError{"time_of_day", "must be any, morning, afternoon or evening"}
	}
	earliest, err := time.Parse(dateLayout, r.Earliest)
	if err != nil {
		return db.WaitlistEntry{}, &FieldError{"earliest", "must be a date (YYYY-MM-DD)"}
	}
	latest, err := time.Parse(dateLayout, r.Latest)
	if err != nil {
		return db.WaitlistEntry{}, &FieldError{"latest", "must be a date (YYYY-MM-DD)"}
	}
	d, err := store.GetDoctor(ctx, r.DoctorID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return db.WaitlistEntry{}, ErrUnknownDoctor
	} else if err != nil {
		return db.WaitlistEntry{}, fmt.Errorf("waitlist: doctor: %w", err)
	}
	fees, err := store.ListDoctorFees(ctx, []uuid.UUID{r.DoctorID})
	if err != nil {
		return db.WaitlistEntry{}, fmt.Errorf("waitlist: fees: %w", err)
	}
	offered := false
	for _, f := range fees {
		offered = offered || f.ConsultationType == r.Type
	}
	if !offered {
		return db.WaitlistEntry{}, &FieldError{"type", "is not offered by this doctor"}
	}
	zone := Zone(d.TimeZone)
	y, m, day := now.In(zone).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	switch {
	case latest.Before(earliest):
		return db.WaitlistEntry{}, &FieldError{"latest", "must not be before earliest"}
	case latest.Before(today):
		return db.WaitlistEntry{}, &FieldError{"latest", "must not be in the past"}
	case latest.Sub(today) > domain.WaitlistMaxWindow:
		return db.WaitlistEntry{}, &FieldError{"latest", fmt.Sprintf("must lie within %d days", int(domain.WaitlistMaxWindow/(24*time.Hour)))}
	}
	if earliest.Before(today) {
		earliest = today
	}
	params := db.CreateWaitlistEntryParams{
		ID: uuid.New(), PatientID: r.PatientID, DoctorID: r.DoctorID, ConsultationType: r.Type,
		Earliest: pgtype.Date{Time: earliest, Valid: true}, Latest: pgtype.Date{Time: latest, Valid: true},
		TimeOfDay: string(tod), ExpiresAt: domain.WaitlistExpiry(latest.Year(), latest.Month(), latest.Day(), zone),
	}
	var entry db.WaitlistEntry
	err = store.Tx(ctx, func(q *db.Queries) error {
		if err := q.CloseLapsedWaitlistEntries(ctx, db.CloseLapsedWaitlistEntriesParams{
			PatientID: r.PatientID, DoctorID: r.DoctorID, ConsultationType: r.Type, Now: now,
		}); err != nil {
			return err
		}
		var err error
		entry, err = q.CreateWaitlistEntry(ctx, params)
		return err
	})
	if errors.Is(db.Translate(err), db.ErrConflict) {
		return db.WaitlistEntry{}, ErrAlreadyWaiting
	}
	if err != nil {
		return db.WaitlistEntry{}, fmt.Errorf("waitlist: join: %w", err)
	}
	return entry, nil
}
