package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWebBudget measures the web client's budget in Debian's Chromium
// against the embedded stack (web/e2e/bench.mjs): the patient entry bundle
// gzipped (≤ 150 kB), home and search usable (≤ 1 s) and the search results
// following typing (p95 ≤ 150 ms after the last key, debounce and API
// included), each read against a static page with one search box loaded
// the same way in the same run (the machine's share of the figure). Run by
// `make bench` (-benchtime 1x); the figures are in docs/benchmarks.md.
func BenchmarkWebBudget(b *testing.B) {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		b.Skip("node is needed for the browser benchmark")
	}
	if _, err := os.Stat(filepath.Join(root, "web", "dist", "index.html")); err != nil {
		b.Skip("the web client is not built (make build)")
	}
	for range b.N {
		cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "bench.mjs"))
		cmd.Dir = filepath.Join(root, "web")
		cmd.Env = append(os.Environ(), "E2E_BASE_URL="+stack.APIURL, "CHROMIUM="+chromiumPath())
		out, err := cmd.CombinedOutput()
		b.Logf("%s", out)
		if err != nil {
			b.Fatalf("bench.mjs: %v", err)
		}
		_, line, ok := strings.Cut(string(out), "BENCH ")
		if !ok {
			b.Fatal("bench.mjs printed no BENCH line")
		}
		line, _, _ = strings.Cut(line, "\n")
		var f struct {
			JS     float64                    `json:"bundle_js_gzip_bytes"`
			CSS    float64                    `json:"bundle_css_gzip_bytes"`
			Static struct{ P50, P95 float64 } `json:"static_page_usable_ms"`
			Home   struct{ P50, P95 float64 } `json:"home_usable_ms"`
			Search struct{ P50, P95 float64 } `json:"search_usable_ms"`
			Update struct{ P50, P95 float64 } `json:"search_update_ms"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			b.Fatalf("BENCH %q: %v", line, err)
		}
		b.ReportMetric((f.JS+f.CSS)/1024, "entry-kB-gz")
		b.ReportMetric(f.Static.P95, "static-page-p95-ms")
		b.ReportMetric(f.Home.P95, "home-p95-ms")
		b.ReportMetric(f.Search.P95, "search-page-p95-ms")
		b.ReportMetric(f.Update.P50, "search-update-p50-ms")
		b.ReportMetric(f.Update.P95, "search-update-p95-ms")
		if f.JS+f.CSS > 150*1024 {
			b.Errorf("patient entry bundle %.1f kB gzipped, budget 150 kB", (f.JS+f.CSS)/1024)
		}
	}
}
