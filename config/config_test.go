package config

import (
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
		c.PaymentHold != 15*time.Minute || c.NoShowGrace != 10*time.Minute || c.ListenAddr != ":8080" || len(c.DataKeys) != 1 || len(c.LookupKey) != 32 {
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
