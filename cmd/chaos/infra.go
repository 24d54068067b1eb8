package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"derma2go/config"
	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack"
	"derma2go/devstack/mailsink"
	"derma2go/devstack/pgcluster"
	"derma2go/payments/molliesandbox"
	"derma2go/platform"
)

// The OAuth app the chaos stack registers with the sandbox for Mollie
// Connect, so that every doctor is paid on an account of their own as in
// production.
const (
	connectClientID     = "app_derma2goChaosSandbox"
	connectClientSecret = "derma2go-chaos-sandbox-oauth-secret"
)

// infra is everything the API and worker processes run against. The mail
// sink, the Mollie sandbox and the load balancer live in this process and
// are never killed: they are the outside world and the instruments.
// PostgreSQL and Temporal are killed and restarted.
type infra struct {
	dir      string
	logger   *slog.Logger
	pg       *pgcluster.Cluster
	temporal *proc
	mail     *mailsink.Sink
	mollie   *molliesandbox.Server
	lb       *balancer
	platform *platform.Platform
	env      map[string]string
	servers  []*http.Server

	mailURL, mollieURL, publicURL string
}

// startInfra brings up PostgreSQL (migrated, seeded, every doctor connected
// to a sandbox account), Temporal in a process of its own (its state in
// temporalStore: devstack.TemporalStoreSQLite or TemporalStorePostgres),
// the mail sink, the sandbox and the load balancer in front of the API
// processes.
func startInfra(ctx context.Context, dir, self, temporalStore string, logger *slog.Logger) (_ *infra, err error) {
	in := &infra{dir: dir, logger: logger}
	defer func() {
		if err != nil {
			in.stop()
		}
	}()
	listen := func() (net.Listener, string, error) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, "", fmt.Errorf("chaos: listen: %w", err)
		}
		return l, "http://" + l.Addr().String(), nil
	}
	mailL, mailURL, err := listen()
	if err != nil {
		return nil, err
	}
	mollieL, mollieURL, err := listen()
	if err != nil {
		return nil, err
	}
	lbL, lbURL, err := listen()
	if err != nil {
		return nil, err
	}
	in.mailURL, in.mollieURL, in.publicURL = mailURL, mollieURL, lbURL

	if in.pg, err = pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(dir, "pg"), Database: "derma"}); err != nil {
		return nil, err
	}
	temporalAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	temporalArgs := []string{self, "temporal", "-db", filepath.Join(dir, "temporal.db"), "-addr", temporalAddr,
		"-ready", filepath.Join(dir, "temporal.ready")}
	if temporalStore == devstack.TemporalStorePostgres {
		st, err := devstack.TemporalPostgres(ctx, in.pg)
		if err != nil {
			return nil, err
		}
		temporalArgs = append(temporalArgs, "-pg", st.Addr, "-pg-user", st.User, "-pg-db", st.Database,
			"-pg-visibility-db", st.VisibilityDatabase)
	}
	in.temporal = &proc{name: "temporal", kind: kindTemporal, dir: dir, logger: logger,
		args: temporalArgs, ready: readyFile(filepath.Join(dir, "temporal.ready"))}
	if err := in.temporal.start(ctx); err != nil {
		return nil, err
	}
	if in.mail, err = mailsink.StartPersistent("127.0.0.1:0", filepath.Join(dir, "mail"), logger.With("component", "mailsink")); err != nil {
		return nil, err
	}
	// Every mail of the run stays countable: a full run sends several
	// thousand, more than the sink keeps by default.
	in.mail.KeepAtMost(1 << 20)
	if in.mollie, err = molliesandbox.Open(molliesandbox.Options{
		PublicURL: mollieURL, StateFile: filepath.Join(dir, "mollie.json"), Logger: logger.With("component", "mollie-sandbox"),
		Apps: []molliesandbox.App{{ID: connectClientID, Secret: connectClientSecret, RedirectURL: lbURL + platform.ConnectRedirectPath}},
	}); err != nil {
		return nil, err
	}
	in.lb = &balancer{}
	in.env = map[string]string{
		"DATABASE_URL":                 in.pg.URL("derma"),
		"TEMPORAL_ADDRESS":             temporalAddr,
		"TEMPORAL_NAMESPACE":           "default",
		"SMTP_URL":                     in.mail.SMTPURL(),
		"MAIL_FROM":                    "Derma2Go <no-reply@derma2go.test>",
		"MOLLIE_API_KEY":               "test_derma2gochaossandbox000000000",
		"MOLLIE_BASE_URL":              mollieURL,
		"MOLLIE_CLIENT_ID":             connectClientID,
		"MOLLIE_CLIENT_SECRET":         connectClientSecret,
		"MOLLIE_AUTHORIZE_URL":         mollieURL + "/oauth2/authorize",
		"MOLLIE_APPLICATION_FEE_CENTS": fmt.Sprint(devstack.DevApplicationFeeCents),
		"PUBLIC_URL":                   lbURL,
		"SUPPORT_EMAIL":                "support@derma2go.test",
		"TRUSTED_PROXIES":              "127.0.0.1/32",
		"LOG_LEVEL":                    "warn",
		// Workflows end soon after their consultation: the review request
		// is the last step of most of them.
		"REVIEW_DELAY": "10s",
		// A called walk-in patient answers within the window even when the
		// API they answer through is being restarted.
		"WALKIN_ANSWER_WINDOW": "10m",
	}
	if in.env["DERMA_DATA_KEY"], in.env["DERMA_LOOKUP_KEY"], err = newKeys(); err != nil {
		return nil, err
	}
	cfg, err := config.Parse(func(k string) (string, bool) { v, ok := in.env[k]; return v, ok })
	if err != nil {
		return nil, fmt.Errorf("chaos: %w", err)
	}
	if err := db.MigrateURL(ctx, in.pg.OwnerURL("derma")); err != nil {
		return nil, err
	}
	if in.platform, err = platform.Open(ctx, cfg, logger.With("component", "chaos-platform")); err != nil {
		return nil, err
	}
	if _, err := demodata.Seed(ctx, in.platform.Store, in.platform.Fields); err != nil {
		return nil, err
	}
	in.serve(mailL, in.mail.Handler())
	in.serve(mollieL, in.mollie.Handler())
	in.serve(lbL, in.lb)
	if _, err := (&devstack.Stack{Platform: in.platform}).ConnectDoctors(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

func (in *infra) serve(l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	in.servers = append(in.servers, srv)
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			in.logger.Error("chaos: http server stopped", "err", err)
		}
	}()
}

func (in *infra) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range in.servers {
		_ = s.Shutdown(ctx)
	}
	if in.platform != nil {
		in.platform.Close()
	}
	if in.mollie != nil {
		in.mollie.Close()
	}
	if in.mail != nil {
		_ = in.mail.Close()
	}
	if in.temporal != nil {
		in.temporal.stop()
	}
	if in.pg != nil {
		_ = in.pg.Stop()
	}
}

// Kinds of process the monkey kills.
const (
	kindAPI      = "api"
	kindWorker   = "worker"
	kindTemporal = "temporal"
	kindPostgres = "postgres"
)

// proc is one child process (an API, a worker or the Temporal server) that
// can be killed with SIGKILL and started again with the same command.
type proc struct {
	name, kind string
	dir        string
	args       []string
	env        []string
	logger     *slog.Logger
	// ready answers nil once the process with this pid serves.
	ready func(ctx context.Context, pid int) error

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs the command and waits until ready answers.
func (p *proc) start(ctx context.Context) error {
	p.mu.Lock()
	logFile, err := os.OpenFile(filepath.Join(p.dir, p.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.mu.Unlock()
		return fmt.Errorf("chaos: %w", err)
	}
	fmt.Fprintf(logFile, "\n=== %s start %s\n", p.name, time.Now().UTC().Format(time.RFC3339Nano))
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		logFile.Close()
		return fmt.Errorf("chaos: start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(done)
	}()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	for {
		err := p.ready(ctx, cmd.Process.Pid)
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("chaos: %s exited before it was ready (see %s.log)", p.name, p.name)
		case <-ctx.Done():
			return fmt.Errorf("chaos: %s not ready: %w (last: %v)", p.name, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL to the process and waits until it is gone.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// stop ends the process gracefully (SIGTERM), or kills it after 15 s.
func (p *proc) stop() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		p.kill()
	}
}

// httpReady is a ready check that wants a 2xx from url.
func httpReady(url string) func(context.Context, int) error {
	return func(ctx context.Context, _ int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		c := http.Client{Timeout: 2 * time.Second}
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode/100 != 2 {
			return fmt.Errorf("%s: %d", url, res.StatusCode)
		}
		return nil
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("chaos: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// readyFile is a ready check for a child that writes its pid to path once
// it serves (the Temporal server's process).
func readyFile(path string) func(context.Context, int) error {
	return func(_ context.Context, pid int) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.TrimSpace(string(b)) != strconv.Itoa(pid) {
			return fmt.Errorf("%s names another process", path)
		}
		return nil
	}
}

// newKeys makes the data and lookup keys of one chaos run.
func newKeys() (dataKey, lookupKey string, err error) {
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("chaos: keys: %w", err)
	}
	return "chaos1:" + base64.StdEncoding.EncodeToString(b[:32]), base64.StdEncoding.EncodeToString(b[32:]), nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
