package domain

import (
	"slices"
	"testing"
)

// ready is a setup with every item done.
func ready() DoctorSetup {
	return DoctorSetup{
		Bio: "Dermatoloog in Utrecht.", City: "Utrecht", Address: "Stationsplein 1", Languages: []string{"nl"},
		Lat: 52.09, Lng: 5.12, PhotoURL: "https://example.test/me.jpg", AdminFeeCents: 750,
		Fees:     map[ConsultationType]int64{TypeEmailAdvice: 3500, TypeVideo: 5500, TypeInPerson: 8500},
		HoursFor: map[ConsultationType]bool{TypeVideo: true, TypeInPerson: true}, PayoutsRequired: true,
		PayoutsConnected: true, SecondFactor: true, Questionnaires: 1,
	}
}

func doneOf(items []ChecklistItem) map[ChecklistItemID]bool {
	out := map[ChecklistItemID]bool{}
	for _, it := range items {
		out[it.ID] = it.Done
	}
	return out
}

func TestChecklistOfAFreshDoctorMissesEveryRequiredStep(t *testing.T) {
	items := Checklist(DoctorSetup{City: "Utrecht", Languages: []string{"nl"}, PayoutsRequired: true})
	if got, want := Missing(items), []ChecklistItemID{ItemProfile, ItemFees, ItemPayouts, ItemHours, ItemSecondFactor}; !slices.Equal(got, want) {
		t.Fatalf("a fresh doctor misses %v, want %v", got, want)
	}
	if Listed(items) {
		t.Fatal("a fresh doctor is listed")
	}
	for _, it := range items {
		if it.Page == "" || it.Page[0] != '/' {
			t.Errorf("%s has no page to fix it: %q", it.ID, it.Page)
		}
	}
}

func TestChecklistStepByStep(t *testing.T) {
	s := ready()
	if m := Missing(Checklist(s)); len(m) != 0 || !Listed(Checklist(s)) {
		t.Fatalf("a ready doctor misses %v", m)
	}
	if d := doneOf(Checklist(s)); !d[ItemPhoto] || !d[ItemAdminFee] || !d[ItemQuestionnaire] {
		t.Fatalf("recommended items not done: %v", d)
	}
	for _, tt := range []struct {
		name   string
		change func(*DoctorSetup)
		item   ChecklistItemID
		listed bool
	}{
		{"no bio", func(s *DoctorSetup) { s.Bio = "  " }, ItemProfile, false},
		{"no address", func(s *DoctorSetup) { s.Address = "" }, ItemProfile, false},
		{"no location", func(s *DoctorSetup) { s.Lat, s.Lng = 0, 0 }, ItemProfile, false},
		{"no languages", func(s *DoctorSetup) { s.Languages = nil }, ItemProfile, false},
		{"no photo", func(s *DoctorSetup) { s.PhotoURL = "" }, ItemPhoto, true},
		{"no fees", func(s *DoctorSetup) { s.Fees = nil }, ItemFees, false},
		{"a fee of zero", func(s *DoctorSetup) { s.Fees[TypeVideo] = 0 }, ItemFees, false},
		{"no admin fee", func(s *DoctorSetup) { s.AdminFeeCents = 0 }, ItemAdminFee, true},
		{"not connected", func(s *DoctorSetup) { s.PayoutsConnected = false }, ItemPayouts, false},
		{"no hours", func(s *DoctorSetup) { s.HoursFor = nil }, ItemHours, false},
		{"hours only for a type not offered", func(s *DoctorSetup) { s.HoursFor = map[ConsultationType]bool{TypeWalkIn: true} }, ItemHours, false},
		{"no second factor", func(s *DoctorSetup) { s.SecondFactor = false }, ItemSecondFactor, false},
		{"no questionnaire", func(s *DoctorSetup) { s.Questionnaires = 0 }, ItemQuestionnaire, true},
	} {
		s := ready()
		s.Fees = map[ConsultationType]int64{TypeEmailAdvice: 3500, TypeVideo: 5500, TypeInPerson: 8500}
		tt.change(&s)
		items := Checklist(s)
		if doneOf(items)[tt.item] {
			t.Errorf("%s: %s is done", tt.name, tt.item)
		}
		if Listed(items) != tt.listed {
			t.Errorf("%s: listed %v, want %v", tt.name, Listed(items), tt.listed)
		}
	}
}

func TestChecklistAsksOnlyWhatTheOfferNeeds(t *testing.T) {
	// Email advice only: no hours needed.
	s := ready()
	s.Fees, s.HoursFor = map[ConsultationType]int64{TypeEmailAdvice: 3500}, nil
	if m := Missing(Checklist(s)); len(m) != 0 {
		t.Errorf("email advice only misses %v", m)
	}
	// In person only, Connect on: no payout account needed (paid at the desk).
	s = ready()
	s.Fees, s.PayoutsConnected = map[ConsultationType]int64{TypeInPerson: 8500}, false
	if m := Missing(Checklist(s)); len(m) != 0 {
		t.Errorf("in person only misses %v", m)
	}
	// Connect off: nobody needs a payout account.
	s = ready()
	s.PayoutsRequired, s.PayoutsConnected = false, false
	if m := Missing(Checklist(s)); len(m) != 0 {
		t.Errorf("without Connect misses %v", m)
	}
}

func TestBookableForAType(t *testing.T) {
	s := ready()
	s.PayoutsConnected = false
	items := Checklist(s)
	if Listed(items) {
		t.Fatal("a doctor paid online without an account is listed")
	}
	if got := BookableFor(items, TypeVideo); !slices.Equal(got, []ChecklistItemID{ItemPayouts}) {
		t.Errorf("video: %v, want payouts", got)
	}
	if got := BookableFor(items, TypeInPerson); len(got) != 0 {
		t.Errorf("in person (paid at the desk): %v, want bookable", got)
	}
	s = ready()
	s.HoursFor, s.SecondFactor = nil, false
	items = Checklist(s)
	if got := BookableFor(items, TypeEmailAdvice); !slices.Equal(got, []ChecklistItemID{ItemSecondFactor}) {
		t.Errorf("email advice: %v, want only the second factor", got)
	}
	if got := BookableFor(items, TypeVideo); !slices.Equal(got, []ChecklistItemID{ItemHours, ItemSecondFactor}) {
		t.Errorf("video: %v, want hours and second factor", got)
	}
}
