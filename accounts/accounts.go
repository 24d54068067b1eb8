// Package accounts turns personal account data into its stored form:
// encrypted fields plus keyed-hash lookups. The API and the demo seeding
// create users through it, so personal data is never stored in clear.
package accounts

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/secure"
)

// Field-encryption contexts: a ciphertext only opens under its own context.
const (
	FieldEmail = "users.email"
	FieldName  = "users.name"
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
	emailEnc, err := f.EncryptString(FieldEmail, email)
	if err != nil {
		return db.CreateUserParams{}, fmt.Errorf("accounts: %w", err)
	}
	nameEnc, err := f.EncryptString(FieldName, name)
	if err != nil {
		return db.CreateUserParams{}, fmt.Errorf("accounts: %w", err)
	}
	return db.CreateUserParams{
		ID: uuid.New(), Role: role,
		EmailHash: EmailLookup(f, email), EmailEnc: emailEnc,
		NameHash: f.Lookup(FieldName, name), NameEnc: nameEnc,
		PasswordHash: passwordHash, Language: lang,
	}, nil
}

// EmailLookup is the keyed hash under which a user is found by email.
func EmailLookup(f *secure.Fields, email string) []byte { return f.Lookup(FieldEmail, email) }

// Decrypted is a user's personal data in clear.
type Decrypted struct {
	Email string
	Name  string
}

// Decrypt opens a stored user's email and name.
func Decrypt(f *secure.Fields, u db.User) (Decrypted, error) {
	email, err := f.DecryptString(FieldEmail, u.EmailEnc)
	if err != nil {
		return Decrypted{}, fmt.Errorf("accounts: user %s email: %w", u.ID, err)
	}
	name, err := f.DecryptString(FieldName, u.NameEnc)
	if err != nil {
		return Decrypted{}, fmt.Errorf("accounts: user %s name: %w", u.ID, err)
	}
	return Decrypted{Email: email, Name: name}, nil
}
