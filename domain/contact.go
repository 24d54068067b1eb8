package domain

// ContactSubject is what a message of the contact and complaint form is
// about; it decides where the message goes (ContactRoute).
type ContactSubject string

// Contact subjects.
const (
	// ContactSystemComplaint: a complaint about Derma2Go itself (the
	// website, payments, mail). Support handles it.
	ContactSystemComplaint ContactSubject = "system_complaint"
	// ContactPractitioner: a complaint about the care of a practitioner.
	// Under the Wkkgz the practitioner handles complaints about their own
	// care, so the sender is told how to reach them (ContactRoute).
	ContactPractitioner ContactSubject = "practitioner"
	// ContactOther: any other question or remark.
	ContactOther ContactSubject = "other"
)

// ContactSubjects lists every contact subject.
func ContactSubjects() []ContactSubject {
	return []ContactSubject{ContactSystemComplaint, ContactPractitioner, ContactOther}
}

// Valid reports whether s is a known contact subject.
func (s ContactSubject) Valid() bool { return contains(ContactSubjects(), s) }

// ContactStatus is where an administrator is with a contact message.
type ContactStatus string

// Contact statuses: every message starts open.
const (
	ContactOpen       ContactStatus = "open"
	ContactInProgress ContactStatus = "in_progress"
	ContactClosed     ContactStatus = "closed"
)

// ContactStatuses lists every contact status.
func ContactStatuses() []ContactStatus {
	return []ContactStatus{ContactOpen, ContactInProgress, ContactClosed}
}

// Valid reports whether s is a known contact status.
func (s ContactStatus) Valid() bool { return contains(ContactStatuses(), s) }

// ContactRouting is what follows a contact message besides its storage and
// the acknowledgement to the sender.
type ContactRouting struct {
	// NotifySupport: the message is mailed to support at once.
	NotifySupport bool
	// PractitionerPolicy: the acknowledgement explains the complaints
	// procedure for care: the practitioner first (their contact details
	// when the message names one), then their complaints officer and the
	// disputes committee they are affiliated with. Derma2Go does not judge
	// medical care.
	PractitionerPolicy bool
}

// ContactRoute is the service's policy for a message about s: a system
// complaint goes to support; a complaint about a practitioner is answered
// with how to reach the practitioner, and support is not asked to judge
// it; anything else waits in the administrators' list.
func ContactRoute(s ContactSubject) ContactRouting {
	switch s {
	case ContactSystemComplaint:
		return ContactRouting{NotifySupport: true}
	case ContactPractitioner:
		return ContactRouting{PractitionerPolicy: true}
	}
	return ContactRouting{}
}
