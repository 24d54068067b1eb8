package integration

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack"
)

// derma dev's stack (Seed) is never up without its doctors: the moment Start
// returns, /readyz is ready and /v1/doctors?limit=2 answers two of all the
// demo doctors. Before, derma dev seeded after the API listened, and a fresh
// clone's /readyz said ready while /v1/doctors answered an empty list
// (found by scripts/try-root-clone.sh).
func TestDevStackReadyWithItsDoctors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir, err := newStackDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	st, err := devstack.Start(ctx, devstack.Options{Dir: dir, TemporalUIAddr: "-", Logger: testLogger(), Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Stop(); err != nil {
			t.Error(err)
		}
	}()
	if len(st.Logins) == 0 {
		t.Errorf("no demo logins")
	}
	c := &apiClient{t: t, base: st.APIURL, want5xx: true}
	c.do("GET", "/readyz", nil).expect(t, http.StatusOK)
	var page struct {
		Items []struct{ ID string } `json:"items"`
		Page  struct{ Total int }   `json:"page"`
	}
	c.do("GET", "/v1/doctors?limit=2", nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 2 || page.Page.Total != demodata.DoctorCount {
		t.Fatalf("right after start: %d items of %d doctors, want 2 of %d", len(page.Items), page.Page.Total, demodata.DoctorCount)
	}
}
