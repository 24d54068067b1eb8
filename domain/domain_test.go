package domain

import "testing"

func TestPrescriptionRule(t *testing.T) {
	cases := []struct {
		typ    ConsultationType
		status Status
		want   Prescription
	}{
		{TypeEmailAdvice, StatusCompleted, PrescriptionNeverForType},
		{TypeEmailAdvice, StatusAwaitingAdvice, PrescriptionNeverForType},
		{TypeVideo, StatusInSession, PrescriptionAllowed},
		{TypeVideo, StatusCompleted, PrescriptionAllowed},
		{TypeVideo, StatusScheduled, PrescriptionNotNow},
		{TypeVideo, StatusWaiting, PrescriptionNotNow},
		{TypeVideo, StatusCancelled, PrescriptionNotNow},
		{TypeInPerson, StatusCompleted, PrescriptionAllowed},
		{TypeInPerson, StatusInSession, PrescriptionNotNow},
		{TypeInPerson, StatusScheduled, PrescriptionNotNow},
		{TypeInPerson, StatusNoShow, PrescriptionNotNow},
		{TypeWalkIn, StatusInSession, PrescriptionAllowed},
		{"house_call", StatusCompleted, PrescriptionNeverForType},
	}
	for _, c := range cases {
		if got := PrescriptionRule(c.typ, c.status); got != c.want {
			t.Errorf("PrescriptionRule(%s, %s) = %v, want %v", c.typ, c.status, got, c.want)
		}
		if got := PrescriptionAllowedFor(c.typ, c.status); got != (c.want == PrescriptionAllowed) {
			t.Errorf("PrescriptionAllowedFor(%s, %s) = %v", c.typ, c.status, got)
		}
	}
}

func TestIntakeAndPhotoWindows(t *testing.T) {
	for _, s := range Statuses() {
		if got, want := IntakeOpen(TypeEmailAdvice, s), s == StatusAwaitingIntake; got != want {
			t.Errorf("IntakeOpen(email_advice, %s) = %v", s, got)
		}
		if got, want := PhotosOpen(TypeEmailAdvice, s), s == StatusAwaitingIntake || s == StatusAwaitingAdvice; got != want {
			t.Errorf("PhotosOpen(email_advice, %s) = %v", s, got)
		}
		for _, typ := range []ConsultationType{TypeVideo, TypeInPerson} {
			if got, want := IntakeOpen(typ, s), s == StatusScheduled || s == StatusWaiting; got != want {
				t.Errorf("IntakeOpen(%s, %s) = %v", typ, s, got)
			}
			if PhotosOpen(typ, s) {
				t.Errorf("PhotosOpen(%s, %s)", typ, s)
			}
		}
	}
	if IntakeForm(TypeVideo, FormDetailed) != FormShort || IntakeForm(TypeEmailAdvice, FormDetailed) != FormDetailed {
		t.Error("IntakeForm")
	}
}

func TestVocabularyIsConsistent(t *testing.T) {
	seen := map[Status]bool{}
	for _, s := range Statuses() {
		if seen[s] || !s.Valid() {
			t.Errorf("status %q duplicated or invalid", s)
		}
		seen[s] = true
		if s.FreesSlot() && !s.Final() {
			t.Errorf("%s frees the slot but is not final", s)
		}
	}
	for _, r := range DeclineReasons() {
		if !r.Valid() {
			t.Errorf("decline reason %q invalid", r)
		}
	}
	if DeclineReason("because").Valid() || Status("refunded").Valid() || ConsultationType("chat").Valid() {
		t.Error("unknown values pass as valid")
	}
	for _, r := range PatientCancelReasons() {
		if !ValidCancelReason(r) {
			t.Errorf("cancel reason %q invalid", r)
		}
	}
	if !ValidCancelReason("") || !ValidCancelReason(CancelReasonDoctorUnavailable) || ValidCancelReason("bored") {
		t.Error("ValidCancelReason")
	}
}

// TestVideoRoomRule walks every type, status and participant: a room token
// only for the patient and doctor of a video consultation that waits or is
// in session, or a walk-in that is called or in session (and the queued
// walk-in patient alone), and admission only in session.
func TestVideoRoomRule(t *testing.T) {
	for _, typ := range ConsultationTypes() {
		for _, s := range Statuses() {
			live := typ == TypeVideo && (s == StatusWaiting || s == StatusInSession) ||
				typ == TypeWalkIn && (s == StatusCalled || s == StatusInSession)
			queued := typ == TypeWalkIn && s == StatusQueued
			for _, who := range []Participant{ParticipantPatient, ParticipantDoctor, "admin", ""} {
				want := live && (who == ParticipantPatient || who == ParticipantDoctor) || queued && who == ParticipantPatient
				if got := VideoRoomOpen(typ, s, who); got != want {
					t.Errorf("VideoRoomOpen(%s, %s, %q) = %v, want %v", typ, s, who, got, want)
				}
			}
			if got, want := VideoAdmitted(typ, s), (typ == TypeVideo || typ == TypeWalkIn) && s == StatusInSession; got != want {
				t.Errorf("VideoAdmitted(%s, %s) = %v, want %v", typ, s, got, want)
			}
		}
	}
}
