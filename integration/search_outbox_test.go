package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/demodata"
	"derma2go/indexer"
	"derma2go/search"
)

// twoDoctors returns two demo doctors and their cities; their cities are
// put back when the test ends.
func twoDoctors(t *testing.T) (ids [2]uuid.UUID, cities [2]string) {
	t.Helper()
	ctx := context.Background()
	rows, err := stack.Platform.Store.Pool.Query(ctx, "SELECT user_id, city FROM doctors ORDER BY user_id OFFSET 7 LIMIT 2")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&ids[i], &cities[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil || ids[1] == uuid.Nil {
		t.Fatalf("two doctors: %v", err)
	}
	t.Cleanup(func() {
		for i := range ids {
			if _, err := stack.Platform.Store.Pool.Exec(ctx, "UPDATE doctors SET city = $2 WHERE user_id = $1", ids[i], cities[i]); err != nil {
				t.Errorf("restore city: %v", err)
			}
		}
		for i := range ids {
			waitCity(t, stack.Platform.Search, ids[i], cities[i], 10*time.Second)
		}
	})
	return ids, cities
}

// waitCity waits until idx finds doctor id in city.
func waitCity(t *testing.T, idx search.Index, id uuid.UUID, city string, within time.Duration) {
	t.Helper()
	if err := pollCity(idx, id, city, within); err != nil {
		t.Fatal(err)
	}
}

func pollCity(idx search.Index, id uuid.UUID, city string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		res, err := idx.SearchDoctors(context.Background(), search.DoctorQuery{City: city, PerPage: search.MaxPerPage})
		if err == nil {
			for _, h := range res.Hits {
				if h.ID == id.String() {
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("doctor %s not found in %q within %s (err %v)", id, city, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Two transactions change two doctors; the one that wrote its outbox row
// first commits last. The indexer used to remember the highest row id it had
// seen, so the late commit's smaller id was skipped for good; reading by
// snapshot applies it.
func TestSearchOutboxAppliesOutOfOrderCommits(t *testing.T) {
	ctx := context.Background()
	ids, _ := twoDoctors(t)
	pool := stack.Platform.Store.Pool

	first, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.Rollback(ctx) }()
	if _, err := first.Exec(ctx, "UPDATE doctors SET city = 'Committed Last' WHERE user_id = $1", ids[0]); err != nil {
		t.Fatal(err)
	}
	second, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = second.Rollback(ctx) }()
	if _, err := second.Exec(ctx, "UPDATE doctors SET city = 'Committed First' WHERE user_id = $1", ids[1]); err != nil {
		t.Fatal(err)
	}
	var firstRow, secondRow int64
	if err := first.QueryRow(ctx, "SELECT max(id) FROM search_outbox WHERE doctor_id = $1", ids[0]).Scan(&firstRow); err != nil {
		t.Fatal(err)
	}
	if err := second.QueryRow(ctx, "SELECT max(id) FROM search_outbox WHERE doctor_id = $1", ids[1]).Scan(&secondRow); err != nil {
		t.Fatal(err)
	}
	if firstRow >= secondRow {
		t.Fatalf("outbox rows %d and %d: want the first transaction's row id lower", firstRow, secondRow)
	}
	if err := second.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitCity(t, stack.Platform.Search, ids[1], "Committed First", 10*time.Second)
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitCity(t, stack.Platform.Search, ids[0], "Committed Last", 10*time.Second)
}

// A second API (its own embedded index, no follower running) is not ready
// before its index is built, is ready once it holds the doctors, and is not
// ready while a committed change is not applied. Before, /readyz checked
// only PostgreSQL and Temporal and answered ready over an empty index.
func TestReadyzWaitsForTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	idx, err := search.OpenBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	p := *stack.Platform
	p.Search = idx
	p.Indexer = &indexer.Indexer{Store: p.Store, Index: idx, Conditions: p.Conditions, Logger: testLogger()}
	srv := httptest.NewServer(p.APIHandler())
	defer srv.Close()
	c := &apiClient{t: t, base: srv.URL, want5xx: true}

	type readiness struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	var r readiness
	c.do("GET", "/readyz", nil).expect(t, http.StatusServiceUnavailable).decode(t, &r)
	if r.Ready || r.Checks["search"] == "ok" || r.Checks["postgres"] != "ok" {
		t.Fatalf("readyz before the index is built = %+v", r)
	}

	if _, err := p.Indexer.Rebuild(ctx); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	c.do("GET", "/readyz", nil).expect(t, http.StatusOK).decode(t, &r)
	if !r.Ready || r.Checks["search"] != "ok" {
		t.Fatalf("readyz after the rebuild = %+v", r)
	}
	var page struct {
		Page struct{ Total int } `json:"page"`
	}
	c.do("GET", "/v1/doctors?per_page=1", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.Page.Total < demodata.DoctorCount {
		t.Fatalf("ready, but /v1/doctors has %d doctors, want %d", page.Page.Total, demodata.DoctorCount)
	}

	ids, _ := twoDoctors(t)
	if _, err := p.Store.Pool.Exec(ctx, "UPDATE doctors SET city = 'Not Yet Indexed' WHERE user_id = $1", ids[0]); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/readyz", nil).expect(t, http.StatusServiceUnavailable).decode(t, &r)
	if r.Checks["search"] == "ok" {
		t.Fatalf("readyz with a change not applied = %+v", r)
	}
	if err := p.Indexer.CatchUp(ctx); err != nil {
		t.Fatalf("CatchUp: %v", err)
	}
	c.do("GET", "/readyz", nil).expect(t, http.StatusOK)
	waitCity(t, idx, ids[0], "Not Yet Indexed", time.Second)
}

// An indexer that was stalled while the outbox was pruned past its position
// rebuilds instead of missing the pruned changes.
func TestSearchOutboxPrunedPastIndexerRebuilds(t *testing.T) {
	ctx := context.Background()
	store := stack.Platform.Store
	idx, err := search.OpenBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	stalled := &indexer.Indexer{Store: store, Index: idx, Conditions: stack.Platform.Conditions, Logger: testLogger()}
	if _, err := stalled.Rebuild(ctx); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	before, err := store.OutboxSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := twoDoctors(t)
	if _, err := store.Pool.Exec(ctx, "UPDATE doctors SET city = 'Pruned Change' WHERE user_id = $1", ids[0]); err != nil {
		t.Fatal(err)
	}
	// Two prunes with no minimum age: the second deletes what finished
	// before the first.
	for range 2 {
		if _, err := store.PruneOutbox(ctx, 0); err != nil {
			t.Fatalf("PruneOutbox: %v", err)
		}
	}
	if n, err := store.OutboxPendingSince(ctx, before.Snapshot); err != nil || n != 0 {
		t.Fatalf("outbox rows after the prunes: %d, %v; want the change pruned", n, err)
	}
	if err := stalled.CatchUp(ctx); err != nil {
		t.Fatalf("CatchUp: %v", err)
	}
	waitCity(t, idx, ids[0], "Pruned Change", time.Second)
	// The stack's own follower keeps up too.
	waitCity(t, stack.Platform.Search, ids[0], "Pruned Change", 10*time.Second)
}
