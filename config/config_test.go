package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func validEnv() map[string]string {
	return map[string]string{
		"DATABASE_URL":     "postgres://u@localhost:5432/derma",
		"SMTP_URL":         "smtp://localhost:25",
		"MOLLIE_API_KEY":   "test_abc",
		"PUBLIC_URL":       "https://api.derma2go.nl/",
		"DERMA_DATA_KEY":   "k1:" + strings.Repeat("A", 43) + "=",
		"DERMA_LOOKUP_KEY": strings.Repeat("B", 43) + "=",
	}
}

func parse(env map[string]string) (Config, error) {
	return Parse(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestParseDefaults(t *testing.T) {
	c, err := parse(validEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://api.derma2go.nl" || c.TemporalAddress != "localhost:7233" ||
		c.PaymentHold != 15*time.Minute || c.NoShowGrace != 10*time.Minute || c.ListenAddr != ":8080" || len(c.DataKeys) != 1 || len(c.LookupKey) != 32 ||
		c.WaitlistOfferWait != 30*time.Minute || c.WaitlistCutoff != time.Hour {
		t.Fatalf("config %+v", c)
	}
}

func TestParseNamesTheBadVariable(t *testing.T) {
	cases := map[string]struct{ key, value string }{
		"DATABASE_URL":             {"DATABASE_URL", ""},
		"SMTP_URL":                 {"SMTP_URL", "http://x:25"},
		"MOLLIE_API_KEY":           {"MOLLIE_API_KEY", "sk_live"},
		"PUBLIC_URL":               {"PUBLIC_URL", "not a url"},
		"DERMA_DATA_KEY":           {"DERMA_DATA_KEY", "k1:short"},
		"DERMA_LOOKUP_KEY":         {"DERMA_LOOKUP_KEY", "@@@"},
		"TEMPORAL_ADDRESS":         {"TEMPORAL_ADDRESS", "localhost"},
		"PAYMENT_HOLD":             {"PAYMENT_HOLD", "soon"},
		"NO_SHOW_GRACE":            {"NO_SHOW_GRACE", "-5m"},
		"LOG_LEVEL":                {"LOG_LEVEL", "loud"},
		"HTTP_WRITE_TIMEOUT":       {"HTTP_WRITE_TIMEOUT", "-1s"},
		"TEMPORAL_CALL_TIMEOUT":    {"TEMPORAL_CALL_TIMEOUT", "ten"},
		"PHOTO_DECODE_CONCURRENCY": {"PHOTO_DECODE_CONCURRENCY", "0"},
		"TRUSTED_PROXIES":          {"TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"},
		"MAX_UNPAID":               {"MAX_UNPAID_BOOKINGS", "0"},
		"WAITLIST_OFFER_WAIT":      {"WAITLIST_OFFER_WAIT", "half an hour"},
		"WAITLIST_CUTOFF":          {"WAITLIST_CUTOFF", "-1h"},
		"WORKER_WORKFLOW_POLLERS":  {"WORKER_WORKFLOW_POLLERS", "1"},
		"WORKER_ACTIVITY_POLLERS":  {"WORKER_ACTIVITY_POLLERS", "0"},
		"WORKER_MAX_ACTIVITIES":    {"WORKER_MAX_ACTIVITIES", "many"},
		"SMTP_POOL_SIZE":           {"SMTP_POOL_SIZE", "-1"},
		"WORKER_STICKY_TIMEOUT":    {"WORKER_STICKY_TIMEOUT", "soon"},
	}
	for want, c := range cases {
		env := validEnv()
		env[c.key] = c.value
		_, err := parse(env)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%q: err = %v, want one line naming %s", c.key, c.value, err, want)
		}
	}
}

func TestParseAbuseSettings(t *testing.T) {
	c, err := parse(validEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.TrustedProxies != nil || c.MetricsAddr != ":9090" || c.MaxUnpaidBookings != 3 {
		t.Fatalf("defaults: proxies %v, metrics %q, unpaid %d", c.TrustedProxies, c.MetricsAddr, c.MaxUnpaidBookings)
	}
	env := validEnv()
	env["TRUSTED_PROXIES"] = "10.0.0.0/8, 192.168.1.7 ,fd00::/8"
	env["METRICS_ADDR"] = "127.0.0.1:9100"
	env["MAX_UNPAID_BOOKINGS"] = "5"
	if c, err = parse(env); err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.TrustedProxies, "|") != "10.0.0.0/8|192.168.1.7|fd00::/8" || c.MetricsAddr != "127.0.0.1:9100" || c.MaxUnpaidBookings != 5 {
		t.Fatalf("parsed: proxies %v, metrics %q, unpaid %d", c.TrustedProxies, c.MetricsAddr, c.MaxUnpaidBookings)
	}
}

func TestParseDataKeys(t *testing.T) {
	k := strings.Repeat("A", 43) + "="
	keys, err := ParseDataKeys("new:" + k + ", old:" + k)
	if err != nil || len(keys) != 2 || keys[0].ID != "new" {
		t.Fatalf("keys %v, err %v", keys, err)
	}
	for _, bad := range []string{"nokey", ":" + k, "a:" + k + ",a:" + k, "waytoolongkeyidentifier:" + k} {
		if _, err := ParseDataKeys(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseTimeouts(t *testing.T) {
	c, err := parse(validEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP != DefaultHTTPTimeouts || c.TemporalCallTimeout != DefaultTemporalCallTimeout || c.PhotoDecodes != 2 {
		t.Fatalf("defaults %+v %s %d", c.HTTP, c.TemporalCallTimeout, c.PhotoDecodes)
	}
	env := validEnv()
	env["HTTP_READ_HEADER_TIMEOUT"], env["HTTP_READ_TIMEOUT"], env["HTTP_WRITE_TIMEOUT"], env["HTTP_IDLE_TIMEOUT"] = "1s", "2s", "3s", "4s"
	env["HTTP_HANDLER_TIMEOUT"] = "5s"
	env["TEMPORAL_CALL_TIMEOUT"], env["PHOTO_DECODE_CONCURRENCY"] = "1500ms", "4"
	if c, err = parse(env); err != nil {
		t.Fatal(err)
	}
	want := HTTPTimeouts{ReadHeader: time.Second, Read: 2 * time.Second, Write: 3 * time.Second, Idle: 4 * time.Second, Handler: 5 * time.Second}
	if c.HTTP != want || c.TemporalCallTimeout != 1500*time.Millisecond || c.PhotoDecodes != 4 {
		t.Fatalf("configured %+v %s %d", c.HTTP, c.TemporalCallTimeout, c.PhotoDecodes)
	}
}

func TestParseVideo(t *testing.T) {
	c, err := parse(validEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := Video{UDPAddr: ":7882", TCPAddr: ":7881", TokenTTL: 30 * time.Minute}
	if c.Video.UDPAddr != want.UDPAddr || c.Video.TCPAddr != want.TCPAddr || c.Video.TokenTTL != want.TokenTTL ||
		c.Video.TURNAddr != "" || len(c.Video.ICEServers) != 0 || len(c.Video.PublicIPs) != 0 {
		t.Fatalf("video defaults %+v", c.Video)
	}
	env := validEnv()
	env["VIDEO_UDP_ADDR"], env["VIDEO_TCP_ADDR"] = "0.0.0.0:9000", "off"
	env["VIDEO_PUBLIC_IPS"] = "203.0.113.5, 2001:db8::5"
	env["VIDEO_ICE_SERVERS"] = "stun:stun.example.org:3478,turns:turn.example.org:443?transport=tcp"
	env["VIDEO_TURN_ADDR"], env["VIDEO_TURN_SECRET"] = ":3478", "a-secret-of-some-length"
	env["VIDEO_TOKEN_TTL"] = "10m"
	if c, err = parse(env); err != nil {
		t.Fatal(err)
	}
	v := c.Video
	if v.UDPAddr != "0.0.0.0:9000" || v.TCPAddr != "" || len(v.PublicIPs) != 2 || v.PublicIPs[1] != "2001:db8::5" ||
		len(v.ICEServers) != 2 || v.TURNAddr != ":3478" || v.TURNSecret != "a-secret-of-some-length" || v.TokenTTL != 10*time.Minute {
		t.Fatalf("video %+v", v)
	}

	bad := map[string]map[string]string{
		"VIDEO_UDP_ADDR":    {"VIDEO_UDP_ADDR": "7882"},
		"VIDEO_TCP_ADDR":    {"VIDEO_TCP_ADDR": "host.example:99999"},
		"VIDEO_PUBLIC_IPS":  {"VIDEO_PUBLIC_IPS": "203.0.113.5,example.org"},
		"VIDEO_ICE_SERVERS": {"VIDEO_ICE_SERVERS": "http://stun.example.org"},
		"VIDEO_TOKEN_TTL":   {"VIDEO_TOKEN_TTL": "0s"},
		// TURN needs a secret to sign its credentials with.
		"VIDEO_TURN_SECRET": {"VIDEO_TURN_ADDR": ":3478"},
	}
	for name, vars := range bad {
		env := validEnv()
		for k, v := range vars {
			env[k] = v
		}
		if _, err := parse(env); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: err = %v, want one naming %s", vars, err, name)
		}
	}
	env = validEnv()
	env["VIDEO_ICE_SERVERS"] = "turn:turn.example.org:3478"
	if _, err := parse(env); err == nil || !strings.Contains(err.Error(), "VIDEO_TURN_SECRET") {
		t.Errorf("a turn: URL without a secret: err = %v", err)
	}
}

// Every variable the configuration reads is a row of the README's
// Configuration table, so a new setting cannot ship undocumented.
func TestEveryVariableIsInTheReadme(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := Variables()
	if len(names) < 30 {
		t.Fatalf("Variables() found %d names: %v", len(names), names)
	}
	for _, name := range names {
		if !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("%s is read by the configuration but has no row in the README's Configuration table", name)
		}
	}
}

func TestParseTemporalUIOrigin(t *testing.T) {
	env := validEnv()
	if c, err := parse(env); err != nil || c.TemporalUIOrigin != "" {
		t.Fatalf("unset: %q, %v", c.TemporalUIOrigin, err)
	}
	for in, want := range map[string]string{
		"https://Temporal.Derma2Go.nl": "https://temporal.derma2go.nl",
		"http://127.0.0.1:8233/":       "http://127.0.0.1:8233",
	} {
		env["TEMPORAL_UI_ORIGIN"] = in
		if c, err := parse(env); err != nil || c.TemporalUIOrigin != want {
			t.Errorf("%s: %q, %v; want %q", in, c.TemporalUIOrigin, err, want)
		}
	}
	for _, bad := range []string{"temporal.derma2go.nl", "https://temporal.derma2go.nl/ui", "ftp://x", "https://u:p@x", "*"} {
		env["TEMPORAL_UI_ORIGIN"] = bad
		if _, err := parse(env); err == nil || !strings.Contains(err.Error(), "TEMPORAL_UI_ORIGIN") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

// The worker's size and the SMTP pool: the defaults and each variable.
func TestParseWorkerSize(t *testing.T) {
	c, err := parse(validEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.Worker != (Worker{WorkflowPollers: 2, ActivityPollers: 2, MaxActivities: 1000, StickyTimeout: 30 * time.Second, WorkflowCache: 10000}) || c.SMTPPoolSize != 4 {
		t.Fatalf("default worker %+v, SMTP pool %d", c.Worker, c.SMTPPoolSize)
	}
	env := validEnv()
	env["WORKER_WORKFLOW_POLLERS"] = "2"
	env["WORKER_ACTIVITY_POLLERS"] = "16"
	env["WORKER_MAX_ACTIVITIES"] = "50"
	env["SMTP_POOL_SIZE"] = "0"
	env["WORKER_STICKY_TIMEOUT"] = "5s"
	env["WORKER_WORKFLOW_CACHE"] = "2000"
	if c, err = parse(env); err != nil {
		t.Fatal(err)
	}
	if c.Worker != (Worker{WorkflowPollers: 2, ActivityPollers: 16, MaxActivities: 50, StickyTimeout: 5 * time.Second, WorkflowCache: 2000}) || c.SMTPPoolSize != 0 {
		t.Fatalf("worker %+v, SMTP pool %d", c.Worker, c.SMTPPoolSize)
	}
}
