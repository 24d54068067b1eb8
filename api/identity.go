package api

import (
	"context"
	"strings"
	"time"

	"derma2go/accounts"
	"derma2go/db"
)

// identityRequest is the part of the intake request that asks who the
// patient is, for invoices and prescriptions: optional fields that are
// required while the consultation does not know them (a guest's name and
// date of birth, an account's date of birth).
type identityRequest struct {
	PatientName string `json:"patient_name" validate:"max=200"`
	BirthDate   string `json:"birth_date" validate:"max=10"`
}

// intakeIdentity checks the identity fields against what the consultation
// lacks and returns the write that stores them (encrypted) in the intake's
// transaction, or nil when nothing is missing. A guest's name and date of
// birth go on the consultation; an account's date of birth on the account.
func (s *Server) intakeIdentity(ctx context.Context, row db.Consultation, req identityRequest) (func(*db.Queries) error, error) {
	var needName, needBirth bool
	var birthField string
	if row.PatientID.Valid {
		u, err := s.Store.GetUser(ctx, row.PatientID.UUID)
		if err != nil {
			return nil, err
		}
		needBirth, birthField = len(u.BirthDateEnc) == 0, db.FieldUserBirthDate
	} else {
		needName, needBirth, birthField = len(row.GuestNameEnc) == 0, len(row.GuestBirthDateEnc) == 0, db.FieldGuestBirthDate
	}
	name := strings.TrimSpace(req.PatientName)
	var fields []FieldProblem
	if needName && name == "" {
		fields = append(fields, FieldProblem{Field: "patient_name", Reason: "is required: invoices and prescriptions name the patient"})
	}
	var birth time.Time
	if needBirth {
		var err error
		if req.BirthDate == "" {
			fields = append(fields, FieldProblem{Field: "birth_date", Reason: "is required (YYYY-MM-DD): invoices and prescriptions carry the date of birth"})
		} else if birth, err = accounts.ParseBirthDate(req.BirthDate, time.Now()); err != nil {
			fields = append(fields, FieldProblem{Field: "birth_date", Reason: err.Error()})
		}
	}
	if len(fields) > 0 {
		return nil, errValidation(fields...)
	}
	if !needName && !needBirth {
		return nil, nil
	}
	var birthEnc []byte
	if needBirth {
		var err error
		if birthEnc, err = accounts.EncryptBirthDate(s.Fields, birthField, birth); err != nil {
			return nil, err
		}
	}
	if row.PatientID.Valid {
		return func(q *db.Queries) error {
			return q.SetUserBirthDate(ctx, db.SetUserBirthDateParams{ID: row.PatientID.UUID, BirthDateEnc: birthEnc})
		}, nil
	}
	nameEnc := row.GuestNameEnc
	if needName {
		var err error
		if nameEnc, err = s.Fields.EncryptString(db.FieldGuestName, name); err != nil {
			return nil, err
		}
	}
	if !needBirth {
		birthEnc = row.GuestBirthDateEnc
	}
	return func(q *db.Queries) error {
		return q.SetGuestIdentity(ctx, db.SetGuestIdentityParams{ID: row.ID, GuestNameEnc: nameEnc, GuestBirthDateEnc: birthEnc})
	}, nil
}
