package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// webUI is a running Temporal Web UI server.
type webUI struct {
	srv  *uiserver.Server
	url  string
	done chan struct{} // closed when srv.Start has returned
	err  error         // srv.Start's result, valid after done
}

// reserveUIAddr checks that the UI address ("host:port", port 0 picks a
// free port) can be bound and returns it with the port resolved.
//
// The UI server exits the process (echo's Logger.Fatal) when it cannot bind,
// and it keeps its listener to itself: checking first turns a taken port
// into an ordinary error.
func reserveUIAddr(addr string) (host string, port int, err error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("UI address %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, portStr))
	if err != nil {
		return "", 0, fmt.Errorf("UI address %s is not free: %w", addr, err)
	}
	port = l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return "", 0, fmt.Errorf("release UI port: %w", err)
	}
	return host, port, nil
}

// startUI serves the Web UI on host:port for the frontend at frontendGRPC
// and waits until it answers. With a codec endpoint the UI decodes payloads
// there, sending the browser's cookies along (includeCredentials).
func startUI(ctx context.Context, host string, port int, frontendGRPC, namespace, codecEndpoint string) (*webUI, error) {
	srv := uiserver.NewServer(server_options.WithConfigProvider(&uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: frontendGRPC,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		// Served over plain http on loopback: the CSRF cookie must not be
		// marked Secure or the browser drops it.
		CORS:             uiconfig.CORS{CookieInsecure: true},
		HideLogs:         true,
		DisableNewsFetch: true,
		Codec:            uiconfig.Codec{Endpoint: codecEndpoint, IncludeCredentials: codecEndpoint != ""},
		// Read-only: nothing may be signalled, updated, started, cancelled,
		// terminated, reset or paused through the UI. A signal sent there
		// would reach a workflow without passing the API's checks. The UI
		// server enforces DisableWriteActions itself (405 for every
		// non-GET API call except queries); the other switches hide the
		// buttons.
		DisableWriteActions:       true,
		WorkflowTerminateDisabled: true,
		WorkflowCancelDisabled:    true,
		WorkflowSignalDisabled:    true,
		WorkflowUpdateDisabled:    true,
		WorkflowResetDisabled:     true,
		WorkflowPauseDisabled:     true,
		BatchActionsDisabled:      true,
		StartWorkflowDisabled:     true,
		ActivityCommandsDisabled:  true,
	}))
	ui := &webUI{
		srv:  srv,
		url:  "http://" + net.JoinHostPort(host, strconv.Itoa(port)),
		done: make(chan struct{}),
	}
	go func() {
		defer close(ui.done)
		ui.err = srv.Start()
	}()
	if err := ui.waitReady(ctx); err != nil {
		return nil, errors.Join(err, ui.stop())
	}
	return ui, nil
}

// waitReady polls the UI's health route until it answers 200.
func (u *webUI) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.url+"/healthz", nil)
		if err != nil {
			return fmt.Errorf("UI health request: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			if cerr := resp.Body.Close(); cerr != nil {
				return fmt.Errorf("UI health response: %w", cerr)
			}
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("UI at %s not ready: %w (last: %w)", u.url, ctx.Err(), err)
		case <-u.done:
			return fmt.Errorf("UI at %s stopped while starting: %w", u.url, u.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop closes the UI's listener and connections and waits for its serve
// loop to end.
func (u *webUI) stop() error {
	u.srv.Stop()
	select {
	case <-u.done:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("UI at %s did not stop within 10s", u.url)
	}
	if u.err != nil {
		return fmt.Errorf("UI server: %w", u.err)
	}
	return nil
}
