// Package secure holds Derma2Go's cryptography: field encryption at rest,
// keyed-hash lookups, password and PIN hashing, opaque tokens and signed links.
package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"derma2go/config"
)

// ErrDecrypt is returned when a ciphertext cannot be opened: unknown key id,
// wrong context or tampered bytes.
var ErrDecrypt = errors.New("secure: cannot decrypt field")

// Fields encrypts personal and medical data with AES-256-GCM. Every
// ciphertext starts with the id of the key that made it, so keys can rotate:
// the first key encrypts, every configured key decrypts.
type Fields struct {
	active string
	aeads  map[string]cipher.AEAD
	lookup []byte
}

// NewFields builds the field cipher from the data keys and the lookup key.
func NewFields(keys []config.NamedKey, lookupKey []byte) (*Fields, error) {
	if len(keys) == 0 {
		return nil, errors.New("secure: no data key")
	}
	if len(lookupKey) < 32 {
		return nil, errors.New("secure: lookup key shorter than 32 bytes")
	}
	f := &Fields{active: keys[0].ID, aeads: map[string]cipher.AEAD{}, lookup: lookupKey}
	for _, k := range keys {
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("secure: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secure: key %q: %w", k.ID, err)
		}
		f.aeads[k.ID] = aead
	}
	return f, nil
}

// Encrypt seals plaintext. The context (e.g. "users.email") is bound as
// additional data, so a ciphertext copied into another column does not open.
// Layout: len(id) | id | nonce | ciphertext+tag.
func (f *Fields) Encrypt(context string, plaintext []byte) ([]byte, error) {
	aead := f.aeads[f.active]
	out := make([]byte, 0, 1+len(f.active)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, byte(len(f.active)))
	out = append(out, f.active...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secure: nonce: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, []byte(context)), nil
}

// EncryptString is Encrypt for text.
func (f *Fields) EncryptString(context, plaintext string) ([]byte, error) {
	return f.Encrypt(context, []byte(plaintext))
}

// Decrypt opens a ciphertext made by Encrypt with the same context.
func (f *Fields) Decrypt(context string, sealed []byte) ([]byte, error) {
	if len(sealed) < 1 {
		return nil, ErrDecrypt
	}
	n := int(sealed[0])
	if len(sealed) < 1+n {
		return nil, ErrDecrypt
	}
	aead, ok := f.aeads[string(sealed[1:1+n])]
	if !ok {
		return nil, ErrDecrypt
	}
	rest := sealed[1+n:]
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrDecrypt
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// DecryptString is Decrypt for text.
func (f *Fields) DecryptString(context string, sealed []byte) (string, error) {
	b, err := f.Decrypt(context, sealed)
	return string(b), err
}

// KeyID reports the id of the key that sealed a ciphertext.
func KeyID(sealed []byte) string {
	if len(sealed) < 1 || len(sealed) < 1+int(sealed[0]) {
		return ""
	}
	return string(sealed[1 : 1+int(sealed[0])])
}

// Lookup is the keyed hash (HMAC-SHA256) used to find a record by a personal
// value without storing it in clear, e.g. a user by email. The value is
// normalised (trimmed, lower-cased) first.
func (f *Fields) Lookup(context, value string) []byte {
	mac := hmac.New(sha256.New, f.lookup)
	mac.Write([]byte(context))
	mac.Write([]byte{0})
	mac.Write([]byte(NormaliseLookup(value)))
	return mac.Sum(nil)
}

// NormaliseLookup is the canonical form of a value before it is hashed.
func NormaliseLookup(v string) string { return strings.ToLower(strings.TrimSpace(v)) }
