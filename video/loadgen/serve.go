// Package loadgen is the SFU benchmark: it runs the SFU (package video) in
// a process of its own, so its CPU time can be read apart from the load
// generator's, and ramps up 1:1 sessions of real pion peers that send
// synthetic VP8 (~500 kbps) and Opus both ways, each packet marked with a
// sequence number and its send time so the receivers can count loss and
// delay. The ramp stops when the loss or the SFU's forwarding delay p99
// passes its limit.
package loadgen

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"derma2go/secure"
	"derma2go/video"
)

// KeyEnv is the environment variable that hands the room-token key (hex)
// to the SFU process.
const KeyEnv = "SFUBENCH_KEY"

// readyPrefix starts the line the SFU process prints once it listens,
// followed by its HTTP base URL.
const readyPrefix = "sfubench-sfu-listening"

// ServeConfig configures the SFU process.
type ServeConfig struct {
	// Key signs the room tokens (the load generator holds the same).
	Key []byte
	// HTTPAddr serves /ws (signalling), /metrics and /debug/pprof/.
	HTTPAddr string
	// UDPAddr is the SFU's ICE port.
	UDPAddr string
	// Ready receives the ready line.
	Ready io.Writer
}

// ServeFromEnv serves the SFU on free loopback ports with the key from
// KeyEnv, printing the ready line on stdout, until ctx ends.
func ServeFromEnv(ctx context.Context) error {
	key, err := hex.DecodeString(os.Getenv(KeyEnv))
	if err != nil || len(key) < 16 {
		return fmt.Errorf("loadgen: %s must hold a hex key of at least 16 bytes", KeyEnv)
	}
	return Serve(ctx, ServeConfig{Key: key, HTTPAddr: "127.0.0.1:0", UDPAddr: "127.0.0.1:0", Ready: os.Stdout})
}

// Serve runs an SFU whose every room is admitted (both sides receive each
// other from the start) until ctx ends.
func Serve(ctx context.Context, cfg ServeConfig) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	sfu, err := video.New(video.Options{
		UDPAddr:         cfg.UDPAddr,
		IncludeLoopback: true,
		Tokens:          video.NewTokens(secure.NewLinks(cfg.Key), nil),
		Admitted:        func(context.Context, uuid.UUID) bool { return true },
		Registry:        reg,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return err
	}
	defer func() { _ = sfu.Close() }()
	mux := http.NewServeMux()
	mux.Handle("/ws", sfu)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("loadgen: listen %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: mux}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if cfg.Ready != nil {
		fmt.Fprintf(cfg.Ready, "%s http://%s\n", readyPrefix, ln.Addr())
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("loadgen: serve: %w", err)
	}
	return nil
}
