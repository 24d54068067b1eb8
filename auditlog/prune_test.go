package auditlog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"derma2go/privacy"
)

// insertOld writes n rows that occurred years ago, one transaction each
// (so they spread over the chains as the API's do).
func insertOld(t *testing.T, exec func(context.Context, string, ...any) error, n int, label string) {
	t.Helper()
	for i := range n {
		if err := exec(context.Background(), `INSERT INTO audit_events
			(occurred_at, actor_role, object_type, action, outcome, route, request_id, client_ip)
			VALUES (now() - interval '6 years', 'patient', 'record', 'read', 200, 'GET /v1/me/record', $1, '192.0.2.9')`,
			fmt.Sprintf("%s-%d", label, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPruneKeepsTheChainVerifiable: the audit retention job removes the
// rows past the retention from the start of each chain and records where
// each chain now starts, so the verifier still checks every remaining
// link; a second run removes nothing; neither the app role nor the owner
// can delete rows outside audit_prune; removing an anchor is a broken
// chain.
func TestPruneKeepsTheChainVerifiable(t *testing.T) {
	store, owner := freshDB(t)
	ctx := context.Background()
	exec := func(ctx context.Context, sql string, args ...any) error {
		_, err := store.Pool.Exec(ctx, sql, args...)
		return err
	}
	insertOld(t, exec, 40, "old")
	insert(t, store, 30)
	if rep := verify(t, store); !rep.OK() || rep.Rows() != 70 {
		t.Fatalf("before: ok %v, %d rows, %v", rep.OK(), rep.Rows(), rep.Breaks)
	}

	ret := privacy.Retention{AuditYears: 5}
	removed, err := privacy.PruneAudit(ctx, store, ret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if removed != 40 {
		t.Errorf("removed %d rows, want the 40 past the retention", removed)
	}
	rep := verify(t, store)
	if !rep.OK() || rep.Rows() != 30 {
		t.Fatalf("after the prune: ok %v, %d rows, %v", rep.OK(), rep.Rows(), rep.Breaks)
	}
	var pruned int64
	for _, c := range rep.Chains {
		pruned += c.Pruned
	}
	if pruned != 40 {
		t.Errorf("the chains say %d links were removed, want 40", pruned)
	}
	var recent int
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE occurred_at > now() - interval '1 day'`).Scan(&recent); err != nil || recent != 30 {
		t.Errorf("recent rows after the prune: %d (%v), want 30", recent, err)
	}
	if again, err := privacy.PruneAudit(ctx, store, ret, time.Now()); err != nil || again != 0 {
		t.Errorf("second prune removed %d (%v), want 0", again, err)
	}

	// More old rows after the anchor are past retention but follow recent
	// links: only a chain's prefix goes, so they stay until those do.
	insertOld(t, exec, 5, "late")
	if _, err := privacy.PruneAudit(ctx, store, ret, time.Now()); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, store); !rep.OK() {
		t.Fatalf("after a second prune: %v", rep.Breaks)
	}

	if err := exec(ctx, `DELETE FROM audit_events WHERE request_id LIKE 'late-%'`); err == nil {
		t.Error("the app role deleted audit rows")
	}
	if _, err := owner.Exec(ctx, `DELETE FROM audit_events WHERE request_id LIKE 'late-%'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("the owner's direct delete: %v, want the append-only guard", err)
	}
	if err := exec(ctx, `DELETE FROM audit_chain_anchors`); err == nil {
		t.Error("the app role deleted the anchors")
	}

	var shard int16
	if err := owner.QueryRow(ctx, `SELECT shard FROM audit_chain_anchors ORDER BY seq DESC LIMIT 1`).Scan(&shard); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(ctx, `DELETE FROM audit_chain_anchors WHERE shard = $1`, shard); err != nil {
		t.Fatal(err)
	}
	rep = verify(t, store)
	if rep.OK() || rep.Breaks[0].Shard != shard || rep.Breaks[0].Seq != 1 {
		t.Errorf("without the anchor of chain %d: breaks %v, want link 1 of that chain missing", shard, rep.Breaks)
	}
}
