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
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/primitives/timestamp"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

const (
	// clusterName is the name of our single, local cluster.
	clusterName = "active"
	// storeName names the one data store used for both persistence and
	// visibility: the SQLite schema setup puts both schemas in one file.
	storeName = "sqlite-default"
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
	// CreateNamespaces is a no-op for a namespace that already exists; its
	// search attributes are then checked through the operator service once
	// the server runs.
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, searchAttrs)
	if err != nil {
		return false, fmt.Errorf("namespace %s: %w", namespace, err)
	}
	ns.Detail.Config.Retention = timestamp.DurationFromHours(retentionDays * 24)
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return false, fmt.Errorf("create namespace %s: %w", namespace, err)
	}
	return fresh, nil
}

// serverConfig builds the static server configuration.
func serverConfig(sql *config.SQL, p ports) *config.Config {
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
	cfg.Persistence = config.Persistence{
		DefaultStore:     storeName,
		VisibilityStore:  storeName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{storeName: {SQL: sql}},
	}
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
