package domain

// The rules that follow from the vocabulary alone. They are asked with the
// workflow's live status (or a final status from Postgres, which no longer
// changes), never with a status that may lag.

// Prescription says whether a consultation may get a prescription.
type Prescription int

// Answers of PrescriptionRule.
const (
	// PrescriptionAllowed: the patient has been seen.
	PrescriptionAllowed Prescription = iota
	// PrescriptionNeverForType: email advice never gets a prescription.
	PrescriptionNeverForType
	// PrescriptionNotNow: the type may, but not in this status.
	PrescriptionNotNow
)

// PrescriptionRule is the one prescription rule (DESIGN §5): prescriptions
// only from video, walk-in or in-person consultations, and only once the
// patient has been seen: a video or walk-in session in progress or
// completed, an in-person visit marked attended (completed; an in-person
// visit has no in_session status).
func PrescriptionRule(t ConsultationType, s Status) Prescription {
	switch t {
	case TypeVideo, TypeWalkIn:
		if s == StatusInSession || s == StatusCompleted {
			return PrescriptionAllowed
		}
		return PrescriptionNotNow
	case TypeInPerson:
		if s == StatusCompleted {
			return PrescriptionAllowed
		}
		return PrescriptionNotNow
	}
	return PrescriptionNeverForType
}

// PrescriptionAllowedFor reports whether PrescriptionRule allows it.
func PrescriptionAllowedFor(t ConsultationType, s Status) bool {
	return PrescriptionRule(t, s) == PrescriptionAllowed
}

// IntakeForm is the form kind a consultation takes: the one chosen at
// booking for email advice, the short form for appointments.
func IntakeForm(t ConsultationType, chosen FormKind) FormKind {
	if t == TypeEmailAdvice {
		return chosen
	}
	return FormShort
}

// IntakeOpen reports whether the intake form is accepted now: email advice
// after payment until the workflow took the form (awaiting_intake);
// appointments before the visit (scheduled, waiting).
func IntakeOpen(t ConsultationType, s Status) bool {
	if t == TypeEmailAdvice {
		return s == StatusAwaitingIntake
	}
	return t.Appointment() && (s == StatusScheduled || s == StatusWaiting)
}

// PhotosOpen reports whether photos may be added now: email advice, after
// payment until the doctor answers (awaiting_intake, awaiting_advice).
func PhotosOpen(t ConsultationType, s Status) bool {
	return t == TypeEmailAdvice && (s == StatusAwaitingIntake || s == StatusAwaitingAdvice)
}

// WalkInWaiting reports whether a walk-in consultation in status s is still
// in the doctor's queue: queued, or called and not yet answered. These are
// the patients a closing queue refunds in full.
func WalkInWaiting(s Status) bool {
	return s == StatusQueued || s == StatusCalled
}

// Participant is a person's part in a consultation's video room.
type Participant string

// The participants of a video room.
const (
	ParticipantPatient Participant = "patient"
	ParticipantDoctor  Participant = "doctor"
)

// videoRoom is one row of the video room table: in status of a type, who
// may have a room token, and whether the patient and doctor see and hear
// each other (admitted) or the patient only tests their equipment.
type videoRoom struct {
	typ      ConsultationType
	status   Status
	who      []Participant
	admitted bool
}

// videoRooms is the table of VideoRoomOpen and VideoAdmitted. A status
// missing from it has no room.
var videoRooms = []videoRoom{
	{TypeVideo, StatusWaiting, []Participant{ParticipantPatient, ParticipantDoctor}, false},
	{TypeVideo, StatusInSession, []Participant{ParticipantPatient, ParticipantDoctor}, true},
	// A walk-in patient may test their equipment while queued; once called
	// the doctor is there too; answered, they see and hear each other.
	{TypeWalkIn, StatusQueued, []Participant{ParticipantPatient}, false},
	{TypeWalkIn, StatusCalled, []Participant{ParticipantPatient, ParticipantDoctor}, false},
	{TypeWalkIn, StatusInSession, []Participant{ParticipantPatient, ParticipantDoctor}, true},
}

func videoRoomOf(t ConsultationType, s Status) (videoRoom, bool) {
	for _, r := range videoRooms {
		if r.typ == t && r.status == s {
			return r, true
		}
	}
	return videoRoom{}, false
}

// VideoRoomOpen is the one rule of who may get a video room token now: the
// patient and the doctor of a video consultation while the patient waits
// (the equipment test; the doctor may be there first) and while the session
// runs; of a walk-in, the patient alone while queued (the equipment test),
// both once called and in session. Ask it with the workflow's live status.
func VideoRoomOpen(t ConsultationType, s Status, who Participant) bool {
	r, ok := videoRoomOf(t, s)
	return ok && contains(r.who, who)
}

// VideoAdmitted reports whether the patient and the doctor see and hear each
// other in status s: once the doctor started the session.
func VideoAdmitted(t ConsultationType, s Status) bool {
	r, ok := videoRoomOf(t, s)
	return ok && r.admitted
}
