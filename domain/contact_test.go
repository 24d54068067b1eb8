package domain

import "testing"

func TestContactRoute(t *testing.T) {
	for _, tc := range []struct {
		s    ContactSubject
		want ContactRouting
	}{
		{ContactSystemComplaint, ContactRouting{NotifySupport: true}},
		{ContactPractitioner, ContactRouting{PractitionerPolicy: true}},
		{ContactOther, ContactRouting{}},
		{"praise", ContactRouting{}},
	} {
		if got := ContactRoute(tc.s); got != tc.want {
			t.Errorf("ContactRoute(%q) = %+v, want %+v", tc.s, got, tc.want)
		}
	}
	for _, s := range ContactSubjects() {
		if !s.Valid() {
			t.Errorf("%q is not valid", s)
		}
	}
	if ContactSubject("praise").Valid() || ContactStatus("done").Valid() || !ContactInProgress.Valid() {
		t.Error("Valid accepts an unknown word or refuses a known one")
	}
}
