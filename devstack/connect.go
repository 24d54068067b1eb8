package devstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"derma2go/db"
	"derma2go/payments/molliesandbox"
	"derma2go/payouts"
)

// Mollie Connect of the development stack: the platform's OAuth app is
// registered with the sandbox, and every doctor is connected to a sandbox
// account of their own through the consent page, as a doctor would click
// through it, so the demo doctors are bookable for consultations paid
// online.
const (
	devConnectClientID     = "app_derma2goDevSandbox"
	devConnectClientSecret = "derma2go-dev-sandbox-oauth-secret"
	// DevApplicationFeeCents is the platform's fee on every connected
	// payment in the development stack.
	DevApplicationFeeCents = 150
)

// connectWorkers is how many doctors ConnectDoctors connects at once.
const connectWorkers = 8

// ConnectDoctors connects every doctor who has no Mollie account yet to a
// sandbox account named after them ("Praktijk <name> <id>"), through the
// real flow: the payouts service starts it, the sandbox's consent page is
// clicked through, and the service completes it with the code. It returns
// how many it connected. Doctors connected before are left alone, so it is
// safe to run at every start.
func (s *Stack) ConnectDoctors(ctx context.Context) (int, error) {
	svc := s.Platform.Payouts
	if !svc.Enabled() {
		return 0, nil
	}
	todo, err := s.Platform.Store.DoctorsWithoutMollieConnection(ctx)
	if err != nil {
		return 0, fmt.Errorf("devstack: connect doctors: %w", err)
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	work := make(chan db.DoctorsWithoutMollieConnectionRow)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		done int
	)
	for range min(connectWorkers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				err := connectOne(ctx, svc, hc, d)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					done++
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range todo {
		work <- d
	}
	close(work)
	wg.Wait()
	return done, errors.Join(errs...)
}

// connectOne connects one doctor through the sandbox's consent page.
func connectOne(ctx context.Context, svc *payouts.Service, hc *http.Client, d db.DoctorsWithoutMollieConnectionRow) error {
	authorize, err := svc.Start(ctx, d.UserID)
	if err != nil {
		return err
	}
	back, err := molliesandbox.ClickThrough(ctx, hc, authorize, fmt.Sprintf("Praktijk %s %s", d.DisplayName, d.UserID.String()[:8]), true)
	if err != nil {
		return fmt.Errorf("devstack: connect doctor %s: %w", d.UserID, err)
	}
	q := back.Query()
	if _, err := svc.Complete(ctx, d.UserID, q.Get("state"), q.Get("code"), q.Get("error")); err != nil {
		return fmt.Errorf("devstack: connect doctor %s: %w", d.UserID, err)
	}
	return nil
}
