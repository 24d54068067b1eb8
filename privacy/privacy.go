// Package privacy carries out the data subject's rights of the GDPR and the
// retention of personal data: the export of everything a patient's account
// holds (art. 15 and 20), the erasure of an account outside the medical
// record (art. 17; the record stays for the WGBO's retention), and the
// retention jobs that the Temporal schedules run (expired tokens, processed
// outbox rows, abandoned unpaid consultations, records of erased accounts
// after their retention, audit rows after theirs).
//
// The export and the removal of a record after its retention follow the
// schema's foreign keys from the users row (References), so a table added
// later that refers to a patient is exported and removed without a change
// here; ExcludedTables names what the export leaves out, and why.
package privacy

import "time"

// StatementVersion is the version of the privacy statement the platform
// shows now; a registration records that the patient accepted it.
const StatementVersion = "2026-12-01"

// Retention holds the retention periods (config RETENTION_*).
type Retention struct {
	// RecordYears: the medical record of an erased account is kept this
	// many years after its last consultation or entry (WGBO: 20).
	RecordYears int
	// AuditYears: audit rows are kept this many years.
	AuditYears int
	// TokenGrace: expired or used tokens and sessions are kept this long
	// after they ended (to answer "why was I logged out").
	TokenGrace time.Duration
	// Abandoned: the data of a consultation that ended unpaid is kept this
	// long after it ended.
	Abandoned time.Duration
}

// RecordCutoff is the moment before which a record's last entry must lie
// for the record to be past its retention at now.
func (r Retention) RecordCutoff(now time.Time) time.Time { return now.AddDate(-r.RecordYears, 0, 0) }

// RetainUntil is the end of the retention of a record whose last entry was at last.
func (r Retention) RetainUntil(last time.Time) time.Time { return last.AddDate(r.RecordYears, 0, 0) }
