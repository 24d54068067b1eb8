// Command sfubench is the SFU benchmark of `make bench`: it starts the SFU
// in a child process (itself, as `sfubench serve`), ramps 1:1 sessions of
// pion peers against it until the loss or the forwarding delay p99 passes
// its limit, and prints the steps as a Markdown table.
//
//	sfubench [-budget 150s] [-window 6s] [-steps 1,5,10,...] [-max-loss 0.01] [-max-p99 5ms]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"derma2go/video/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := loadgen.ServeFromEnv(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "sfubench serve:", err)
			os.Exit(1)
		}
		return
	}
	cfg := loadgen.DefaultConfig()
	steps := flag.String("steps", joinInts(cfg.Steps), "session counts tried, in order")
	flag.DurationVar(&cfg.Budget, "budget", cfg.Budget, "time bound of the ramp")
	flag.DurationVar(&cfg.Window, "window", cfg.Window, "measurement window per step")
	flag.DurationVar(&cfg.Settle, "settle", cfg.Settle, "wait before each window")
	flag.Float64Var(&cfg.MaxLoss, "max-loss", cfg.MaxLoss, "loss (fraction) that ends the ramp")
	flag.DurationVar(&cfg.MaxP99, "max-p99", cfg.MaxP99, "SFU forwarding delay p99 that ends the ramp")
	flag.BoolVar(&cfg.Interceptors, "interceptors", cfg.Interceptors, "peers send RTCP feedback (pion's default interceptors)")
	goal := flag.Float64("goal", 25, "sessions per core of SFU CPU to reach")
	procs := flag.Int("sfu-procs", 0, "GOMAXPROCS of the SFU process (0: the Go default, one per core)")
	flag.Parse()
	var err error
	if cfg.Steps, err = parseInts(*steps); err != nil {
		fmt.Fprintln(os.Stderr, "sfubench: -steps:", err)
		os.Exit(2)
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sfubench:", err)
		os.Exit(1)
	}
	cfg.SFU = []string{exe, "serve"}
	if *procs > 0 {
		cfg.Env = append(cfg.Env, fmt.Sprintf("GOMAXPROCS=%d", *procs))
	}
	cfg.Log = os.Stderr
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sfubench:", err)
		os.Exit(1)
	}
	fmt.Printf("SFU benchmark, %s (sfubench -budget %s -window %s)\n\n", time.Now().UTC().Format(time.RFC3339), cfg.Budget, cfg.Window)
	rep.WriteMarkdown(os.Stdout, *goal)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a session count", f)
		}
		out = append(out, n)
	}
	return out, nil
}
