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

// Field-encryption contexts of the identity fields documents need (dates
// of birth as YYYY-MM-DD, a guest's name).
const (
	FieldUserBirthDate  = "users.birth_date"
	FieldGuestName      = "consultations.guest_name"
	FieldGuestBirthDate = "consultations.guest_birth_date"
)

// FieldQuestionnaire is the field-encryption context of questionnaire answers.
const FieldQuestionnaire = "questionnaire_responses.answers"
