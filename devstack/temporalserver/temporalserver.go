// Package temporalserver runs the real Temporal server (go.temporal.io/server)
// in-process, persisted in one SQLite file or in two PostgreSQL databases
// (the server's postgres12 plugin), together with the Temporal Web UI. It is
// the Temporal of `derma dev` and of integration tests: state lives in the
// store, so workflows in flight survive a stop and start of the process.
//
// All four services (frontend, history, matching, worker) run in this
// process on loopback ports, found through static hosts instead of ringpop.
// Temporal's own logging goes to the given slog logger at WARN and above.
//
// Stop releases every port, and Start may be called again in the same
// process on the same file. What Stop cannot release, because the server and
// UI libraries keep no handle to it:
//   - the SQLite connection: the sqlite plugin pools one connection per file
//     for the life of the process (so don't delete and re-create a database
//     file under the same path within one process); with PostgreSQL the
//     pools are closed;
//   - about 50 idle goroutines per stopped instance: the worker service's
//     parent-close-policy SDK workers and the UI's gRPC connection, which
//     keep redialling the old, closed ports with backoff. Their logging is
//     silenced from Stop on.
package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/temporal"
)

// DefaultNamespace is the namespace used when Options.Namespace is empty.
const DefaultNamespace = "default"

// logOff is a level above every level Temporal logs at.
const logOff = slog.LevelError + 100

// defaultReadyTimeout bounds the wait for the frontend (and UI) when the
// context passed to Start has no deadline.
const defaultReadyTimeout = time.Minute

// Options configure Start.
type Options struct {
	// DBFile is the SQLite file holding all server state (persistence and
	// visibility). It is created, with its schema, when absent (missing
	// directories too) and reused when present. Unused with Postgres.
	DBFile string
	// Postgres, when set, keeps the server's state in PostgreSQL instead of
	// DBFile.
	Postgres *PostgresStore
	// Namespace is created when missing; "" means DefaultNamespace.
	Namespace string
	// FrontendAddr is the frontend's gRPC address, host:port. Port 0 picks a
	// free port; "" means "127.0.0.1:0".
	FrontendAddr string
	// UIAddr is the Web UI's address, e.g. "127.0.0.1:8233" (port 0 picks a
	// free port); "" runs no UI.
	UIAddr string
	// CodecEndpoint is the UI's remote payload codec (the API's
	// /v1/admin/temporal-codec); the UI sends the browser's credentials to
	// it. "" shows payloads as Temporal stores them.
	CodecEndpoint string
	// SearchAttributes are the namespace's custom search attributes. On an
	// existing file, missing ones are added; one that exists with another
	// type is an error.
	SearchAttributes map[string]enums.IndexedValueType
	// Logger receives the server's WARN and ERROR records and our own INFO
	// lines; nil means slog.Default().
	Logger *slog.Logger
}

// PostgresStore is a PostgreSQL server holding the Temporal server's two
// databases. Both must exist and belong to User; their schema is set up
// (or updated to this server release) at Start by the server's own schema
// tool, from the schema files embedded in the server module.
type PostgresStore struct {
	// Addr is the PostgreSQL server's host:port.
	Addr string
	// User and Password log in; Password may be empty (trust).
	User, Password string
	// Database holds executions, histories, task queues and namespaces;
	// VisibilityDatabase the visibility records (workflow lists and search
	// attributes).
	Database, VisibilityDatabase string
}

// Server is a running in-process Temporal server, with its Web UI when one
// was asked for.
type Server struct {
	srv       temporal.Server
	ui        *webUI
	frontend  string
	namespace string
	logger    *slog.Logger
	// logLevel is the threshold of the server's own logging: WARN while
	// running, off from Stop on (shutdown cancels in-flight work, which the
	// server reports as errors that mean nothing here).
	logLevel *slog.LevelVar

	stopOnce sync.Once
	stopErr  error
}

// Start sets up the database file when needed, starts the server (and UI)
// and returns once the frontend answers for the namespace.
func Start(ctx context.Context, opts Options) (_ *Server, err error) {
	begin := time.Now()
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.FrontendAddr == "" {
		opts.FrontendAddr = "127.0.0.1:0"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultReadyTimeout)
		defer cancel()
	}

	logLevel := new(slog.LevelVar)
	logLevel.Set(slog.LevelWarn)
	tlog := newSlogLogger(opts.Logger.With("component", "temporal"), logLevel)
	var st store
	var fresh bool
	err = catchFatal(func() (err error) {
		st, fresh, err = prepareStore(opts, tlog)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	p, err := allocatePorts(opts.FrontendAddr)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	var uiHost string
	var uiPort int
	if opts.UIAddr != "" {
		if uiHost, uiPort, err = reserveUIAddr(opts.UIAddr); err != nil {
			return nil, fmt.Errorf("temporalserver: %w", err)
		}
	}

	s := &Server{
		frontend:  p.hostPort(p.frontend),
		namespace: opts.Namespace,
		logger:    opts.Logger,
		logLevel:  logLevel,
	}
	err = catchFatal(func() error {
		srv, err := temporal.NewServer(
			temporal.WithConfig(serverConfig(st, p)),
			temporal.ForServices(temporal.DefaultServices),
			temporal.WithStaticHosts(staticHosts(p)),
			temporal.WithLogger(tlog),
			temporal.WithDynamicConfigClient(dynamicConfig()),
		)
		if err != nil {
			return fmt.Errorf("create server: %w", err)
		}
		s.srv = srv
		if err := srv.Start(); err != nil {
			return fmt.Errorf("start server: %w", err)
		}
		return nil
	})
	if err != nil {
		if s.srv != nil {
			err = errors.Join(err, s.Stop())
		}
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop())
		}
	}()

	if err := s.waitReady(ctx, opts.SearchAttributes); err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	if opts.UIAddr != "" {
		if s.ui, err = startUI(ctx, uiHost, uiPort, s.frontend, s.namespace, opts.CodecEndpoint); err != nil {
			return nil, fmt.Errorf("temporalserver: %w", err)
		}
	}
	s.logger.Info("temporal server started",
		"frontend", s.frontend, "ui", s.UIURL(), "namespace", s.namespace,
		"db", st.where, "new_db", fresh, "took", time.Since(begin).Round(time.Millisecond))
	return s, nil
}

// prepareStore checks the options of the chosen store, sets its schema up
// when needed and makes sure of the namespace. It reports whether the store
// was new.
func prepareStore(opts Options, logger log.Logger) (store, bool, error) {
	if pg := opts.Postgres; pg != nil {
		if pg.Addr == "" || pg.User == "" || pg.Database == "" || pg.VisibilityDatabase == "" || pg.Database == pg.VisibilityDatabase {
			return store{}, false, errors.New("Options.Postgres needs Addr, User and two different databases")
		}
		st := store{
			persistence: pgConfig(pg, pg.Database),
			visibility:  pgConfig(pg, pg.VisibilityDatabase),
			where:       "postgres://" + pg.User + "@" + pg.Addr + "/" + pg.Database + "+" + pg.VisibilityDatabase,
		}
		fresh, err := preparePostgres(st, opts.Namespace, opts.SearchAttributes, logger)
		return st, fresh, err
	}
	if opts.DBFile == "" {
		return store{}, false, errors.New("Options.DBFile or Options.Postgres is required")
	}
	dbFile, err := filepath.Abs(opts.DBFile)
	if err != nil {
		return store{}, false, err
	}
	if err := checkDBPath(dbFile); err != nil {
		return store{}, false, err
	}
	sql := sqlConfig(dbFile)
	fresh, err := prepareDB(sql, opts.Namespace, opts.SearchAttributes)
	return store{persistence: sql, visibility: sql, where: dbFile}, fresh, err
}

// FrontendAddress returns the frontend's host:port, for client.Dial.
func (s *Server) FrontendAddress() string { return s.frontend }

// UIURL returns the Web UI's base URL, or "" when no UI runs.
func (s *Server) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.url
}

// Namespace returns the namespace that Start made sure of.
func (s *Server) Namespace() string { return s.namespace }

// Stop stops the UI and the server and releases their ports (see the package
// doc for what stays behind). The SQLite file stays; a later Start on it
// resumes where this one left off. Stop is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		begin := time.Now()
		s.logLevel.Set(logOff)
		var errs []error
		if s.ui != nil {
			errs = append(errs, s.ui.stop())
		}
		if s.srv != nil {
			errs = append(errs, catchFatal(func() error {
				if err := s.srv.Stop(); err != nil {
					return fmt.Errorf("stop server: %w", err)
				}
				return nil
			}))
		}
		if err := errors.Join(errs...); err != nil {
			s.stopErr = fmt.Errorf("temporalserver: %w", err)
			return
		}
		s.logger.Info("temporal server stopped", "took", time.Since(begin).Round(time.Millisecond))
	})
	return s.stopErr
}

// catchFatal runs f and turns a Fatal from Temporal's logger (raised on
// this goroutine) into an error.
func catchFatal(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(fatalError)
			if !ok {
				panic(r)
			}
			err = fe
		}
	}()
	return f()
}

// waitReady dials the frontend until it is healthy and knows the namespace,
// then makes sure of the custom search attributes.
func (s *Server) waitReady(ctx context.Context, searchAttrs map[string]enums.IndexedValueType) error {
	quiet := sdklog.NewStructuredLogger(slog.New(&minLevelHandler{h: s.logger.Handler(), min: slog.LevelWarn}))
	for {
		c, err := s.probe(ctx, quiet)
		if err == nil {
			err = ensureSearchAttributes(ctx, c.OperatorService(), s.namespace, searchAttrs)
			c.Close()
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("frontend %s not ready: %w (last: %w)", s.frontend, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probe performs one readiness check and returns the client on success.
func (s *Server) probe(ctx context.Context, logger sdklog.Logger) (client.Client, error) {
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  s.frontend,
		Namespace: s.namespace,
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		c.Close()
		return nil, fmt.Errorf("health: %w", err)
	}
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: s.namespace}); err != nil {
		c.Close()
		return nil, fmt.Errorf("describe namespace %s: %w", s.namespace, err)
	}
	return c, nil
}

// ensureSearchAttributes adds the custom search attributes that namespace
// lacks; an attribute that exists with another type is an error.
func ensureSearchAttributes(ctx context.Context, op operatorservice.OperatorServiceClient, namespace string, want map[string]enums.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	resp, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	have := resp.GetCustomAttributes()
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range want {
		got, ok := have[name]
		switch {
		case !ok:
			missing[name] = typ
		case got != typ:
			return fmt.Errorf("search attribute %s exists as %s, want %s", name, got, typ)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := op.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}
