package molliesandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// webhookTimeout bounds one webhook attempt.
const webhookTimeout = 15 * time.Second

// maxRetryDelay caps the exponential backoff between webhook attempts.
const maxRetryDelay = time.Hour

// scheduleSettleLocked arranges for rf to become "refunded" after
// Options.RefundSettleAfter, after which the payment's webhook is called. The
// caller holds s.mu.
func (s *Server) scheduleSettleLocked(p *payment, rf *refund) {
	d := s.opts.RefundSettleAfter
	if d < 0 {
		return
	}
	paymentID, refundID := p.id, rf.id
	ok := s.spawnLocked(func(ctx context.Context) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		hook, settled := s.settle(paymentID, refundID)
		if settled {
			s.persist()
		}
		if settled && hook != "" {
			s.deliver(ctx, paymentID, hook, 1)
		}
	})
	if !ok {
		s.log.Warn("mollie sandbox: closed, refund stays pending", "payment", paymentID, "refund", refundID)
	}
}

// settle marks a pending refund as refunded and returns the payment's webhook
// URL; ok is false when there was nothing to settle.
func (s *Server) settle(paymentID, refundID string) (hook string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentID]
	if p == nil {
		return "", false
	}
	for _, rf := range p.refunds {
		if rf.id == refundID && rf.status == RefundPending {
			t := now()
			rf.status = RefundRefunded
			rf.refundedAt = &t
			s.gen++
			s.log.Info("mollie sandbox: refund settled", "payment", paymentID, "refund", refundID)
			return p.webhookURL, true
		}
	}
	return "", false
}

// notify calls the webhook of a payment whose status changed: the first
// attempt now, bounded by ctx, the retries in the background.
func (s *Server) notify(ctx context.Context, paymentID, hook string) {
	if hook == "" {
		return
	}
	if s.attempt(ctx, paymentID, hook, 1) == nil {
		return
	}
	if s.opts.WebhookAttempts < 2 {
		s.log.Error("mollie sandbox: webhook failed, giving up", "payment", paymentID, "url", hook, "attempts", 1)
		return
	}
	if !s.spawn(func(ctx context.Context) { s.deliver(ctx, paymentID, hook, 2) }) {
		s.log.Warn("mollie sandbox: closed, webhook not retried", "payment", paymentID, "url", hook)
	}
}

// deliver makes webhook attempts first..Options.WebhookAttempts until one
// succeeds, waiting with exponential backoff before each retry, like Mollie
// (whose schedule spans hours; the sandbox's is configurable).
func (s *Server) deliver(ctx context.Context, paymentID, hook string, first int) {
	for n := first; n <= s.opts.WebhookAttempts; n++ {
		if n > 1 {
			t := time.NewTimer(s.retryDelay(n))
			select {
			case <-ctx.Done():
				t.Stop()
				s.log.Warn("mollie sandbox: webhook retries stopped", "payment", paymentID, "url", hook, "reason", ctx.Err())
				return
			case <-t.C:
			}
		}
		if s.attempt(ctx, paymentID, hook, n) == nil {
			return
		}
	}
	s.log.Error("mollie sandbox: webhook failed, giving up", "payment", paymentID, "url", hook,
		"attempts", s.opts.WebhookAttempts)
}

// retryDelay is the wait before attempt n (n ≥ 2).
func (s *Server) retryDelay(n int) time.Duration {
	d := s.opts.WebhookRetryDelay
	for i := 2; i < n && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

// attempt POSTs id=<paymentID>, form-encoded, to hook once. Any 2xx answer
// is a success. The attempt is recorded on the payment and logged.
func (s *Server) attempt(ctx context.Context, paymentID, hook string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	call := WebhookCall{At: now(), URL: hook, Attempt: n}
	err := s.post(ctx, paymentID, hook, &call)
	if err != nil {
		call.Error = err.Error()
	}
	s.record(paymentID, call)
	s.persist()
	if err != nil {
		s.log.Warn("mollie sandbox: webhook attempt failed", "payment", paymentID, "url", hook, "attempt", n, "err", err)
		return err
	}
	s.log.Info("mollie sandbox: webhook delivered", "payment", paymentID, "url", hook, "attempt", n, "status", call.StatusCode)
	return nil
}

// post performs one webhook request and fills call.StatusCode.
func (s *Server) post(ctx context.Context, paymentID, hook string, call *WebhookCall) error {
	body := url.Values{"id": {paymentID}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("building webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Mollie-Sandbox/1 (derma2go)")
	resp, err := s.hc.Do(req)
	if err != nil {
		return fmt.Errorf("calling webhook: %w", err)
	}
	defer func() {
		// Draining only keeps the connection reusable; the answer's
		// status has already been judged, so a read error changes nothing.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	call.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// record remembers a webhook attempt on its payment.
func (s *Server) record(paymentID string, call WebhookCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentID]
	if p == nil {
		return
	}
	p.webhooks = append(p.webhooks, call)
	s.gen++
	if len(p.webhooks) > maxWebhookLog {
		p.webhooks = append([]WebhookCall(nil), p.webhooks[len(p.webhooks)-maxWebhookLog:]...)
	}
}
