package domain

// ChatOpen reports whether the patient and the doctor of a consultation may
// chat now. Chat belongs to the live consultations, video and walk-in, and
// is open from the waiting room until the session ends: a video
// consultation once its waiting room opens (roomOpen: from the waiting
// room's lead before the scheduled start, while scheduled) and while the
// patient waits or the session runs; a walk-in while queued, called or in
// session. It closes when the session ends or the consultation ends
// otherwise (completed, cancelled, no-show, …); what was said stays
// readable in the record.
func ChatOpen(t ConsultationType, s Status, roomOpen bool) bool {
	switch t {
	case TypeVideo:
		return s == StatusWaiting || s == StatusInSession || (s == StatusScheduled && roomOpen)
	case TypeWalkIn:
		return s == StatusQueued || s == StatusCalled || s == StatusInSession
	}
	return false
}

// ChatMaxLength bounds a chat message, in characters.
const ChatMaxLength = 2000
