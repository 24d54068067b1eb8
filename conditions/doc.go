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
// # Data
//
// A condition file holds slug, nl and en (name, synonyms, summary, what_it_is,
// symptoms, causes, self_care, treatment, when_to_see_a_doctor) and profile:
// consultation_types (best first) and signs, a map question id → answer id →
// weight. Unknown fields are rejected.
//
// # Scoring
//
// For every answered question a profile lists, the best fitting answer counts
// fully and further fitting answers of a multi-choice question count by half;
// negative weights count against the condition; and when no given answer fits,
// the question's mismatch_penalty is subtracted. Conditions with a positive
// score are ranked; conditions named by a red flag that fired are always
// listed, marked urgent and put first.
//
// The package only exposes content. Whether a text has been reviewed by a
// dermatologist (reviewer, review date) is tracked in the database, not here.
//
// The DermaWizard never gives a diagnosis. Every Step carries a disclaimer,
// and red-flag rules turn answers that need a doctor soon, or an emergency
// service, into UrgentAdvice that comes before any ranked result.
package conditions
