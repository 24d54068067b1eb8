package auditlog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/auditlog"
	"derma2go/db"
	"derma2go/devstack/pgcluster"
)

var cluster *pgcluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "derma-auditlog-")
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if cluster, err = pgcluster.Start(ctx, pgcluster.Options{Dir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, "pgcluster:", err)
		return 1
	}
	defer func() { _ = cluster.Stop() }()
	return m.Run()
}

var dbSeq struct {
	sync.Mutex
	n int
}

// freshDB is a migrated database of its own: the app role's store and the
// owner's connection.
func freshDB(tb testing.TB) (*db.Store, *pgx.Conn) {
	tb.Helper()
	ctx := context.Background()
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("audit_%d", dbSeq.n)
	dbSeq.Unlock()
	url, err := cluster.CreateDatabase(ctx, name)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.MigrateURL(ctx, cluster.OwnerURL(name)); err != nil {
		tb.Fatal(err)
	}
	store, err := db.Open(ctx, url+"&pool_max_conns=16")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(store.Close)
	owner, err := pgx.Connect(ctx, cluster.OwnerURL(name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = owner.Close(context.Background()) })
	return store, owner
}

func event(i int) db.InsertAuditEventParams {
	ev := db.InsertAuditEventParams{
		ActorRole: "doctor", ObjectType: "photo", ObjectID: fmt.Sprintf("obj-%d", i), Action: "read", Outcome: 200,
		Route: "GET /v1/doctor/consultations/:id/photos/:photoId", RequestID: fmt.Sprintf("req-%d", i),
		ClientIp: "192.0.2.7", UserAgent: "tést agent ✓",
	}
	if i%3 != 0 {
		ev.ActorID = uuid.NullUUID{UUID: uuid.New(), Valid: true}
		ev.PatientID = uuid.NullUUID{UUID: uuid.New(), Valid: true}
	}
	if i%5 == 0 {
		ev.OnBehalfOf = uuid.NullUUID{UUID: uuid.New(), Valid: true}
	}
	return ev
}

// insert writes n rows from several connections at once, as the API does.
func insert(t *testing.T, store *db.Store, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if err := store.InsertAuditEvent(context.Background(), event(i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func verify(t *testing.T, store *db.Store) auditlog.Report {
	t.Helper()
	rep, err := auditlog.Verify(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// tamper runs stmt as the owner with the append-only trigger off, as
// someone with the owner's password (or the disk) could.
func tamper(t *testing.T, owner *pgx.Conn, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if _, err := owner.Exec(ctx, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"); err != nil {
		t.Fatal(err)
	}
	tag, err := owner.Exec(ctx, stmt, args...)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("%s: %v (%d rows)", stmt, err, tag.RowsAffected())
	}
	if _, err := owner.Exec(ctx, "ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update"); err != nil {
		t.Fatal(err)
	}
}

// pick is a row of the log: the middle link of the longest chain, or its last.
func pick(t *testing.T, owner *pgx.Conn, last bool) (id int64, shard int16, seq int64) {
	t.Helper()
	q := `SELECT id, chain_shard, chain_seq FROM audit_events
	      WHERE chain_shard = (SELECT shard FROM audit_chain_heads ORDER BY seq DESC LIMIT 1)
	      ORDER BY chain_seq LIMIT 1 OFFSET (SELECT seq FROM audit_chain_heads ORDER BY seq DESC LIMIT 1) / 2`
	if last {
		q = `SELECT id, chain_shard, chain_seq FROM audit_events ORDER BY chain_seq DESC, id DESC LIMIT 1`
	}
	if err := owner.QueryRow(context.Background(), q).Scan(&id, &shard, &seq); err != nil {
		t.Fatal(err)
	}
	return id, shard, seq
}

// TestChainOfAWholeLog: rows written from many connections at once spread
// over several chains and every link checks out; the database's hash and
// the verifier's agree, whatever the app role tried to put in the chain
// fields.
func TestChainOfAWholeLog(t *testing.T) {
	store, owner := freshDB(t)
	insert(t, store, 300)
	if _, err := store.Pool.Exec(context.Background(), `INSERT INTO audit_events
		(actor_role, object_type, action, outcome, route, request_id, client_ip, chain_shard, chain_seq, prev_hash, row_hash)
		VALUES ('anonymous', 'probe', 'read', 200, 'TEST', 'forged', '::1', 3, 1, '\x00', '\x00')`); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, store)
	if !rep.OK() || rep.Rows() != 301 {
		t.Fatalf("report: ok %v, %d rows, breaks %v", rep.OK(), rep.Rows(), rep.Breaks)
	}
	used := 0
	for _, c := range rep.Chains {
		if c.Rows > 0 {
			used++
		}
	}
	if used < 2 {
		t.Errorf("rows from 8 connections went into %d chain(s)", used)
	}
	var dbHash, prev []byte
	if err := owner.QueryRow(context.Background(), `SELECT row_hash, prev_hash FROM audit_events WHERE request_id = 'forged'`).
		Scan(&dbHash, &prev); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(dbHash, []byte{0}) || bytes.Equal(prev, []byte{0}) {
		t.Fatal("the app role chose the chain fields of its row")
	}
}

// TestBatchOfAuditRowsIsOneTransaction: a batch of rows (the API's group
// commit) is chained link by link like single rows, and a batch with one
// row the database refuses writes none of them.
func TestBatchOfAuditRowsIsOneTransaction(t *testing.T) {
	store, _ := freshDB(t)
	ctx := context.Background()
	var batch []db.InsertAuditEventParams
	for i := range 50 {
		batch = append(batch, event(i))
	}
	if err := store.InsertAuditEvents(ctx, batch); err != nil {
		t.Fatal(err)
	}
	insert(t, store, 40)
	if rep := verify(t, store); !rep.OK() || rep.Rows() != 90 {
		t.Fatalf("report: ok %v, %d rows, breaks %v", rep.OK(), rep.Rows(), rep.Breaks)
	}
	refused := append([]db.InsertAuditEventParams{event(100), event(101)}, db.InsertAuditEventParams{ActorRole: "doctor"})
	if err := store.InsertAuditEvents(ctx, refused); err == nil {
		t.Fatal("a batch with a row lacking its object type and route was written")
	}
	if rep := verify(t, store); !rep.OK() || rep.Rows() != 90 {
		t.Fatalf("after the refused batch: ok %v, %d rows (want 90: none of the batch)", rep.OK(), rep.Rows())
	}
}

// TestVerifierFindsAnAlteredRow: a field changed directly in the database
// breaks exactly that link, and the verifier names it.
func TestVerifierFindsAnAlteredRow(t *testing.T) {
	for _, change := range []string{
		"UPDATE audit_events SET object_id = 'someone-else' WHERE id = $1",
		"UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE id = $1",
		"UPDATE audit_events SET actor_id = gen_random_uuid() WHERE id = $1",
		"UPDATE audit_events SET outcome = 403 WHERE id = $1",
	} {
		t.Run(strings.Fields(change)[3], func(t *testing.T) {
			store, owner := freshDB(t)
			insert(t, store, 120)
			if rep := verify(t, store); !rep.OK() {
				t.Fatalf("before: %v", rep.Breaks)
			}
			id, shard, seq := pick(t, owner, false)
			tamper(t, owner, change, id)
			rep := verify(t, store)
			if rep.OK() || len(rep.Breaks) != 1 {
				t.Fatalf("after %s: breaks %v", change, rep.Breaks)
			}
			if b := rep.Breaks[0]; b.Shard != shard || b.Seq != seq || b.ID != id || !strings.Contains(b.Reason, "changed") {
				t.Fatalf("break %v, want chain %d link %d (row %d)", b, shard, seq, id)
			}
		})
	}
}

// TestVerifierFindsADeletedRow: a row deleted from the middle of a chain,
// and the last row of a chain, are both found.
func TestVerifierFindsADeletedRow(t *testing.T) {
	for _, last := range []bool{false, true} {
		t.Run(fmt.Sprintf("last=%v", last), func(t *testing.T) {
			store, owner := freshDB(t)
			insert(t, store, 120)
			id, shard, seq := pick(t, owner, last)
			tamper(t, owner, "DELETE FROM audit_events WHERE id = $1", id)
			rep := verify(t, store)
			if rep.OK() || len(rep.Breaks) != 1 {
				t.Fatalf("breaks %v", rep.Breaks)
			}
			if b := rep.Breaks[0]; b.Shard != shard || b.Seq != seq || b.ID != 0 {
				t.Fatalf("break %v, want chain %d link %d missing", b, shard, seq)
			}
		})
	}
}

// BenchmarkAuditInsert measures audit rows written per second from 16
// connections at once, with the chain trigger (chained) and with it
// disabled as the log was before migration 00023 (unchained).
func BenchmarkAuditInsert(b *testing.B) {
	for _, chained := range []bool{false, true} {
		name := "unchained"
		if chained {
			name = "chained"
		}
		b.Run(name, func(b *testing.B) {
			store, owner := freshDB(b)
			if !chained {
				// The log as it was before migration 00023: no trigger, no chain columns to fill.
				if _, err := owner.Exec(context.Background(), `ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain;
					ALTER TABLE audit_events ALTER COLUMN chain_shard DROP NOT NULL, ALTER COLUMN chain_seq DROP NOT NULL,
						ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN row_hash DROP NOT NULL`); err != nil {
					b.Fatal(err)
				}
			}
			b.SetParallelism(benchParallelism)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if err := store.InsertAuditEvent(context.Background(), event(i)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestCommandFailsOnABrokenChain: `derma audit verify` prints the chains,
// succeeds on a whole log and fails, naming the broken link, on an altered one.
func TestCommandFailsOnABrokenChain(t *testing.T) {
	store, owner := freshDB(t)
	insert(t, store, 40)
	var name string
	if err := owner.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := auditlog.Command(context.Background(), &out, cluster.URL(name)); err != nil {
		t.Fatalf("whole log: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "audit log intact: 40 rows in 16 chains") {
		t.Fatalf("output:\n%s", out.String())
	}
	id, _, _ := pick(t, owner, false)
	tamper(t, owner, "UPDATE audit_events SET action = 'search' WHERE id = $1", id)
	out.Reset()
	err := auditlog.Command(context.Background(), &out, cluster.URL(name))
	if !errors.Is(err, auditlog.ErrBroken) || !strings.Contains(out.String(), fmt.Sprintf("(audit row %d)", id)) {
		t.Fatalf("altered log: err %v\n%s", err, out.String())
	}
}

// benchParallelism × GOMAXPROCS goroutines insert at once (AUDIT_BENCH_PAR, default 8).
var benchParallelism = func() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("AUDIT_BENCH_PAR"), &n); err != nil || n < 1 {
		return 8
	}
	return n
}()
