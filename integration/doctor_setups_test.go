package integration

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/demodata"
	"derma2go/domain"
)

// TestDoctorSetupsInOneQueryMatchTheirTables: the checklist inputs that
// care.DoctorSetups reads in one query equal what the doctors, fee and
// weekly-hour tables hold for each doctor (every demo doctor's profile,
// each fee and each type with hours, and the second factor the demo
// doctors have), and an unknown id is left out.
func TestDoctorSetupsInOneQueryMatchTheirTables(t *testing.T) {
	ctx := context.Background()
	q := stack.Platform.Store.Queries
	var ids []uuid.UUID
	for i := range 5 {
		_, s := loginAs(t, demodata.DoctorEmail(i*7), doctorPassword)
		ids = append(ids, uuid.MustParse(s.User.ID))
	}
	unknown := uuid.New()
	setups, err := care.DoctorSetups(ctx, q, append(slices.Clone(ids), unknown), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := setups[unknown]; ok || len(setups) != len(ids) {
		t.Fatalf("%d setups for %d doctors and one unknown id", len(setups), len(ids))
	}
	doctors, err := q.GetDoctors(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	fees, err := q.ListDoctorFees(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := q.ListAvailabilityRulesFor(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range doctors {
		got := setups[d.UserID]
		wantFees, wantHours := map[domain.ConsultationType]int64{}, map[domain.ConsultationType]bool{}
		for _, f := range fees {
			if f.DoctorID == d.UserID {
				wantFees[domain.ConsultationType(f.ConsultationType)] = int64(f.AmountCents)
			}
		}
		for _, r := range rules {
			if r.DoctorID == d.UserID {
				wantHours[domain.ConsultationType(r.ConsultationType)] = true
			}
		}
		if len(wantFees) == 0 || len(wantHours) == 0 {
			t.Fatalf("demo doctor %s has no fees (%v) or hours (%v) to compare", d.UserID, wantFees, wantHours)
		}
		if got.Bio != d.Bio || got.City != d.City || got.Address != d.Address || !slices.Equal(got.Languages, d.Languages) ||
			got.Lat != d.Latitude || got.Lng != d.Longitude || got.PhotoURL != d.PhotoUrl || got.AdminFeeCents != int64(d.AdminFeeCents) {
			t.Errorf("doctor %s: profile %+v, want the doctors row %+v", d.UserID, got, d)
		}
		if !maps.Equal(got.Fees, wantFees) || !maps.Equal(got.HoursFor, wantHours) {
			t.Errorf("doctor %s: fees %v hours %v, want %v and %v", d.UserID, got.Fees, got.HoursFor, wantFees, wantHours)
		}
		if !got.SecondFactor || !got.PayoutsRequired {
			t.Errorf("doctor %s: second factor %v, payouts required %v; the demo doctors have a second factor and payouts were asked as required",
				d.UserID, got.SecondFactor, got.PayoutsRequired)
		}
	}
}
