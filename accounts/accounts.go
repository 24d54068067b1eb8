// Package accounts turns personal account data into its stored form:
// encrypted fields plus keyed-hash lookups. The API and the demo seeding
// create users through it, so personal data is never stored in clear.
package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/secure"
)

// Roles of users.
const (
	RolePatient = "patient"
	RoleDoctor  = "doctor"
	RoleAdmin   = "admin"
)

// NewUser encrypts a new user's email and name and derives their lookup hashes.
func NewUser(f *secure.Fields, role, email, name, passwordHash, lang string) (db.CreateUserParams, error) {
	email = secure.NormaliseLookup(email)
	name = strings.TrimSpace(name)
	emailEnc, err := f.EncryptString(db.FieldUserEmail, email)
	if err != nil {
		return db.CreateUserParams{}, fmt.Errorf("accounts: %w", err)
	}
	nameEnc, err := f.EncryptString(db.FieldUserName, name)
	if err != nil {
		return db.CreateUserParams{}, fmt.Errorf("accounts: %w", err)
	}
	return db.CreateUserParams{
		ID: uuid.New(), Role: role,
		EmailHash: EmailLookup(f, email), EmailEnc: emailEnc,
		NameHash: f.Lookup(db.FieldUserName, name), NameEnc: nameEnc,
		PasswordHash: passwordHash, Language: lang,
	}, nil
}

// EmailLookup is the keyed hash under which a user is found by email.
func EmailLookup(f *secure.Fields, email string) []byte { return f.Lookup(db.FieldUserEmail, email) }

// Decrypted is a user's personal data in clear.
type Decrypted struct {
	Email string
	Name  string
}

// Decrypt opens a stored user's email and name.
func Decrypt(f *secure.Fields, u db.User) (Decrypted, error) {
	email, err := f.DecryptString(db.FieldUserEmail, u.EmailEnc)
	if err != nil {
		return Decrypted{}, fmt.Errorf("accounts: user %s email: %w", u.ID, err)
	}
	name, err := f.DecryptString(db.FieldUserName, u.NameEnc)
	if err != nil {
		return Decrypted{}, fmt.Errorf("accounts: user %s name: %w", u.ID, err)
	}
	return Decrypted{Email: email, Name: name}, nil
}

// Contact is who to write to about a consultation.
type Contact struct {
	Name     string
	Email    string
	Language string
}

// PatientContact returns the patient of a consultation: the account holder,
// or the guest (named by the email address).
func PatientContact(ctx context.Context, q *db.Queries, f *secure.Fields, c db.Consultation) (Contact, error) {
	if c.PatientID.Valid {
		u, err := q.GetUser(ctx, c.PatientID.UUID)
		if err != nil {
			return Contact{}, fmt.Errorf("accounts: patient of %s: %w", c.ID, err)
		}
		d, err := Decrypt(f, u)
		if err != nil {
			return Contact{}, err
		}
		return Contact{Name: d.Name, Email: d.Email, Language: c.Language}, nil
	}
	email, err := f.DecryptString(db.FieldGuestEmail, c.GuestEmailEnc)
	if err != nil {
		return Contact{}, fmt.Errorf("accounts: guest of %s: %w", c.ID, err)
	}
	return Contact{Name: email, Email: email, Language: c.Language}, nil
}

// DoctorContact returns a doctor's name and login email.
func DoctorContact(ctx context.Context, q *db.Queries, f *secure.Fields, doctorID uuid.UUID) (Contact, error) {
	u, err := q.GetUser(ctx, doctorID)
	if err != nil {
		return Contact{}, fmt.Errorf("accounts: doctor %s: %w", doctorID, err)
	}
	d, err := Decrypt(f, u)
	if err != nil {
		return Contact{}, err
	}
	return Contact{Name: d.Name, Email: d.Email, Language: u.Language}, nil
}
