package domain

import "testing"

func TestChatOpen(t *testing.T) {
	for _, tc := range []struct {
		t        ConsultationType
		s        Status
		roomOpen bool
		want     bool
	}{
		{TypeVideo, StatusScheduled, false, false},
		{TypeVideo, StatusScheduled, true, true},
		{TypeVideo, StatusWaiting, false, true},
		{TypeVideo, StatusInSession, false, true},
		{TypeVideo, StatusCompleted, true, false},
		{TypeVideo, StatusCancelled, true, false},
		{TypeVideo, StatusAwaitingPayment, true, false},
		{TypeWalkIn, StatusQueued, false, true},
		{TypeWalkIn, StatusCalled, false, true},
		{TypeWalkIn, StatusInSession, false, true},
		{TypeWalkIn, StatusCompleted, false, false},
		{TypeEmailAdvice, StatusAwaitingAdvice, true, false},
		{TypeInPerson, StatusScheduled, true, false},
	} {
		if got := ChatOpen(tc.t, tc.s, tc.roomOpen); got != tc.want {
			t.Errorf("ChatOpen(%s, %s, %v) = %v, want %v", tc.t, tc.s, tc.roomOpen, got, tc.want)
		}
	}
}
