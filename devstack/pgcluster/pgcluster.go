// Package pgcluster runs a private PostgreSQL cluster from the system's
// binaries (initdb, pg_ctl), for `derma dev` and for tests. When the process
// runs as root the cluster runs as the `postgres` user, because PostgreSQL
// refuses to run as root; if that user cannot reach the directory (a
// checkout under /root), the data lives under RelocateBase instead.
//
// The cluster has the two roles production has: OwnerRole owns the
// databases and runs the migrations, AppRole is what the API and worker log
// in as (it gets its table privileges from the migrations, and may only
// insert into and read the audit log). The bootstrap superuser `derma` is
// for the cluster's own housekeeping.
package pgcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Roles of the cluster (see the package doc).
const (
	OwnerRole = "derma_owner"
	AppRole   = "derma_app"
	superuser = "derma"
)

// Cluster is a running PostgreSQL cluster.
type Cluster struct {
	dir   string
	port  int
	bin   string
	runAs *user.User
}

// Options configure Start.
type Options struct {
	// Dir holds the cluster's data; an existing cluster there is reused.
	Dir string
	// Port to listen on; 0 reuses the port of the last start when free,
	// else picks a free one.
	Port int
	// Database is created when missing.
	Database string
}

// Start initialises the cluster when Dir is empty, starts it on loopback and
// waits until it accepts connections and Database exists.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if c.runAs, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("pgcluster: running as root needs the postgres user (apt-get install postgresql): %w", err)
		}
		if c.dir, err = c.reachableDir(ctx, dir); err != nil {
			return nil, err
		}
	}
	if err := c.initIfNeeded(ctx); err != nil {
		return nil, err
	}
	c.stopStale(ctx)
	if c.port, err = c.choosePort(opts.Port); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	if err := c.ensureRoles(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	if opts.Database != "" {
		if err := c.ensureDatabase(ctx, opts.Database); err != nil {
			_ = c.Stop()
			return nil, err
		}
	}
	return c, nil
}

// URL returns the connection string of database name for the
// application's role (AppRole).
func (c *Cluster) URL(name string) string { return c.urlAs(AppRole, name) }

// OwnerURL returns the connection string of database name for the role
// that owns it and runs the migrations (OwnerRole).
func (c *Cluster) OwnerURL(name string) string { return c.urlAs(OwnerRole, name) }

func (c *Cluster) urlAs(role, name string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, c.port, name)
}

// Port is the TCP port the cluster listens on.
func (c *Cluster) Port() int { return c.port }

// Stop shuts the cluster down (fast mode) and waits for it.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pgcluster: stop: %w: %s", err, out)
	}
	return nil
}

// Kill stops the cluster in immediate mode (pg_ctl stop -m immediate):
// every server process quits at once, without a checkpoint, as in a crash;
// the next start recovers from the WAL. The chaos test (cmd/chaos) uses it.
func (c *Cluster) Kill() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pgcluster: kill: %w: %s", err, out)
	}
	return nil
}

// Restart starts a cluster stopped by Kill or Stop again, on the same port,
// and waits until it accepts connections (crash recovery included).
func (c *Cluster) Restart(ctx context.Context) error { return c.start(ctx) }

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

func findBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", errors.New("pgcluster: PostgreSQL binaries (initdb, pg_ctl) not found: run `make deps` or apt-get install -y postgresql")
}

func (c *Cluster) initIfNeeded(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(c.dataDir(), 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.chown(c.dir); err != nil {
		return err
	}
	if err := c.chown(c.dataDir()); err != nil {
		return err
	}
	out, err := c.run(ctx, "initdb", "-D", c.dataDir(), "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	if err != nil {
		return fmt.Errorf("pgcluster: initdb: %w: %s", err, out)
	}
	return nil
}

// RelocateBase holds the data of clusters whose directory the postgres user
// cannot reach (a checkout under /root, whose mode is 0700).
const RelocateBase = "/var/lib/derma2go"

// reachableDir returns dir when the postgres user can reach it. Otherwise
// the data goes to RelocateBase/<hash of dir>, and dir becomes a symbolic
// link to it, so the state still appears under dir (and `make clean`
// can follow the link).
func (c *Cluster) reachableDir(ctx context.Context, dir string) (string, error) {
	if target, err := os.Readlink(dir); err == nil {
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(dir), target)
		}
		return target, nil
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if _, err := c.run(ctx, "/usr/bin/test", "-x", parent); err == nil {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(dir))
	target := filepath.Join(RelocateBase, hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err == nil {
		return "", fmt.Errorf("pgcluster: the postgres user cannot reach the cluster in %s: make its parent directories searchable (chmod o+x) or move the checkout out of a private directory", dir)
	}
	// A directory left by a start that failed for this very reason holds
	// no cluster: replace it by the link.
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.Chmod(RelocateBase, 0o755); err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.Symlink(target, dir); err != nil {
		return "", fmt.Errorf("pgcluster: link %s to %s: %w", dir, target, err)
	}
	return target, nil
}

// stopStale stops a cluster left running by a process that did not shut down.
func (c *Cluster) stopStale(ctx context.Context) {
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); err != nil {
		return
	}
	_, _ = c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "immediate", "-w", "stop")
}

func (c *Cluster) choosePort(want int) (int, error) {
	portFile := filepath.Join(c.dir, "port")
	if want == 0 {
		if b, err := os.ReadFile(portFile); err == nil {
			if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && portFree(p) {
				want = p
			}
		}
	}
	if want == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("pgcluster: free port: %w", err)
		}
		want = l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
	}
	if err := os.WriteFile(portFile, []byte(strconv.Itoa(want)), 0o644); err != nil {
		return 0, fmt.Errorf("pgcluster: %w", err)
	}
	return want, nil
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

func (c *Cluster) start(ctx context.Context) error {
	logFile := filepath.Join(c.dir, "postgres.log")
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories='' -c fsync=off -c full_page_writes=off -c max_connections=200", c.port)
	out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-l", logFile, "-o", opts, "-w", "-t", "60", "start")
	if err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("pgcluster: start: %w: %s\n%s", err, out, tail)
	}
	return nil
}

// ensureRoles creates the owner and application roles when missing.
func (c *Cluster) ensureRoles(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.urlAs(superuser, "postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(ctx)
	for _, role := range []string{OwnerRole, AppRole} {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role).Scan(&exists); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if exists {
			continue
		}
		if _, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"); err != nil {
			return fmt.Errorf("pgcluster: create role %s: %w", role, err)
		}
	}
	return nil
}

// ensureDatabase creates database name owned by OwnerRole. A database from
// before the owner role existed (owned by the superuser) is handed over to
// the owner, with the tables, sequences and functions in it.
func (c *Cluster) ensureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.urlAs(superuser, "postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(ctx)
	var owner string
	err = conn.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name).Scan(&owner)
	ident := pgx.Identifier{name}.Sanitize()
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" OWNER "+OwnerRole); err != nil {
			return fmt.Errorf("pgcluster: create database: %w", err)
		}
	case err != nil:
		return fmt.Errorf("pgcluster: %w", err)
	case owner == OwnerRole:
		return nil
	default:
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident+" OWNER TO "+OwnerRole); err != nil {
			return fmt.Errorf("pgcluster: hand database to %s: %w", OwnerRole, err)
		}
	}
	db, err := pgx.Connect(ctx, c.urlAs(superuser, name))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer db.Close(ctx)
	if _, err := db.Exec(ctx, handOver); err != nil {
		return fmt.Errorf("pgcluster: hand objects to %s: %w", OwnerRole, err)
	}
	return nil
}

// handOver gives the public schema and everything the superuser created in
// it to the owner role.
const handOver = `
ALTER SCHEMA public OWNER TO ` + OwnerRole + `;
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.relname, c.relkind FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND pg_get_userbyid(c.relowner) = '` + superuser + `'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
    LOOP
        EXECUTE format(CASE r.relkind WHEN 'S' THEN 'ALTER SEQUENCE %I OWNER TO ` + OwnerRole + `'
                                      WHEN 'v' THEN 'ALTER VIEW %I OWNER TO ` + OwnerRole + `'
                                      WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %I OWNER TO ` + OwnerRole + `'
                                      ELSE 'ALTER TABLE %I OWNER TO ` + OwnerRole + `' END, r.relname);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND pg_get_userbyid(p.proowner) = '` + superuser + `'
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO ` + OwnerRole + `', r.sig);
    END LOOP;
END $$;`

// CreateDatabase creates a fresh, empty database owned by OwnerRole (for
// isolated tests) and returns its URL for AppRole; migrate it through
// OwnerURL.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	if err := c.ensureDatabase(ctx, name); err != nil {
		return "", err
	}
	return c.URL(name), nil
}

func (c *Cluster) chown(path string) error {
	if c.runAs == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.runAs.Uid)
	gid, _ := strconv.Atoi(c.runAs.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("pgcluster: chown %s: %w", path, err)
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	bin := name
	if !filepath.IsAbs(name) {
		bin = filepath.Join(c.bin, name)
	}
	var cmd *exec.Cmd
	if c.runAs != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, bin, args...)
	}
	cmd.Dir = "/"
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}
