package devstack

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"derma2go/platform"
)

// perProcessVariables differ between the API and worker processes of one
// machine (their listeners and their search index); RunInfra leaves them out
// of the shared environment file.
var perProcessVariables = []string{
	"LISTEN_ADDR", "METRICS_ADDR", "SEARCH_DIR",
	"VIDEO_UDP_ADDR", "VIDEO_TCP_ADDR", "VIDEO_TURN_ADDR", "VIDEO_TURN_SECRET",
}

// InfraEnvFile is where RunInfra writes the shared environment, relative to
// its state directory.
const InfraEnvFile = "infra.env"

// RunInfra runs only the infrastructure of the dev stack (PostgreSQL,
// Temporal and its UI, the mail sink, the Mollie sandbox; migrated and
// seeded) until ctx ends, and writes the environment that `derma api` and
// `derma worker` processes need to <Dir>/infra.env, one KEY=value per line:
// the production topology on one machine (scripts/topology.sh).
func RunInfra(ctx context.Context, opts DevOptions) error {
	started := time.Now()
	logger := platform.NewDevLogger(os.Stderr, envOr("LOG_LEVEL", "warn"))
	s, err := Start(ctx, Options{
		Dir: opts.Dir, APIAddr: devAPIAddr, TemporalUIAddr: devUIAddr, MailAddr: devMailAddr, MollieAddr: devMollieAddr,
		MetricsAddr: "127.0.0.1:0", Logger: logger, Seed: true, InfraOnly: true,
	})
	if err != nil {
		return err
	}
	path := filepath.Join(opts.Dir, InfraEnvFile)
	if err := os.WriteFile(path, []byte(infraEnv(s.ProcessEnv)), 0o600); err != nil {
		return fmt.Errorf("devstack: %w (and stop: %v)", err, s.Stop())
	}
	fmt.Fprintf(opts.Out, `
Derma2Go infrastructure is running (ready in %s). Ctrl-C stops it.

  Temporal         %s (Web UI %s)
  Caught mail      %s
  Mollie sandbox   %s
  PostgreSQL       %s
  Environment      %s (for derma api and derma worker; PUBLIC_URL is %s)

`, time.Since(started).Round(10*time.Millisecond), s.Temporal.FrontendAddress(), s.Temporal.UIURL(), s.MailURL,
		s.MollieURL, s.PG.URL("derma"), path, s.ProcessEnv["PUBLIC_URL"])
	<-ctx.Done()
	_ = os.Remove(path)
	return s.Stop()
}

// infraEnv renders the shared part of env as KEY=value lines, sorted.
func infraEnv(env map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if slices.Contains(perProcessVariables, k) || env[k] == "" {
			continue
		}
		fmt.Fprintf(&b, "%s=%s\n", k, env[k])
	}
	return b.String()
}
