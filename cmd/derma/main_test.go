package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// `derma <command> --help` (and -h) prints the command's help and succeeds
// without running it; before, `derma dev --help` started the whole stack.
func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{
		{"dev", "--help"}, {"dev", "-h"}, {"api", "--help"}, {"worker", "-h"}, {"migrate", "--help"},
		{"seed", "-h"}, {"reindex", "--help"}, {"infra", "--help"}, {"audit", "--help"}, {"totp", "--help"}, {"help", "dev"},
	} {
		var out bytes.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a command that ran anyway would stop at once
		if err := run(ctx, &out, args); err != nil {
			t.Errorf("derma %s: %v", strings.Join(args, " "), err)
		}
		if want := "Usage: derma " + args[len(args)-1]; args[0] == "help" && !strings.HasPrefix(out.String(), want) {
			t.Errorf("derma %s printed %q", strings.Join(args, " "), out.String())
		} else if args[0] != "help" && !strings.HasPrefix(out.String(), "Usage: derma "+args[0]) {
			t.Errorf("derma %s printed %q", strings.Join(args, " "), out.String())
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var out bytes.Buffer
		if err := run(context.Background(), &out, args); err != nil || !strings.Contains(out.String(), "Commands:") {
			t.Errorf("derma %s: %v, %q", args[0], err, out.String())
		}
	}
}

func TestCommandArgumentsRefused(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"dev", "--port=1"}); err == nil {
		t.Errorf("derma dev --port=1: no error")
	}
	if err := run(context.Background(), &out, []string{"nope"}); err == nil {
		t.Errorf("derma nope: no error")
	}
	if err := run(context.Background(), &out, nil); err == nil {
		t.Errorf("derma: no error")
	}
}

// `derma probe` is the health check of the distroless image: 2xx passes,
// anything else (or nothing listening) fails.
func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"probe", srv.URL + "/readyz"}); err != nil {
		t.Errorf("probe of a 200: %v", err)
	}
	if err := run(context.Background(), &out, []string{"probe", srv.URL + "/other"}); err == nil {
		t.Errorf("probe of a 503 passed")
	}
	srv.Close()
	if err := run(context.Background(), &out, []string{"probe", srv.URL + "/readyz"}); err == nil {
		t.Errorf("probe of a closed port passed")
	}
	if err := run(context.Background(), &out, []string{"probe"}); err == nil {
		t.Errorf("probe without a URL passed")
	}
}
