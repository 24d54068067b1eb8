package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `derma <command> --help` (and -h) prints the command's help and succeeds
// without running it; before, `derma dev --help` started the whole stack.
func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{
		{"dev", "--help"}, {"dev", "-h"}, {"api", "--help"}, {"worker", "-h"}, {"migrate", "--help"},
		{"seed", "-h"}, {"reindex", "--help"}, {"help", "dev"},
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
