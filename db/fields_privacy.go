package db

// Field-encryption contexts of the second factor: the active TOTP secret and
// one being enrolled.
const (
	FieldTOTPSecret  = "users.totp_secret"
	FieldTOTPPending = "users.totp_pending"
)
