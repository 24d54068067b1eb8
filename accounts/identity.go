package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"derma2go/db"
	"derma2go/secure"
)

// BirthDateLayout is how a date of birth is written in requests and stored
// (encrypted).
const BirthDateLayout = "2006-01-02"

// Identity is who a document is about: the patient's name and date of
// birth as invoices and prescriptions print them. Either may be unknown
// (empty, nil) for a consultation whose patient has not given it yet.
type Identity struct {
	Name      string
	BirthDate *time.Time
}

// ParseBirthDate checks a date of birth (YYYY-MM-DD, not in the future, not
// more than 130 years back) against now.
func ParseBirthDate(s string, now time.Time) (time.Time, error) {
	d, err := time.Parse(BirthDateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("a date of birth is written YYYY-MM-DD")
	}
	if d.After(now) || d.Before(now.AddDate(-130, 0, 0)) {
		return time.Time{}, fmt.Errorf("a date of birth must lie in the past 130 years")
	}
	return d, nil
}

// PatientIdentity returns the identity of a consultation's patient: the
// account's name and date of birth, or what the guest gave at intake.
func PatientIdentity(ctx context.Context, q *db.Queries, f *secure.Fields, c db.Consultation) (Identity, error) {
	var id Identity
	nameEnc, dobEnc, dobField := c.GuestNameEnc, c.GuestBirthDateEnc, db.FieldGuestBirthDate
	if c.PatientID.Valid {
		u, err := q.GetUser(ctx, c.PatientID.UUID)
		if err != nil {
			return Identity{}, fmt.Errorf("accounts: patient of %s: %w", c.ID, err)
		}
		d, err := Decrypt(f, u)
		if err != nil {
			return Identity{}, err
		}
		id.Name, nameEnc, dobEnc, dobField = d.Name, nil, u.BirthDateEnc, db.FieldUserBirthDate
	}
	if len(nameEnc) > 0 {
		name, err := f.DecryptString(db.FieldGuestName, nameEnc)
		if err != nil {
			return Identity{}, fmt.Errorf("accounts: guest name of %s: %w", c.ID, err)
		}
		id.Name = name
	}
	if len(dobEnc) > 0 {
		s, err := f.DecryptString(dobField, dobEnc)
		if err != nil {
			return Identity{}, fmt.Errorf("accounts: date of birth of %s: %w", c.ID, err)
		}
		d, err := time.Parse(BirthDateLayout, s)
		if err != nil {
			return Identity{}, fmt.Errorf("accounts: date of birth of %s: %w", c.ID, err)
		}
		id.BirthDate = &d
	}
	return id, nil
}

// EncryptBirthDate encrypts a date of birth for the column of field
// (db.FieldUserBirthDate or db.FieldGuestBirthDate).
func EncryptBirthDate(f *secure.Fields, field string, d time.Time) ([]byte, error) {
	enc, err := f.EncryptString(field, d.Format(BirthDateLayout))
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return enc, nil
}

// PatientName is how a doctor sees the patient of a consultation named: the
// account holder's name, or the name a guest gave at intake; a guest who has
// not given one yet is known by the email address.
func PatientName(ctx context.Context, q *db.Queries, f *secure.Fields, c db.Consultation) (string, error) {
	if !c.PatientID.Valid && len(c.GuestNameEnc) > 0 {
		name, err := f.DecryptString(db.FieldGuestName, c.GuestNameEnc)
		if err != nil {
			return "", fmt.Errorf("accounts: guest name of %s: %w", c.ID, err)
		}
		if name = strings.TrimSpace(name); name != "" {
			return name, nil
		}
	}
	contact, err := PatientContact(ctx, q, f, c)
	return contact.Name, err
}
