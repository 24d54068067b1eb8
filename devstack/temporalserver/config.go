package temporalserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	postgresplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/primitives/timestamp"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	schematool "go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

const (
	// clusterName is the name of our single, local cluster.
	clusterName = "active"
	// storeName names the one data store used for both persistence and
	// visibility: the SQLite schema setup puts both schemas in one file.
	storeName = "sqlite-default"
	// pgStoreName and pgVisibilityStoreName name the two PostgreSQL data
	// stores: the server keeps visibility in a database of its own.
	pgStoreName           = "postgres-default"
	pgVisibilityStoreName = "postgres-visibility"
	// pgMaxConns bounds each PostgreSQL store's connection pool.
	pgMaxConns = 20
	// retentionDays is how long closed workflows of a namespace we create
	// are kept.
	retentionDays = 7
)

// ports holds the loopback ports of one server instance.
type ports struct {
	bindIP       string // address the frontend binds on
	dialHost     string // address other services and clients use to reach it
	frontend     int
	frontendHTTP int
	history      int
	matching     int
	worker       int
	membership   [4]int // unused with static hosts, set for completeness
}

func (p ports) hostPort(port int) string {
	return net.JoinHostPort(p.dialHost, strconv.Itoa(port))
}

// allocatePorts resolves the frontend address and picks free ports for
// everything else. All picked ports are held open together while choosing,
// so they are distinct; they are released right before the server binds
// them.
func allocatePorts(frontendAddr string) (ports, error) {
	host, portStr, err := net.SplitHostPort(frontendAddr)
	if err != nil {
		return ports{}, fmt.Errorf("frontend address %q: %w", frontendAddr, err)
	}
	var p ports
	switch host {
	case "", "localhost":
		p.bindIP, p.dialHost = "127.0.0.1", "127.0.0.1"
	default:
		ip := net.ParseIP(host)
		if ip == nil {
			return ports{}, fmt.Errorf("frontend address %q: host must be an IP address or localhost", frontendAddr)
		}
		p.bindIP, p.dialHost = ip.String(), ip.String()
		if ip.IsUnspecified() {
			p.dialHost = "127.0.0.1"
		}
	}
	fixed, err := strconv.Atoi(portStr)
	if err != nil || fixed < 0 || fixed > 65535 {
		return ports{}, fmt.Errorf("frontend address %q: bad port", frontendAddr)
	}
	if fixed != 0 {
		// Temporal treats a failed bind as fatal: check up front.
		l, err := net.Listen("tcp", net.JoinHostPort(p.bindIP, portStr))
		if err != nil {
			return ports{}, fmt.Errorf("frontend address %s is not free: %w", frontendAddr, err)
		}
		if err := l.Close(); err != nil {
			return ports{}, fmt.Errorf("release frontend port: %w", err)
		}
	}

	n := 8
	if fixed == 0 {
		n++
	}
	free, err := freePorts(p.dialHost, n)
	if err != nil {
		return ports{}, err
	}
	if fixed == 0 {
		fixed, free = free[0], free[1:]
	}
	p.frontend = fixed
	p.frontendHTTP, p.history, p.matching, p.worker = free[0], free[1], free[2], free[3]
	copy(p.membership[:], free[4:8])
	return p, nil
}

// freePorts returns n distinct ports that were free on host a moment ago.
func freePorts(host string, n int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	closeAll := func() error {
		var errs []error
		for _, l := range listeners {
			if err := l.Close(); err != nil {
				errs = append(errs, fmt.Errorf("release port: %w", err))
			}
		}
		return errors.Join(errs...)
	}
	out := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, errors.Join(fmt.Errorf("pick a free port on %s: %w", host, err), closeAll())
		}
		listeners = append(listeners, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	if err := closeAll(); err != nil {
		return nil, err
	}
	return out, nil
}

// sqlConfig is the SQLite store on file.
func sqlConfig(file string) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: file,
		// mode=rwc: read-write, create when missing. Anything that is not a
		// URI parameter known to the plugin is passed on as a PRAGMA.
		// WAL and synchronous=normal: far fewer fsyncs and no journal file
		// per write; the dev server roughly doubles its throughput.
		ConnectAttributes: map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "normal"},
	}
}

// prepareDB sets up the schema when file is new and makes sure namespace
// exists. It reports whether the file was new.
func prepareDB(sql *config.SQL, namespace string, searchAttrs map[string]enums.IndexedValueType) (bool, error) {
	file := sql.DatabaseName
	fresh := false
	info, err := os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fresh = true
	case err != nil:
		return false, fmt.Errorf("stat %s: %w", file, err)
	case info.IsDir():
		return false, fmt.Errorf("%s is a directory, want a SQLite file", file)
	case info.Size() == 0:
		fresh = true
	}
	if fresh {
		if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
			return false, fmt.Errorf("create directory for %s: %w", file, err)
		}
		if err := sqliteschema.SetupSchema(sql); err != nil {
			return false, fmt.Errorf("set up schema in %s (delete the file to start over): %w", file, err)
		}
	}
	if err := createNamespace(sql, namespace, searchAttrs); err != nil {
		return false, err
	}
	return fresh, nil
}

// store is where the server keeps its state: one SQL data store for
// persistence and one for visibility (the same one with SQLite).
type store struct {
	persistence, visibility *config.SQL
	// where names the store in log lines.
	where string
}

// persistenceConfig names the data stores of st.
func (st store) persistenceConfig() config.Persistence {
	if st.visibility == st.persistence {
		return config.Persistence{
			DefaultStore:     storeName,
			VisibilityStore:  storeName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{storeName: {SQL: st.persistence}},
		}
	}
	return config.Persistence{
		DefaultStore:     pgStoreName,
		VisibilityStore:  pgVisibilityStoreName,
		NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{
			pgStoreName:           {SQL: st.persistence},
			pgVisibilityStoreName: {SQL: st.visibility},
		},
	}
}

// pgConfig is one database of the PostgreSQL store, for the server's
// postgres12 plugin (pgx underneath).
func pgConfig(pg *PostgresStore, database string) *config.SQL {
	return &config.SQL{
		PluginName:      postgresplugin.PluginName,
		DatabaseName:    database,
		ConnectAddr:     pg.Addr,
		ConnectProtocol: "tcp",
		User:            pg.User,
		Password:        pg.Password,
		// The dev cluster listens on loopback without TLS.
		ConnectAttributes: map[string]string{"sslmode": "disable"},
		MaxConns:          pgMaxConns,
		MaxIdleConns:      pgMaxConns,
		MaxConnLifetime:   time.Hour,
	}
}

// Schemas of the PostgreSQL store, as named in the server's embedded
// schema directory (go.temporal.io/server/schema).
const (
	pgSchema           = "postgresql/v12/temporal"
	pgVisibilitySchema = "postgresql/v12/visibility"
)

// preparePostgres brings both databases to the schema version this server
// release expects, with the server's own schema tool (version tables at
// 0.0, then every versioned update from the embedded schema directory,
// as `temporal-sql-tool setup-schema -v 0.0` and `update-schema` do; an
// up-to-date database is left alone), and makes sure namespace exists.
// It reports whether the persistence database was new.
func preparePostgres(st store, namespace string, searchAttrs map[string]enums.IndexedValueType, logger log.Logger) (bool, error) {
	var fresh bool
	for _, db := range []struct {
		sql    *config.SQL
		schema string
	}{{st.persistence, pgSchema}, {st.visibility, pgVisibilitySchema}} {
		isNew, err := migratePostgres(db.sql, db.schema, logger)
		if err != nil {
			return false, fmt.Errorf("schema %s in database %s: %w", db.schema, db.sql.DatabaseName, err)
		}
		if db.sql == st.persistence {
			fresh = isNew
		}
	}
	if err := createNamespace(st.persistence, namespace, searchAttrs); err != nil {
		return false, err
	}
	return fresh, nil
}

// migratePostgres sets up or updates one database's schema.
func migratePostgres(cfg *config.SQL, schemaName string, logger log.Logger) (bool, error) {
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	_, verErr := conn.ReadSchemaVersion()
	fresh := verErr != nil
	if err := schematool.NewSetupSchemaTask(conn, &schematool.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
		return false, fmt.Errorf("set up version tables: %w", err)
	}
	if err := schematool.NewUpdateSchemaTask(conn, &schematool.UpdateConfig{DBName: cfg.DatabaseName, SchemaName: schemaName}, logger).Run(); err != nil {
		return false, fmt.Errorf("update: %w", err)
	}
	return fresh, nil
}

// createNamespace inserts namespace into the persistence store when it is
// missing (a no-op otherwise; search attributes of an existing namespace
// are checked through the operator service once the server runs). The
// SQLite package's helper is plain SQL persistence code and serves every
// SQL plugin.
func createNamespace(sql *config.SQL, namespace string, searchAttrs map[string]enums.IndexedValueType) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, searchAttrs)
	if err != nil {
		return fmt.Errorf("namespace %s: %w", namespace, err)
	}
	ns.Detail.Config.Retention = timestamp.DurationFromHours(retentionDays * 24)
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return fmt.Errorf("create namespace %s: %w", namespace, err)
	}
	return nil
}

// serverConfig builds the static server configuration.
func serverConfig(st store, p ports) *config.Config {
	rpc := func(port, membership int) config.Service {
		return config.Service{RPC: config.RPC{
			GRPCPort:       port,
			MembershipPort: membership,
			BindOnIP:       p.dialHost,
		}}
	}
	frontend := rpc(p.frontend, p.membership[0])
	frontend.RPC.BindOnIP = p.bindIP
	frontend.RPC.HTTPPort = p.frontendHTTP

	var cfg config.Config
	cfg.Global.Membership = config.Membership{
		MaxJoinDuration:  30 * time.Second,
		BroadcastAddress: p.dialHost,
	}
	cfg.Persistence = st.persistenceConfig()
	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             p.hostPort(p.frontend),
				HTTPAddress:            p.hostPort(p.frontendHTTP),
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{
		string(primitives.FrontendService): frontend,
		string(primitives.HistoryService):  rpc(p.history, p.membership[1]),
		string(primitives.MatchingService): rpc(p.matching, p.membership[2]),
		string(primitives.WorkerService):   rpc(p.worker, p.membership[3]),
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	// The worker service's own SDK client dials this.
	cfg.PublicClient.HostPort = p.hostPort(p.frontend)
	return &cfg
}

// staticHosts lists every service at its single loopback address, which
// replaces ringpop membership.
func staticHosts(p ports) map[primitives.ServiceName]static.Hosts {
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: static.SingleLocalHost(p.hostPort(p.frontend)),
		primitives.HistoryService:  static.SingleLocalHost(p.hostPort(p.history)),
		primitives.MatchingService: static.SingleLocalHost(p.hostPort(p.matching)),
		primitives.WorkerService:   static.SingleLocalHost(p.hostPort(p.worker)),
	}
}

// dynamicConfig is the in-memory dynamic configuration of a dev server.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		// Updates (with validators) are how the API gets an immediate yes/no.
		// Both default to true in v1.32; pinned so a future default cannot
		// silently break us.
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
		// New search attributes are visible at once instead of after the
		// cache refresh interval.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		// The Web UI lists and counts workflows often; the default rate limit
		// of 10 per second throttles it.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// The task queue and history scanners are maintenance jobs for big
		// clusters. Their SDK workers are never stopped by the server's Stop
		// (left unfinished upstream in v1.32), so every stopped instance would leave them
		// polling its dead frontend address; a dev database does not need them.
		dynamicconfig.TaskQueueScannerEnabled.Key(): false,
		dynamicconfig.HistoryScannerEnabled.Key():   false,
	}
}

// checkDBPath rejects paths that cannot be embedded in the plugin's
// "file:PATH?params" DSN.
func checkDBPath(file string) error {
	if strings.ContainsAny(file, "?#") {
		return fmt.Errorf("database file %q: '?' and '#' are not allowed in the path", file)
	}
	return nil
}
