package db

import "testing"

// TestPoolSizeDefaultsAndFollowsTheURL: without pool_max_conns the pool
// has DefaultMaxConns connections (not pgx's one per CPU), and a
// pool_max_conns in DATABASE_URL wins.
func TestPoolSizeDefaultsAndFollowsTheURL(t *testing.T) {
	for url, want := range map[string]int32{
		"postgres://derma_app@127.0.0.1:5432/derma":                                  DefaultMaxConns,
		"postgres://derma_app@127.0.0.1:5432/derma?sslmode=disable":                  DefaultMaxConns,
		"postgres://derma_app@127.0.0.1:5432/derma?sslmode=disable&pool_max_conns=5": 5,
		"host=127.0.0.1 user=derma_app dbname=derma pool_max_conns=40":               40,
	} {
		cfg, err := poolConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxConns != want {
			t.Errorf("%s: %d connections, want %d", url, cfg.MaxConns, want)
		}
	}
}
