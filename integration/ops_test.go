package integration

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestOpsEndpoints(t *testing.T) {
	c := newClient(t)
	c.do("GET", "/healthz", nil).expect(t, http.StatusOK)
	var ready struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	c.do("GET", "/readyz", nil).expect(t, http.StatusOK).decode(t, &ready)
	if !ready.Ready || ready.Checks["postgres"] != "ok" || ready.Checks["temporal"] != "ok" {
		t.Fatalf("readyz = %+v", ready)
	}
	spec := c.do("GET", "/openapi.yaml", nil).expect(t, http.StatusOK)
	if !strings.HasPrefix(string(spec.Body), "openapi: 3") {
		t.Fatalf("openapi.yaml starts %q", spec.Body[:20])
	}
	metrics, err := http.Get(stack.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	if metrics.StatusCode != http.StatusOK || !strings.Contains(string(body), `derma_http_requests_total{method="GET",route="/readyz",status="200"}`) {
		t.Fatalf("metrics listener → %d, lacks the request counter:\n%.2000s", metrics.StatusCode, body)
	}
	res := c.do("GET", "/healthz", nil)
	if id := res.Header.Get("X-Request-ID"); len(id) < 8 {
		t.Fatalf("X-Request-ID %q", id)
	}
}

func TestDoctorsListAndProfile(t *testing.T) {
	c := newClient(t)
	var page struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			City string `json:"city"`
			Fees []struct {
				Type        string `json:"type"`
				AmountCents int    `json:"amount_cents"`
			} `json:"fees"`
		} `json:"items"`
		Page struct{ Total int } `json:"page"`
	}
	c.do("GET", "/v1/doctors?per_page=5&page=1", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.Page.Total < 20 || len(page.Items) != 5 {
		t.Fatalf("doctors total %d, page %d; want ≥ 20 and 5", page.Page.Total, len(page.Items))
	}
	if len(page.Items[0].Fees) != 4 {
		t.Fatalf("doctor has %d fees, want 4", len(page.Items[0].Fees))
	}
	var next struct {
		Items []struct{ ID string } `json:"items"`
	}
	c.do("GET", "/v1/doctors?per_page=5&page=2", nil).expect(t, http.StatusOK).decode(t, &next)
	for _, a := range page.Items {
		for _, b := range next.Items {
			if a.ID == b.ID {
				t.Fatalf("doctor %s on two pages", a.ID)
			}
		}
	}
	var one struct{ ID, Name string }
	c.do("GET", "/v1/doctors/"+page.Items[0].ID, nil).expect(t, http.StatusOK).decode(t, &one)
	if one.ID != page.Items[0].ID || one.Name != page.Items[0].Name {
		t.Fatalf("profile %+v, want %+v", one, page.Items[0])
	}
	c.do("GET", "/v1/doctors/00000000-0000-0000-0000-000000000000", nil).expect(t, http.StatusNotFound).problem(t)
}

func TestAuditLogRecordsAccessAndIsAppendOnly(t *testing.T) {
	c, reg := registerPatient(t, newEmail("audit"), "first-password-1")
	c.do("GET", "/v1/me", nil).expect(t, http.StatusOK)
	var log struct {
		Items []struct {
			Actor struct {
				ID *string `json:"id"`
			} `json:"actor"`
			ObjectType string `json:"object_type"`
			Action     string `json:"action"`
			Outcome    int    `json:"outcome"`
			ClientIP   string `json:"client_ip"`
		} `json:"items"`
	}
	c.do("GET", "/v1/me/access-log", nil).expect(t, http.StatusOK).decode(t, &log)
	var sawCreate, sawRead bool
	for _, e := range log.Items {
		if e.ObjectType == "user" && e.Action == "create" && e.Outcome == http.StatusAccepted {
			sawCreate = true
		}
		if e.ObjectType == "user" && e.Action == "read" && e.Actor.ID != nil && *e.Actor.ID == reg.User.ID && e.ClientIP != "" {
			sawRead = true
		}
	}
	if !sawCreate || !sawRead {
		t.Fatalf("access log lacks the create or read: %+v", log.Items)
	}
	// The application's role has no right to change rows (see
	// TestAuditLogIsAppendOnlyForTheAppRole); the trigger stops the owner too.
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, stack.PG.OwnerURL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	for _, stmt := range []string{"UPDATE audit_events SET action = 'read'", "DELETE FROM audit_events", "TRUNCATE audit_events"} {
		if _, err := owner.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the owner: err = %v, want the append-only refusal", stmt, err)
		}
	}
}
