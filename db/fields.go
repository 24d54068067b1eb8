package db

// Field-encryption contexts of the encrypted columns. A ciphertext is bound
// to its context and only opens under it, so a value copied into another
// column is unreadable.
const (
	FieldUserEmail    = "users.email"
	FieldUserName     = "users.name"
	FieldGuestEmail   = "consultations.guest_email"
	FieldIntake       = "consultation_intakes.answers"
	FieldPhoto        = "consultation_photos.data"
	FieldAdvice       = "advice.text"
	FieldPrescription = "prescriptions.data"
)
