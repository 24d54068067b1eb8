package domain

import "strings"

// A doctor's getting-started checklist: what is still missing before
// patients can find and book them. It is computed from the doctor's real
// state (DoctorSetup) by one rule, Checklist; Listed and BookableFor read
// its required items, and the search index (only listed doctors are
// searchable) and the booking path (a doctor not bookable for a type is
// refused) both use them.

// ChecklistItemID names one step of the checklist.
type ChecklistItemID string

// The checklist's steps, in the order the dashboard shows them.
const (
	// ItemProfile: bio, languages, city, practice address and location.
	ItemProfile ChecklistItemID = "profile"
	// ItemPhoto: a profile photo (recommended).
	ItemPhoto ChecklistItemID = "photo"
	// ItemFees: at least one consultation type offered, each with a fee.
	ItemFees ChecklistItemID = "fees"
	// ItemAdminFee: the fee kept from a late cancellation's refund
	// (recommended: no fee is a valid choice).
	ItemAdminFee ChecklistItemID = "admin_fee"
	// ItemPayouts: a connected Mollie account, when Mollie Connect is on and
	// a type paid online is offered (or nothing is offered yet).
	ItemPayouts ChecklistItemID = "payouts"
	// ItemHours: availability or walk-in hours for an offered type that
	// needs them.
	ItemHours ChecklistItemID = "hours"
	// ItemSecondFactor: the second factor of the sign-in.
	ItemSecondFactor ChecklistItemID = "second_factor"
	// ItemQuestionnaire: an intake questionnaire of the doctor's own
	// (recommended).
	ItemQuestionnaire ChecklistItemID = "questionnaire"
)

// DoctorSetup is what the checklist is computed from: the doctor's profile,
// fees, hours, payout connection and sign-in, as stored.
type DoctorSetup struct {
	Bio, City, Address string
	Languages          []string
	Lat, Lng           float64
	PhotoURL           string
	AdminFeeCents      int64
	// Fees holds the fee of each type the doctor offers.
	Fees map[ConsultationType]int64
	// HoursFor holds the types with at least one weekly availability rule
	// (walk_in: walk-in hours).
	HoursFor map[ConsultationType]bool
	// PayoutsRequired: Mollie Connect is on, so a doctor paid online needs
	// a connected account.
	PayoutsRequired  bool
	PayoutsConnected bool
	SecondFactor     bool
	Questionnaires   int
}

// ChecklistItem is one step: done or missing, required before patients can
// book or only recommended, and the dashboard page that does it.
type ChecklistItem struct {
	ID       ChecklistItemID
	Done     bool
	Required bool
	Page     string
}

// Checklist computes the doctor's checklist from their setup.
func Checklist(s DoctorSetup) []ChecklistItem {
	paidOnline, slotted := false, false
	feesOK := len(s.Fees) > 0
	for t, cents := range s.Fees {
		if !t.Valid() || cents <= 0 {
			feesOK = false
		}
		paidOnline = paidOnline || t.PaidOnline()
		slotted = slotted || t != TypeEmailAdvice
	}
	hours := false
	for _, t := range SlotTypes() {
		if _, offered := s.Fees[t]; offered && s.HoursFor[t] {
			hours = true
		}
	}
	profile := strings.TrimSpace(s.Bio) != "" && len(s.Languages) > 0 && strings.TrimSpace(s.City) != "" &&
		strings.TrimSpace(s.Address) != "" && (s.Lat != 0 || s.Lng != 0)
	// Until the doctor offers something, payouts count as needed: every
	// type but the visit at the practice is paid online.
	payoutsNeeded := s.PayoutsRequired && (paidOnline || len(s.Fees) == 0)
	return []ChecklistItem{
		{ID: ItemProfile, Done: profile, Required: true, Page: "/doctor/profile"},
		{ID: ItemPhoto, Done: strings.TrimSpace(s.PhotoURL) != "", Page: "/doctor/profile"},
		{ID: ItemFees, Done: feesOK, Required: true, Page: "/doctor/fees"},
		{ID: ItemAdminFee, Done: s.AdminFeeCents > 0, Page: "/doctor/fees"},
		{ID: ItemPayouts, Done: s.PayoutsConnected || !payoutsNeeded, Required: payoutsNeeded, Page: "/doctor/payouts"},
		{ID: ItemHours, Done: hours || (feesOK && !slotted), Required: slotted || !feesOK, Page: "/doctor/availability"},
		{ID: ItemSecondFactor, Done: s.SecondFactor, Required: true, Page: "/account/security"},
		{ID: ItemQuestionnaire, Done: s.Questionnaires > 0, Page: "/doctor/questionnaires"},
	}
}

// Missing lists the required items of a checklist that are not done.
func Missing(items []ChecklistItem) []ChecklistItemID {
	var out []ChecklistItemID
	for _, it := range items {
		if it.Required && !it.Done {
			out = append(out, it.ID)
		}
	}
	return out
}

// Listed reports whether patients find the doctor in the search: every
// required item of the checklist is done.
func Listed(items []ChecklistItem) bool { return len(Missing(items)) == 0 }

// BookableFor lists what keeps a patient from booking the doctor for type
// t: the missing required items, except that payouts matter only for a
// type paid online and hours only for a type with hours (an in-person
// visit is paid at the desk; email advice has no slots). Empty means
// bookable (whether the type is offered and a slot free is the booking's
// own check).
func BookableFor(items []ChecklistItem, t ConsultationType) []ChecklistItemID {
	var out []ChecklistItemID
	for _, id := range Missing(items) {
		switch {
		case id == ItemPayouts && !t.PaidOnline():
		case id == ItemHours && t == TypeEmailAdvice:
		default:
			out = append(out, id)
		}
	}
	return out
}
