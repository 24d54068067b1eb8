// Package conditions holds Derma2Go's patient-facing skin condition content
// (A–Z, Dutch and English) and the DermaWizard, a stateless step-by-step
// symptom questionnaire that ranks conditions which may fit the answers.
//
// All content is data: one YAML file per condition under content/ (both
// languages plus a wizard profile) and wizard.yaml (questions, red-flag rules
// and interface texts). Everything is embedded in the binary and validated by
// Load, so a typo in the data fails at start-up instead of in front of a
// patient.
//
// The package only exposes content. Whether a text has been reviewed by a
// dermatologist (reviewer, review date) is tracked in the database, not here.
//
// The DermaWizard never gives a diagnosis. Every Step carries a disclaimer,
// and red-flag rules turn answers that need a doctor soon, or an emergency
// service, into UrgentAdvice that comes before any ranked result.
package conditions
