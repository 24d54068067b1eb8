package mail

// TemplateAccountErased confirms an erasure to the address it removed: what
// went, what is kept and until when, and where to ask. Data:
// AccountErasedData.
const TemplateAccountErased = "account_erased"

// AccountErasedData is the data of TemplateAccountErased.
type AccountErasedData struct {
	PatientName string
	// RecordUntil is the end of the medical record's retention, formatted;
	// empty when there was no record and nothing is kept.
	RecordUntil string
	ContactURL  string // the contact form in the web client
}
