package devstack

import (
	"strings"
	"testing"

	"derma2go/config"
)

// The shared environment leaves out what each process sets for itself and
// is, with those added, a configuration the api and worker accept.
func TestInfraEnvIsACompleteProcessConfiguration(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL": "postgres://derma_app@127.0.0.1:5432/derma", "TEMPORAL_ADDRESS": "127.0.0.1:7233",
		"SMTP_URL": "smtp://127.0.0.1:2525", "MOLLIE_API_KEY": "test_x", "PUBLIC_URL": "http://127.0.0.1:8080",
		"DERMA_DATA_KEY": "k1:" + strings.Repeat("A", 43) + "=", "DERMA_LOOKUP_KEY": strings.Repeat("B", 43) + "=",
		"LISTEN_ADDR": "127.0.0.1:8080", "METRICS_ADDR": "127.0.0.1:9090", "SEARCH_DIR": "/tmp/s",
		"VIDEO_UDP_ADDR": "127.0.0.1:7882", "VIDEO_TURN_SECRET": "0123456789abcdef0", "TRUSTED_PROXIES": "",
	}
	lines := infraEnv(env)
	shared := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q", line)
		}
		shared[k] = v
	}
	for _, k := range perProcessVariables {
		if _, ok := shared[k]; ok {
			t.Errorf("%s is in the shared file", k)
		}
	}
	if _, ok := shared["TRUSTED_PROXIES"]; ok {
		t.Error("an empty variable is written")
	}
	shared["LISTEN_ADDR"], shared["METRICS_ADDR"] = "127.0.0.1:8081", "127.0.0.1:9091"
	if _, err := config.Parse(func(k string) (string, bool) { v, ok := shared[k]; return v, ok }); err != nil {
		t.Errorf("a process with the shared file: %v", err)
	}
}
