package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// balancer is the load balancer in front of the API processes, as in
// production: requests go round robin to the instances, and one that
// refuses the connection (killed, restarting) is skipped. A request an
// instance accepted and then lost (killed while answering) is not sent
// again: its client sees the error, as behind a real balancer.
type balancer struct {
	mu       sync.RWMutex
	backends []string
	next     atomic.Uint64
	tr       http.RoundTripper
}

func (b *balancer) set(backends []string) {
	b.mu.Lock()
	b.backends = backends
	b.mu.Unlock()
}

var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Te", "Trailer"}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.RLock()
	backends := b.backends
	b.mu.RUnlock()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "balancer: "+err.Error(), http.StatusBadRequest)
		return
	}
	tr := b.tr
	if tr == nil {
		tr = http.DefaultTransport
	}
	start := b.next.Add(1)
	// Every instance refusing: wait a little for one to come back, as a
	// balancer's health check would keep the request queued.
	deadline := time.Now().Add(20 * time.Second)
	for {
		for i := range backends {
			target := backends[(int(start)+i)%len(backends)]
			out := r.Clone(r.Context())
			out.RequestURI = ""
			out.URL.Scheme, out.URL.Host = "http", target
			out.Host = r.Host
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.ContentLength = int64(len(body))
			for _, h := range hopHeaders {
				out.Header.Del(h)
			}
			res, err := tr.RoundTrip(out)
			if err != nil {
				if refused(err) {
					continue
				}
				if errors.Is(err, context.Canceled) {
					return
				}
				http.Error(w, "balancer: "+err.Error(), http.StatusBadGateway)
				return
			}
			for _, h := range hopHeaders {
				res.Header.Del(h)
			}
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			_, _ = io.Copy(w, res.Body)
			res.Body.Close()
			return
		}
		if time.Now().After(deadline) || len(backends) == 0 {
			http.Error(w, "balancer: no API instance answers", http.StatusServiceUnavailable)
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// refused reports whether err means the request never reached an instance.
func refused(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial")
}
