package integration

import (
	"net/http"
	"testing"
)

// The README's "Try it" works as written: /v1/doctors?limit=2 answers two
// doctors (limit was ignored before, and 20 came back), and the demo
// patient logs in.
func TestReadmeTryIt(t *testing.T) {
	c := newClient(t)
	var page struct {
		Items []struct{ ID string } `json:"items"`
		Page  struct {
			PerPage int `json:"per_page"`
			Total   int `json:"total"`
		} `json:"page"`
	}
	c.do("GET", "/v1/doctors?limit=2", nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 2 || page.Page.PerPage != 2 || page.Page.Total < 20 {
		t.Fatalf("?limit=2: %d items, page %+v; want 2 of all", len(page.Items), page.Page)
	}
	c.do("GET", "/v1/doctors?limit=3&per_page=5", nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 3 {
		t.Fatalf("?limit=3&per_page=5: %d items, want 3 (limit counts)", len(page.Items))
	}
	c.raw("GET", "/v1/doctors?limit=0", "", nil).expect(t, http.StatusBadRequest).problem(t)
	c.raw("GET", "/v1/doctors?limit=101", "", nil).expect(t, http.StatusBadRequest).problem(t)

	// The login of the second command (cached: the suite logs in as the demo
	// patient often, and the login limit counts per source).
	if _, s := loginAs(t, "patient@derma2go.test", "patient-demo-2026"); s.Token == "" {
		t.Fatalf("login answered no token")
	}
}
