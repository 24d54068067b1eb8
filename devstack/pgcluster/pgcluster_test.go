package pgcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// tempDir is a fresh directory with mode, removed after the test.
func tempDir(t *testing.T, pattern string, mode os.FileMode) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

// restartKeeps writes v into a table of c, stops c, starts the cluster of
// dir again and checks that v is still there. It returns the restarted
// cluster, stopped after the test.
func restartKeeps(ctx context.Context, t *testing.T, c *Cluster, dir string, v int) *Cluster {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.OwnerURL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE kept (v int); INSERT INTO kept VALUES (%d)", v)); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c2, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	t.Cleanup(func() { _ = c2.Stop() })
	conn, err = pgx.Connect(ctx, c2.OwnerURL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var got int
	if err := conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&got); err != nil || got != v {
		t.Fatalf("data after restart: v=%d err=%v, want %d", got, err, v)
	}
	return c2
}

func TestStartReuseStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := tempDir(t, "pgcluster-test-", 0o755)
	c, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatal(err)
	}
	port := c.Port()
	if c2 := restartKeeps(ctx, t, c, dir, 42); c2.Port() != port {
		t.Errorf("port after restart = %d, want the previous %d", c2.Port(), port)
	}
}

// Run as root in a directory the postgres user cannot reach (like a
// checkout under /root, mode 0700), the cluster keeps its data under
// RelocateBase and links it from the directory asked for. Before, initdb
// failed with "permission denied".
func TestStartInUnreachableDirectory(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only a root process runs the cluster as the postgres user")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := filepath.Join(tempDir(t, "pgcluster-private-", 0o700), ".derma", "pg")
	c, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatal(err)
	}
	target, err := os.Readlink(dir)
	if err != nil {
		_ = c.Stop()
		t.Fatalf("%s is not a link to the relocated data: %v", dir, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(target) })
	if !strings.HasPrefix(target, RelocateBase+"/") {
		t.Errorf("data in %s, want under %s", target, RelocateBase)
	}
	restartKeeps(ctx, t, c, dir, 7)
}

// TestRoles: the cluster has the owner and the application role, neither a
// superuser; databases belong to the owner, and a database the superuser
// made before the roles existed (an old dev cluster) is handed over to the
// owner with its tables, sequences and functions.
func TestRoles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := tempDir(t, "pgcluster-roles-", 0o755)
	c, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop() }()

	app, err := pgx.Connect(ctx, c.URL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	var user, dbOwner string
	var super bool
	if err := app.QueryRow(ctx, `SELECT current_user, rolsuper, pg_get_userbyid(d.datdba) FROM pg_roles r, pg_database d
		WHERE r.rolname = current_user AND d.datname = current_database()`).Scan(&user, &super, &dbOwner); err != nil {
		t.Fatal(err)
	}
	if user != AppRole || super || dbOwner != OwnerRole {
		t.Fatalf("app connects as %s (superuser %v) to a database owned by %s", user, super, dbOwner)
	}

	admin, err := pgx.Connect(ctx, c.urlAs(superuser, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE legacy"); err != nil {
		t.Fatal(err)
	}
	legacy, err := pgx.Connect(ctx, c.urlAs(superuser, "legacy"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := legacy.Exec(ctx, `CREATE TABLE old (id bigserial PRIMARY KEY);
		CREATE SEQUENCE loose; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`); err != nil {
		t.Fatal(err)
	}
	_ = legacy.Close(ctx)
	if err := c.ensureDatabase(ctx, "legacy"); err != nil {
		t.Fatal(err)
	}
	owner, err := pgx.Connect(ctx, c.OwnerURL("legacy"))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	var notOwned int
	if err := owner.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> current_user::regrole)
		+ (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proowner <> current_user::regrole)`).Scan(&notOwned); err != nil {
		t.Fatal(err)
	}
	if notOwned != 0 {
		t.Fatalf("%d objects in the legacy database not handed to %s", notOwned, OwnerRole)
	}
	if _, err := owner.Exec(ctx, "ALTER TABLE old ADD COLUMN v text"); err != nil {
		t.Fatalf("owner cannot alter a handed-over table: %v", err)
	}
}
