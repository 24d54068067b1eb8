package platform

import (
	"context"
	"fmt"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"derma2go/activities"
	"derma2go/waitlist"
	"derma2go/worker"
)

// Worker is a running Temporal worker of the consultation task queue.
type Worker struct {
	w sdkworker.Worker
	p *Platform
}

// NewWorker builds the worker with every workflow and activity registered.
func (p *Platform) NewWorker() (*Worker, error) {
	acts := &activities.Activities{
		Store: p.Store, Fields: p.Fields, Links: p.Links, Mail: p.Mail, Payments: p.Payments, Payouts: p.Payouts,
		PublicURL: p.Config.PublicURL, SupportEmail: p.Config.SupportEmail, MailFrom: p.Config.MailFrom, Logger: p.Logger,
		Temporal:  p.Temporal,
		Waitlist:  waitlist.Config{OfferWait: p.Config.WaitlistOfferWait, Cutoff: p.Config.WaitlistCutoff},
		Retention: p.Retention(),
	}
	return &Worker{w: worker.New(p.Temporal, acts, p.Config.Worker), p: p}, nil
}

// Start starts polling without blocking, and creates (or updates) the
// retention schedules; a schedule that cannot be made is logged, the
// worker runs all the same.
func (w *Worker) Start() error {
	if err := w.w.Start(); err != nil {
		return fmt.Errorf("platform: worker start: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	every := w.p.Config.Retention.Interval
	if every <= 0 {
		every = time.Hour
	}
	if err := EnsureRetentionSchedules(ctx, w.p.Temporal, every); err != nil {
		w.p.Logger.Error("retention schedules not created", "err", err)
	}
	return nil
}

// Stop stops polling and waits for running activities to finish.
func (w *Worker) Stop() { w.w.Stop() }

// Run runs the worker until ctx ends.
func Run(ctx context.Context, p *Platform) error {
	w, err := p.NewWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	p.Logger.Info("worker polling")
	var metricsErr error
	if p.Config.MetricsAddr != "off" {
		p.Logger.Info("metrics listening", "addr", p.Config.MetricsAddr)
		metricsErr = Serve(ctx, NewHTTPServer(p.Config.MetricsAddr, p.MetricsHandler(), p.Config.HTTP))
	} else {
		<-ctx.Done()
	}
	w.Stop()
	return metricsErr
}
