package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartReuseStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	c, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.URL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	port := c.Port()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	c2, err := Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.Stop() }()
	if c2.Port() != port {
		t.Errorf("port after restart = %d, want the previous %d", c2.Port(), port)
	}
	conn, err = pgx.Connect(ctx, c2.URL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != 42 {
		t.Fatalf("data after restart: v=%d err=%v", v, err)
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
	private, err := os.MkdirTemp("", "pgcluster-private-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(private) })
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(private, ".derma", "pg")

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
	conn, err := pgx.Connect(ctx, c.URL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	c, err = Start(ctx, Options{Dir: dir, Database: "derma"})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer func() { _ = c.Stop() }()
	conn, err = pgx.Connect(ctx, c.URL("derma"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != 7 {
		t.Fatalf("data after restart: v=%d err=%v", v, err)
	}
}
