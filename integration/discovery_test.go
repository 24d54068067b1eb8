package integration

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/demodata"
	"derma2go/indexer"
	"derma2go/search"
)

type searchPage struct {
	Items []struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		City       string   `json:"city"`
		DistanceKm *float64 `json:"distance_km"`
		Fees       []struct {
			Type        string `json:"type"`
			AmountCents int    `json:"amount_cents"`
		} `json:"fees"`
	} `json:"items"`
	Page struct {
		Total int `json:"total"`
	} `json:"page"`
	Facets map[string]map[string]int `json:"facets"`
}

func searchDoctors(t *testing.T, query string) searchPage {
	t.Helper()
	var p searchPage
	newClient(t).do("GET", "/v1/doctors?"+query, nil).expect(t, http.StatusOK).decode(t, &p)
	return p
}

func TestDoctorSearchFiltersSortsAndTypos(t *testing.T) {
	all := searchDoctors(t, "per_page=1&facets=true")
	if all.Page.Total < demodata.DoctorCount || all.Facets["city"]["Amsterdam"] == 0 {
		t.Fatalf("index holds %d doctors, facets %v", all.Page.Total, all.Facets["city"])
	}
	typo := searchDoctors(t, "q="+url.QueryEscape("Amstredam")+"&per_page=100")
	if len(typo.Items) == 0 {
		t.Fatal("typo 'Amstredam' found nothing")
	}
	for _, d := range typo.Items {
		if d.City != "Amsterdam" {
			t.Fatalf("typo search for Amsterdam returned %s in %s", d.Name, d.City)
		}
	}
	near := searchDoctors(t, "near=51.9244,4.4777&radius_km=15&sort=distance&per_page=100")
	if len(near.Items) == 0 {
		t.Fatal("nobody within 15 km of Rotterdam")
	}
	last := -1.0
	for _, d := range near.Items {
		if d.DistanceKm == nil || *d.DistanceKm > 15 || *d.DistanceKm < last {
			t.Fatalf("distance order broken at %s (%v)", d.Name, d.DistanceKm)
		}
		last = *d.DistanceKm
	}
	cheap := searchDoctors(t, "type=video&sort=price&per_page=100")
	prev := 0
	for _, d := range cheap.Items {
		for _, f := range d.Fees {
			if f.Type == "video" {
				if f.AmountCents < prev {
					t.Fatalf("price sort broken: %d after %d", f.AmountCents, prev)
				}
				prev = f.AmountCents
			}
		}
	}
	soon := searchDoctors(t, "type=video&available_before="+time.Now().AddDate(0, 0, 14).Format("2006-01-02")+"&sort=soonest")
	if soon.Page.Total == 0 {
		t.Fatal("no doctor has a video slot in the next two weeks")
	}
}

// TestSearchIndexFollowsPostgres changes a fee through the API and books a
// doctor's next slot in the database: the index follows through the outbox.
func TestSearchIndexFollowsPostgres(t *testing.T) {
	doctor, s := loginAs(t, demodata.DoctorEmail(5), "doctor-demo-2026")
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "video", "amount_cents": 1234, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	waitFor(t, "the index to show the new video price", func() bool {
		p := searchDoctors(t, "type=video&max_price=1234&per_page=100")
		for _, d := range p.Items {
			if d.ID == s.User.ID {
				return true
			}
		}
		return false
	})

	// Book the doctor's soonest video slot (as a held booking does): the
	// index stops listing the doctor as available at that time.
	first := nextSlotOf(t, s.User.ID, "video")
	before := first.Add(time.Minute)
	if !inIndexAvailableBefore(t, s.User.ID, before) {
		t.Fatalf("index does not list the doctor as available before %s", before)
	}
	if _, err := stack.Platform.Store.Pool.Exec(context.Background(), `
		INSERT INTO consultations (id, doctor_id, patient_id, consultation_type, status, amount_cents, slot)
		SELECT gen_random_uuid(), $1, (SELECT id FROM users WHERE role = 'patient' LIMIT 1), 'video', 'awaiting_payment', 1234,
		       tstzrange($2::timestamptz, $2::timestamptz + interval '15 minutes')`, s.User.ID, first); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the index to drop the booked slot", func() bool { return !inIndexAvailableBefore(t, s.User.ID, before) })
	if got := nextSlotOf(t, s.User.ID, "video"); !got.After(first) {
		t.Fatalf("next slot %s not after the booked %s", got, first)
	}
}

// nextSlotOf is the doctor's next free slot as Postgres says.
func nextSlotOf(t *testing.T, doctorID, typ string) time.Time {
	t.Helper()
	docs, err := indexer.DoctorDocs(context.Background(), stack.Platform.Store.Queries, []uuid.UUID{uuid.MustParse(doctorID)}, time.Now())
	if err != nil || len(docs) != 1 {
		t.Fatalf("doctor docs: %v", err)
	}
	next, ok := docs[0].NextSlot[typ]
	if !ok {
		t.Fatalf("doctor %s has no %s slot", doctorID, typ)
	}
	return next
}

// inIndexAvailableBefore asks the index whether the doctor has a video slot before t.
func inIndexAvailableBefore(t *testing.T, doctorID string, before time.Time) bool {
	t.Helper()
	for page := 1; ; page++ {
		res, err := stack.Platform.Search.SearchDoctors(context.Background(), search.DoctorQuery{
			Type: "video", AvailableBefore: &before, Page: page, PerPage: 100,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.ID == doctorID {
				return true
			}
		}
		if len(res.Hits) < 100 {
			return false
		}
	}
}

func TestReviewsAndFavourites(t *testing.T) {
	ac := newAdviceCase(t, 6)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	guest := newClient(t)
	guest.do("POST", ac.guestPath("/review"), map[string]any{"rating": 5, "text": "Clear advice"}).expect(t, http.StatusConflict)
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	ac.answer()
	ac.waitStatus("completed")
	guest.do("POST", ac.guestPath("/review"), map[string]any{"rating": 4, "text": "Clear advice, quick"}).expect(t, http.StatusCreated)
	guest.do("POST", ac.guestPath("/review"), map[string]any{"rating": 1}).expect(t, http.StatusConflict).problem(t)
	guest.raw("POST", ac.guestPath("/review"), "application/json", []byte(`{"rating": 9}`)).expect(t, http.StatusUnprocessableEntity)

	var reviews struct {
		Rating struct {
			Average float64 `json:"average"`
			Count   int     `json:"count"`
		} `json:"rating"`
		Items []struct {
			Rating int    `json:"rating"`
			Text   string `json:"text"`
		} `json:"items"`
	}
	newClient(t).do("GET", "/v1/doctors/"+ac.doctorID+"/reviews", nil).expect(t, http.StatusOK).decode(t, &reviews)
	if reviews.Rating.Count != 1 || reviews.Rating.Average != 4 || len(reviews.Items) != 1 || reviews.Items[0].Text != "Clear advice, quick" {
		t.Fatalf("reviews %+v", reviews)
	}

	patient, _ := loginAs(t, "patient@derma2go.test", "patient-demo-2026")
	patient.do("PUT", "/v1/me/favourites/"+ac.doctorID, nil).expect(t, http.StatusNoContent)
	patient.do("PUT", "/v1/me/favourites/"+ac.doctorID, nil).expect(t, http.StatusNoContent)
	var favs searchPage
	patient.do("GET", "/v1/me/favourites", nil).expect(t, http.StatusOK).decode(t, &favs)
	if len(favs.Items) != 1 || favs.Items[0].ID != ac.doctorID {
		t.Fatalf("favourites %+v", favs.Items)
	}
	patient.do("DELETE", "/v1/me/favourites/"+ac.doctorID, nil).expect(t, http.StatusNoContent)
	patient.do("GET", "/v1/me/favourites", nil).expect(t, http.StatusOK).decode(t, &favs)
	if len(favs.Items) != 0 {
		t.Fatalf("favourite not removed: %+v", favs.Items)
	}
	patient.do("PUT", "/v1/me/favourites/00000000-0000-0000-0000-000000000000", nil).expect(t, http.StatusNotFound)
	newClient(t).do("GET", "/v1/me/favourites", nil).expect(t, http.StatusUnauthorized)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestProfileChangeReachesTheIndex(t *testing.T) {
	doctor, s := loginAs(t, demodata.DoctorEmail(13), "doctor-demo-2026")
	doctor.do("PUT", "/v1/doctor/profile", map[string]any{
		"specialty": "Dermatoloog", "bio": "Moved to the islands.", "focus_areas": []string{"vitiligo"},
		"languages": []string{"nl", "en"}, "city": "Terschelling", "address": "Dorpsstraat 1",
		"location": map[string]any{"lat": 53.396, "lng": 5.343}, "time_zone": "Europe/Amsterdam",
		"admin_fee_cents": 500, "advice_sla_days": 2,
	}).expect(t, http.StatusOK)
	waitFor(t, "the index to find the doctor in the new city", func() bool {
		p := searchDoctors(t, "city=Terschelling")
		return len(p.Items) == 1 && p.Items[0].ID == s.User.ID
	})
	doctor.raw("PUT", "/v1/doctor/profile", "application/json", []byte(`{"specialty":"x","languages":["nl"],"city":"x",
		"location":{"lat":52,"lng":5},"time_zone":"Mars/Olympus","advice_sla_days":1}`)).expect(t, http.StatusUnprocessableEntity).problem(t)
}

// holdIndexDoctor is the demo doctor TestWaitlistHoldReachesTheIndex holds
// a slot of (no other test uses it).
const holdIndexDoctor = 199

// TestWaitlistHoldReachesTheIndex: a slot held for a waitlist offer is not
// free, so holding the doctor's soonest video slot takes it out of the
// search index's next free slot as a booking does, and releasing the hold
// puts it back.
func TestWaitlistHoldReachesTheIndex(t *testing.T) {
	ctx := context.Background()
	doctor := doctorID(t, holdIndexDoctor)
	first := nextSlotOf(t, doctor, "video")
	before := first.Add(time.Minute)
	waitFor(t, "the index to list the doctor's soonest video slot", func() bool { return inIndexAvailableBefore(t, doctor, before) })
	hold := uuid.New()
	if _, err := stack.Platform.Store.Pool.Exec(ctx, `
		INSERT INTO waitlist_holds (id, workflow_id, run_id, doctor_id, consultation_type, slot, held_until)
		VALUES ($1, $2, $3, $4, 'video', tstzrange($5::timestamptz, $5::timestamptz + interval '15 minutes'),
		        now() + interval '30 minutes')`,
		hold, "waitlist-test-"+hold.String(), hold.String(), doctor, first); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = stack.Platform.Store.Pool.Exec(ctx, `UPDATE waitlist_holds SET status = 'released' WHERE id = $1`, hold)
	})
	waitFor(t, "the index to drop the held slot", func() bool { return !inIndexAvailableBefore(t, doctor, before) })
	if _, err := stack.Platform.Store.Pool.Exec(ctx, `UPDATE waitlist_holds SET status = 'released', outcome = 'test' WHERE id = $1`, hold); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the index to list the released slot again", func() bool { return inIndexAvailableBefore(t, doctor, before) })
}
