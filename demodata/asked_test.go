package demodata

import (
	"errors"
	"strings"
	"testing"
)

// TestSeedRefusesDemoAccountsUnlessAsked: `derma seed` (which calls Asked
// before it touches the database) writes the demo accounts, whose passwords
// are public, only on an explicit request.
func TestSeedRefusesDemoAccountsUnlessAsked(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "SEED_DEMO_ACCOUNTS" {
				return v
			}
			return ""
		}
	}
	if err := Asked(nil, env("")); !errors.Is(err, ErrNotAsked) {
		t.Fatalf("derma seed: %v, want the refusal", err)
	}
	if err := Asked(nil, env("1")); !errors.Is(err, ErrNotAsked) {
		t.Fatalf("SEED_DEMO_ACCOUNTS=1: %v, want the refusal (only yes counts)", err)
	}
	if err := Asked([]string{"--force"}, env("yes")); err == nil || !strings.Contains(err.Error(), "--demo-accounts") {
		t.Fatalf("derma seed --force: %v", err)
	}
	if err := Asked([]string{"--demo-accounts"}, env("")); err != nil {
		t.Fatalf("derma seed --demo-accounts: %v", err)
	}
	if err := Asked(nil, env("yes")); err != nil {
		t.Fatalf("SEED_DEMO_ACCOUNTS=yes: %v", err)
	}
}
