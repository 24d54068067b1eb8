package db

// Field-encryption contexts of the doctor's own record entries.
const (
	FieldRecordNote      = "record_notes.text"
	FieldRecordDiagnosis = "record_diagnoses.data"
)
