package secure

import (
	_ "embed"
	"strings"
)

// commonPasswordList is Openwall's public-domain list of the passwords most
// often seen in breaches (John the Ripper's password.lst, 3,546 entries,
// most common first; lines starting with "#!comment" describe it).
//
//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#!comment") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}()

// IsCommonPassword reports whether a password is one of the most common ones,
// compared without case, or one of them with only digits and punctuation
// added at the end ("Basketball2024!").
func IsCommonPassword(pw string) bool {
	pw = strings.ToLower(strings.TrimSpace(pw))
	if _, ok := commonPasswords[pw]; ok {
		return true
	}
	stem := strings.TrimRight(pw, "0123456789!@#$%^&*()-_=+.,;:?~ ")
	if len(stem) < 4 || stem == pw {
		return false
	}
	_, ok := commonPasswords[stem]
	return ok
}
