package temporalserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"derma2go/devstack/pgcluster"
)

const (
	taskQueue    = "temporalserver-test"
	finishSignal = "finish"
)

var (
	saType   = temporal.NewSearchAttributeKeyKeyword("ConsultationType")
	saDoctor = temporal.NewSearchAttributeKeyKeyword("DoctorId")
	saStatus = temporal.NewSearchAttributeKeyKeyword("ConsultationStatus")
	saStart  = temporal.NewSearchAttributeKeyTime("ScheduledStart")

	testSearchAttributes = map[string]enums.IndexedValueType{
		"ConsultationType":   enums.INDEXED_VALUE_TYPE_KEYWORD,
		"DoctorId":           enums.INDEXED_VALUE_TYPE_KEYWORD,
		"ConsultationStatus": enums.INDEXED_VALUE_TYPE_KEYWORD,
		"ScheduledStart":     enums.INDEXED_VALUE_TYPE_DATETIME,
	}
)

// probeInput is the input of probeWorkflow.
type probeInput struct {
	Type     string
	DoctorID string
	Start    time.Time
}

// probeWorkflow upserts the consultation search attributes, waits for the
// finish signal and returns its payload.
func probeWorkflow(ctx workflow.Context, in probeInput) (string, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		saType.ValueSet(in.Type),
		saDoctor.ValueSet(in.DoctorID),
		saStatus.ValueSet("waiting"),
		saStart.ValueSet(in.Start),
	); err != nil {
		return "", fmt.Errorf("upsert: %w", err)
	}
	var msg string
	workflow.GetSignalChannel(ctx, finishSignal).Receive(ctx, &msg)
	if err := workflow.UpsertTypedSearchAttributes(ctx, saStatus.ValueSet("completed")); err != nil {
		return "", fmt.Errorf("upsert: %w", err)
	}
	return "finished: " + msg, nil
}

func testLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// startWorker dials srv and runs a worker for probeWorkflow.
func startWorker(t *testing.T, srv *Server) (client.Client, func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  srv.FrontendAddress(),
		Namespace: srv.Namespace(),
		Logger:    sdklog.NewStructuredLogger(testLogger(slog.LevelWarn)),
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(probeWorkflow)
	if err := w.Start(); err != nil {
		c.Close()
		t.Fatalf("worker start: %v", err)
	}
	return c, func() {
		w.Stop()
		c.Close()
	}
}

// listIDs returns the IDs of the workflows that query matches.
func listIDs(ctx context.Context, c client.Client, query string) ([]string, error) {
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	if err != nil {
		return nil, fmt.Errorf("list %q: %w", query, err)
	}
	var ids []string
	for _, e := range resp.GetExecutions() {
		ids = append(ids, e.GetExecution().GetWorkflowId())
	}
	return ids, nil
}

// waitListed polls visibility (which is updated asynchronously) until query
// matches exactly wantID.
func waitListed(t *testing.T, ctx context.Context, c client.Client, query, wantID string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ids, err := listIDs(ctx, c, query)
		if err == nil && len(ids) == 1 && ids[0] == wantID {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("query %q: got %v (err %v), want [%s]", query, ids, err, wantID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func httpGet(ctx context.Context, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("get %s: %w", u, err)
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", u, err)
	}
	return resp.StatusCode, body, nil
}

// checkUI checks that the UI serves its page and lists wantID through its
// HTTP API.
func checkUI(t *testing.T, ctx context.Context, srv *Server, wantID string) {
	t.Helper()
	status, body, err := httpGet(ctx, srv.UIURL()+"/")
	if err != nil || status != http.StatusOK {
		t.Fatalf("UI GET /: status %d, err %v", status, err)
	}
	if !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Fatalf("UI GET /: not an HTML page: %.200s", body)
	}
	q := url.Values{"query": {`ConsultationType = "video"`}}
	u := fmt.Sprintf("%s/api/v1/namespaces/%s/workflows?%s", srv.UIURL(), url.PathEscape(srv.Namespace()), q.Encode())
	status, body, err = httpGet(ctx, u)
	if err != nil || status != http.StatusOK {
		t.Fatalf("UI list workflows: status %d, err %v, body %.300s", status, err, body)
	}
	var list struct {
		Executions []struct {
			Execution struct {
				WorkflowID string `json:"workflowId"`
			} `json:"execution"`
		} `json:"executions"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("UI list workflows: %v in %.300s", err, body)
	}
	if len(list.Executions) != 1 || list.Executions[0].Execution.WorkflowID != wantID {
		t.Fatalf("UI list workflows: got %.300s, want %s", body, wantID)
	}
}

// checkUIReadOnly sends a signal, a termination and a cancellation through
// the UI's HTTP API (with an Authorization header, which passes the UI's
// CSRF check) and expects each to be refused and none to reach the workflow.
func checkUIReadOnly(t *testing.T, ctx context.Context, srv *Server, c client.Client, wfID string) {
	t.Helper()
	base := fmt.Sprintf("%s/api/v1/namespaces/%s/workflows/%s", srv.UIURL(), url.PathEscape(srv.Namespace()), url.PathEscape(wfID))
	for path, body := range map[string]string{"/signal/payment-update": `{}`, "/terminate": `{"reason":"forged"}`, "/cancel": `{"reason":"forged"}`} {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer forged")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("UI POST %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("UI POST %s: status %d (%.200s), want 405", path, resp.StatusCode, body)
		}
	}
	desc, err := c.DescribeWorkflowExecution(ctx, wfID, "")
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("after the UI writes the workflow is %s, want running", st)
	}
	iter := c.GetWorkflowHistory(ctx, wfID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		if ev.GetEventType() == enums.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ||
			ev.GetEventType() == enums.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED {
			t.Fatalf("the UI delivered %s", ev.GetEventType())
		}
	}
	status, body, err := httpGet(ctx, srv.UIURL()+"/api/v1/settings")
	if err != nil || status != http.StatusOK {
		t.Fatalf("UI settings: status %d, err %v", status, err)
	}
	var settings struct {
		DisableWriteActions    bool
		WorkflowSignalDisabled bool
	}
	if err := json.Unmarshal(body, &settings); err != nil || !settings.DisableWriteActions || !settings.WorkflowSignalDisabled {
		t.Fatalf("UI settings %.300s (%v): write actions not disabled", body, err)
	}
}

// TestWorkflowSurvivesRestart runs a workflow that waits for a signal, stops
// the server, starts it again on the same file and finishes the workflow.
func TestWorkflowSurvivesRestart(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		survivesRestart(t, Options{DBFile: filepath.Join(t.TempDir(), "sub", "temporal.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		survivesRestart(t, Options{Postgres: testPostgres(t)})
	})
}

// testPostgres starts a private PostgreSQL cluster with the two databases
// of the Temporal store.
func testPostgres(t *testing.T) *PostgresStore {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(t.TempDir(), "pg"), Database: "temporal"})
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() {
		if err := pg.Stop(); err != nil {
			t.Errorf("stop postgres: %v", err)
		}
	})
	if _, err := pg.CreateDatabase(ctx, "temporal_visibility"); err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return &PostgresStore{
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(pg.Port())), User: pgcluster.OwnerRole,
		Database: "temporal", VisibilityDatabase: "temporal_visibility",
	}
}

// survivesRestart runs a workflow across three starts of a server on the
// store of base.
func survivesRestart(t *testing.T, base Options) {
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	const wfID = "consultation/3f1c7c2e-0000-4000-8000-000000000001"
	scheduled := time.Date(2030, 3, 31, 9, 30, 0, 0, time.UTC)

	// First run: new file, with UI.
	srv, err := Start(ctx, Options{
		DBFile:           base.DBFile,
		Postgres:         base.Postgres,
		Namespace:        "derma-test",
		UIAddr:           "127.0.0.1:0",
		SearchAttributes: testSearchAttributes,
		Logger:           testLogger(slog.LevelInfo),
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			if err := srv.Stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}
	}()
	if srv.Namespace() != "derma-test" || srv.UIURL() == "" || srv.FrontendAddress() == "" {
		t.Fatalf("accessors: ns %q ui %q frontend %q", srv.Namespace(), srv.UIURL(), srv.FrontendAddress())
	}

	c, stopWorker := startWorker(t, srv)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wfID, TaskQueue: taskQueue},
		probeWorkflow, probeInput{Type: "video", DoctorID: "doc-7", Start: scheduled})
	if err != nil {
		stopWorker()
		t.Fatalf("execute: %v", err)
	}
	waitListed(t, ctx, c, `ConsultationType = "video"`, wfID)
	waitListed(t, ctx, c, `DoctorId = "doc-7" AND ConsultationStatus = "waiting" AND ScheduledStart >= "2030-03-31T00:00:00Z"`, wfID)
	if ids, err := listIDs(ctx, c, `ConsultationType = "walk_in"`); err != nil || len(ids) != 0 {
		t.Fatalf(`ConsultationType = "walk_in": got %v, err %v; want none`, ids, err)
	}
	checkUI(t, ctx, srv, wfID)
	checkUIReadOnly(t, ctx, srv, c, wfID)
	stopWorker()

	uiURL := srv.UIURL()
	stopped = true
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	if status, _, err := httpGet(ctx, uiURL+"/"); err == nil {
		t.Fatalf("UI still answers after Stop: status %d", status)
	}

	// Second run: same file, same process, one more search attribute.
	more := map[string]enums.IndexedValueType{"PatientLanguage": enums.INDEXED_VALUE_TYPE_KEYWORD}
	for k, v := range testSearchAttributes {
		more[k] = v
	}
	srv, err = Start(ctx, Options{
		DBFile:           base.DBFile,
		Postgres:         base.Postgres,
		Namespace:        "derma-test",
		SearchAttributes: more,
		Logger:           testLogger(slog.LevelInfo),
	})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	stopped = false
	if srv.UIURL() != "" {
		t.Fatalf("UIURL without UI = %q, want empty", srv.UIURL())
	}
	c, stopWorker = startWorker(t, srv)
	defer func() { stopWorker() }()

	desc, err := c.DescribeWorkflowExecution(ctx, wfID, run.GetRunID())
	if err != nil {
		t.Fatalf("describe after restart: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("status after restart = %s, want running", st)
	}
	waitListed(t, ctx, c, `ConsultationType = "video"`, wfID)
	sas, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: srv.Namespace()})
	if err != nil {
		t.Fatalf("list search attributes: %v", err)
	}
	for name, typ := range more {
		if got := sas.GetCustomAttributes()[name]; got != typ {
			t.Errorf("search attribute %s = %s, want %s", name, got, typ)
		}
	}

	if err := c.SignalWorkflow(ctx, wfID, "", finishSignal, "after restart"); err != nil {
		t.Fatalf("signal: %v", err)
	}
	var result string
	if err := c.GetWorkflow(ctx, wfID, run.GetRunID()).Get(ctx, &result); err != nil {
		t.Fatalf("result: %v", err)
	}
	if result != "finished: after restart" {
		t.Fatalf("result = %q", result)
	}
	waitListed(t, ctx, c, `ConsultationStatus = "completed" AND ExecutionStatus = "Completed"`, wfID)
	stopWorker()
	stopWorker = func() {}
	stopped = true
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Third run: same file, a namespace it does not have yet.
	srv, err = Start(ctx, Options{
		DBFile:           base.DBFile,
		Postgres:         base.Postgres,
		Namespace:        "derma-other",
		FrontendAddr:     "localhost:0",
		SearchAttributes: testSearchAttributes,
		Logger:           testLogger(slog.LevelInfo),
	})
	if err != nil {
		t.Fatalf("start with a new namespace: %v", err)
	}
	stopped = false
	c, stopWorker = startWorker(t, srv)
	if ids, err := listIDs(ctx, c, `ConsultationType = "video"`); err != nil || len(ids) != 0 {
		t.Fatalf("new namespace lists %v (err %v), want nothing", ids, err)
	}
}

// TestStartErrors covers the checks made before the server starts.
func TestStartErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Start(ctx, Options{}); err == nil {
		t.Error("Start without DBFile: want error")
	}
	if _, err := Start(ctx, Options{Postgres: &PostgresStore{Addr: "127.0.0.1:1", User: "u", Database: "t", VisibilityDatabase: "t"}}); err == nil || !strings.Contains(err.Error(), "two different databases") {
		t.Errorf("Start with one database for both stores: got %v, want an error", err)
	}
	if _, err := Start(ctx, Options{Postgres: &PostgresStore{Addr: "127.0.0.1:1", User: "u", Database: "t", VisibilityDatabase: "v"}}); err == nil {
		t.Error("Start with an unreachable PostgreSQL: want error")
	}
	dir := t.TempDir()
	if _, err := Start(ctx, Options{DBFile: dir}); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Start on a directory: got %v, want a directory error", err)
	}
	if _, err := Start(ctx, Options{DBFile: filepath.Join(dir, "a?b.db")}); err == nil {
		t.Error("Start with '?' in the path: want error")
	}
	if _, err := allocatePorts("example.com:7233"); err == nil {
		t.Error("allocatePorts with a host name: want error")
	}

	// A taken port is an error, not a fatal exit of the process.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	busy := l.Addr().String()
	if _, err := Start(ctx, Options{DBFile: filepath.Join(dir, "f.db"), FrontendAddr: busy}); err == nil || !strings.Contains(err.Error(), "not free") {
		t.Errorf("Start on a taken frontend port: got %v, want a not-free error", err)
	}
	if _, err := Start(ctx, Options{DBFile: filepath.Join(dir, "u.db"), UIAddr: busy}); err == nil || !strings.Contains(err.Error(), "not free") {
		t.Errorf("Start on a taken UI port: got %v, want a not-free error", err)
	}
}
