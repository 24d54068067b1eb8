package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"derma2go/cmd/chaos/mailcheck"
	"derma2go/devstack/mailsink"
)

// Kinds of consultation the chaos run drives, with the status each must
// end in.
const (
	kindEmailAdvice  = "email_advice"
	kindVideo        = "video"
	kindInPerson     = "in_person"
	kindWalkIn       = "walk_in"
	kindCancellation = "cancellation"
)

var kinds = []string{kindEmailAdvice, kindVideo, kindInPerson, kindWalkIn, kindCancellation}

var wantFinal = map[string]string{
	kindEmailAdvice: "completed", kindVideo: "completed", kindInPerson: "completed",
	kindWalkIn: "completed", kindCancellation: "cancelled",
}

// Fees the run sets for its doctors (cents; 5-minute slots).
const (
	feeAdvice   = 3500
	feeVideo    = 6000
	feeInPerson = 9000
	feeWalkIn   = 4500
)

// doctor is one demo doctor of the run, logged in.
type doctor struct {
	index int
	id    string
	c     *client
	// session serialises the doctor's sessions: one patient at a time.
	session sync.Mutex
	// booking serialises picking a free slot and booking it.
	booking sync.Mutex
	slots   []time.Time
}

// consult is one consultation the run drives to its end.
type consult struct {
	kind     string
	doctor   *doctor
	patient  *client // appointments: a registered patient; else a guest
	guest    string  // guest email
	key      string  // Idempotency-Key of the create
	slot     time.Time
	id       string
	access   string
	checkout string

	mu      sync.Mutex
	status  string
	err     error
	created time.Time
	ended   time.Time
}

func (c *consult) label() string {
	return fmt.Sprintf("%s %s (doctor %d)", c.kind, c.id, c.doctor.index)
}

// driver runs the consultations through the public API.
type driver struct {
	in   *infra
	st   *stats
	base string
}

// view reads the consultation as its patient or guest sees it.
func (d *driver) view(ctx context.Context, c *consult) (map[string]any, error) {
	cl, path := c.patient, "/v1/consultations/"+c.id
	if cl == nil {
		cl = &client{base: d.base, source: newSource(), st: d.st}
		path += "?access=" + url.QueryEscape(c.access)
	}
	r, err := cl.expect(ctx, "GET", path, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := r.decode(&v); err != nil {
		return nil, err
	}
	s, _ := v["status"].(string)
	c.mu.Lock()
	c.status = s
	c.mu.Unlock()
	return v, nil
}

func (d *driver) status(ctx context.Context, c *consult) (string, error) {
	v, err := d.view(ctx, c)
	if err != nil {
		return "", err
	}
	s, _ := v["status"].(string)
	return s, nil
}

// until repeats act until the consultation's status is one of want: an
// action whose answer was lost (the instance died) is sent again, and the
// workflow refuses what is already done (409), which is fine here. Every
// status read goes through the API, never around it.
func (d *driver) until(ctx context.Context, c *consult, step string, want []string, act func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		s, err := d.status(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", c.label(), step, err)
		}
		if slices.Contains(want, s) {
			return nil
		}
		if act != nil && attempt%10 == 0 {
			if err := act(ctx); err != nil {
				return fmt.Errorf("%s: %s: %w", c.label(), step, err)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %s: status %q, want %v: %w", c.label(), step, s, want, ctx.Err())
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// firstFreeSlot is the doctor's first free slot of the type from now.
func (d *driver) firstFreeSlot(ctx context.Context, doc *doctor, typ string) (time.Time, error) {
	r, err := d.guestClient().expect(ctx, "GET", "/v1/doctors/"+doc.id+"/slots?type="+typ+"&from="+
		url.QueryEscape(time.Now().UTC().Format(time.RFC3339)), nil, http.StatusOK)
	if err != nil {
		return time.Time{}, err
	}
	var page struct {
		Items []struct {
			Start time.Time `json:"start"`
		} `json:"items"`
	}
	if err := r.decode(&page); err != nil {
		return time.Time{}, err
	}
	if len(page.Items) == 0 {
		return time.Time{}, fmt.Errorf("doctor %d has no free %s slot", doc.index, typ)
	}
	return page.Items[0].Start, nil
}

// create books the consultation with an Idempotency-Key, sent again with
// the same key (and the same body) until it is answered. A video or
// in-person booking takes the doctor's first free slot, picked once.
func (d *driver) create(ctx context.Context, c *consult) error {
	if (c.kind == kindVideo || c.kind == kindInPerson) && c.slot.IsZero() {
		c.doctor.booking.Lock()
		defer c.doctor.booking.Unlock()
		slot, err := d.firstFreeSlot(ctx, c.doctor, c.kind)
		if err != nil {
			return err
		}
		c.slot = slot
	}
	body := map[string]any{"type": c.kind, "doctor_id": c.doctor.id}
	switch c.kind {
	case kindEmailAdvice:
		body["form"], body["guest_email"], body["language"] = "short", c.guest, "en"
	case kindWalkIn:
		body["guest_email"], body["language"] = c.guest, "en"
	case kindCancellation:
		body["type"] = kindVideo
		body["slot_start"] = c.slot.Format(time.RFC3339)
	default:
		body["slot_start"] = c.slot.Format(time.RFC3339)
	}
	cl := c.patient
	if cl == nil {
		cl = &client{base: d.base, source: newSource(), st: d.st}
	}
	for {
		r, err := cl.do(ctx, "POST", "/v1/consultations", body, map[string]string{"Idempotency-Key": c.key})
		if err != nil {
			return fmt.Errorf("create %s: %w", c.kind, err)
		}
		if r.status == http.StatusConflict && strings.Contains(string(r.body), "idempotency-key-in-use") {
			sleep(ctx, time.Second)
			continue
		}
		if r.status != http.StatusCreated {
			return fmt.Errorf("create %s for doctor %d: %d %s", c.kind, c.doctor.index, r.status, r.body)
		}
		var out struct {
			ID          string `json:"id"`
			CheckoutURL string `json:"checkout_url"`
			AccessToken string `json:"access_token"`
		}
		if err := r.decode(&out); err != nil {
			return err
		}
		c.id, c.checkout, c.access = out.ID, out.CheckoutURL, out.AccessToken
		c.created = time.Now()
		return nil
	}
}

// pay presses "paid" on the sandbox's checkout page until the consultation
// leaves awaiting_payment.
func (d *driver) pay(ctx context.Context, c *consult, checkout string, next ...string) error {
	return d.until(ctx, c, "pay", next, func(ctx context.Context) error {
		code, err := postForm(ctx, checkout, url.Values{"status": {"paid"}})
		if err != nil {
			return err
		}
		if code != http.StatusSeeOther && code != http.StatusConflict {
			return fmt.Errorf("checkout → %d", code)
		}
		return nil
	})
}

// act is an action that must be answered with one of ok (409: done
// already, or not yet possible; the status loop decides).
func act(cl *client, method, path string, body any, ok ...int) func(context.Context) error {
	return func(ctx context.Context) error {
		r, err := cl.do(ctx, method, path, body, nil)
		if err != nil {
			return err
		}
		if r.status == http.StatusConflict || slices.Contains(ok, r.status) {
			return nil
		}
		return fmt.Errorf("%s %s → %d: %s", method, path, r.status, r.body)
	}
}

func (d *driver) guestClient() *client { return &client{base: d.base, source: newSource(), st: d.st} }

func (c *consult) guestPath(suffix string) string {
	return "/v1/consultations/" + c.id + suffix + "?access=" + url.QueryEscape(c.access)
}

// runEmailAdvice: a guest books, pays, fills in the form; the doctor
// answers: completed.
func (d *driver) runEmailAdvice(ctx context.Context, c *consult) error {
	if err := d.create(ctx, c); err != nil {
		return err
	}
	if err := d.pay(ctx, c, c.checkout, "awaiting_intake", "awaiting_advice", "answered", "completed"); err != nil {
		return err
	}
	intake := map[string]any{"answers": map[string]any{
		"complaint": "A red, scaly patch on my elbow for two months",
		"location":  "left elbow", "duration": "months", "question": "Is this psoriasis and what can I do?",
	}, "patient_name": "Chaos Gast", "birth_date": "1984-02-29"}
	if err := d.until(ctx, c, "intake", []string{"awaiting_advice", "answered", "completed"},
		act(d.guestClient(), "POST", c.guestPath("/intake"), intake, http.StatusAccepted)); err != nil {
		return err
	}
	advice := map[string]any{"text": "This looks like mild plaque psoriasis. Use a greasy emollient twice daily and see your GP if it spreads."}
	return d.until(ctx, c, "advice", []string{"completed"},
		act(c.doctor.c, "POST", "/v1/doctor/consultations/"+c.id+"/advice", advice, http.StatusAccepted))
}

// runVideo: a patient books a slot starting within minutes and pays,
// checks in; the doctor starts and ends the session: completed.
func (d *driver) runVideo(ctx context.Context, c *consult) error {
	if err := d.create(ctx, c); err != nil {
		return err
	}
	if err := d.pay(ctx, c, c.checkout, "scheduled", "waiting", "in_session", "completed"); err != nil {
		return err
	}
	if err := d.until(ctx, c, "check in", []string{"waiting", "in_session", "completed"},
		act(c.patient, "POST", "/v1/consultations/"+c.id+"/checkin", nil, http.StatusOK)); err != nil {
		return err
	}
	c.doctor.session.Lock()
	defer c.doctor.session.Unlock()
	if err := d.until(ctx, c, "start", []string{"in_session", "completed"},
		act(c.doctor.c, "POST", "/v1/doctor/consultations/"+c.id+"/start", nil, http.StatusOK)); err != nil {
		return err
	}
	return d.until(ctx, c, "end", []string{"completed"},
		act(c.doctor.c, "POST", "/v1/doctor/consultations/"+c.id+"/end", nil, http.StatusOK))
}

// runInPerson: a patient books (nothing paid at booking); the doctor marks
// the visit attended, the invoice mail carries a payment link, the patient
// pays through it: completed and paid.
func (d *driver) runInPerson(ctx context.Context, c *consult) error {
	if err := d.create(ctx, c); err != nil {
		return err
	}
	if err := d.until(ctx, c, "scheduled", []string{"scheduled", "completed"}, nil); err != nil {
		return err
	}
	if err := d.until(ctx, c, "attended", []string{"completed"},
		act(c.doctor.c, "POST", "/v1/doctor/consultations/"+c.id+"/attended", nil, http.StatusOK)); err != nil {
		return err
	}
	link, err := d.invoiceLink(ctx, c.id)
	if err != nil {
		return fmt.Errorf("%s: %w", c.label(), err)
	}
	for {
		v, err := d.view(ctx, c)
		if err != nil {
			return err
		}
		if v["paid_at"] != nil {
			return nil
		}
		if _, err := postForm(ctx, link, url.Values{"status": {"paid"}}); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: invoice not paid: %w", c.label(), ctx.Err())
		case <-time.After(3 * time.Second):
		}
	}
}

// invoiceLink waits for the invoice mail of a consultation and returns the
// payment link in it.
func (d *driver) invoiceLink(ctx context.Context, id string) (string, error) {
	m, err := d.in.mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return mailcheck.Consultation(m) == id && strings.Contains(m.Text, d.in.mollieURL+"/checkout/")
	})
	if err != nil {
		return "", fmt.Errorf("no invoice mail with a payment link: %w", err)
	}
	for _, line := range strings.Split(m.Text, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, d.in.mollieURL+"/checkout/") {
			return l, nil
		}
	}
	return "", errors.New("invoice mail without a payment link")
}

// runCancellation: a patient books a video slot more than 24 h ahead, pays,
// asks to cancel; the doctor confirms: cancelled, the price minus the
// admin fee refunded once.
func (d *driver) runCancellation(ctx context.Context, c *consult) error {
	if err := d.create(ctx, c); err != nil {
		return err
	}
	if err := d.pay(ctx, c, c.checkout, "scheduled", "cancellation_requested", "cancelled"); err != nil {
		return err
	}
	if err := d.until(ctx, c, "request cancellation", []string{"cancellation_requested", "cancelled"},
		act(c.patient, "POST", "/v1/consultations/"+c.id+"/cancellation", map[string]any{"reason": "schedule_conflict"}, http.StatusOK)); err != nil {
		return err
	}
	return d.until(ctx, c, "confirm", []string{"cancelled"},
		act(c.doctor.c, "POST", "/v1/doctor/consultations/"+c.id+"/cancellation/confirm", nil, http.StatusOK))
}

// joinWalkIn: a guest joins a doctor's walk-in queue and pays: queued.
func (d *driver) joinWalkIn(ctx context.Context, c *consult) error {
	if err := d.create(ctx, c); err != nil {
		return err
	}
	return d.pay(ctx, c, c.checkout, "queued", "called", "in_session", "completed")
}

// runWalkInDoctor sees the doctor's walk-in patients one after the other:
// call the next, the called guest answers, end the session; until each of
// mine is completed. The doctor's queue is read through the API.
func (d *driver) runWalkInDoctor(ctx context.Context, doc *doctor, mine []*consult) error {
	byID := map[string]*consult{}
	for {
		for _, c := range mine {
			if c.id != "" {
				byID[c.id] = c
			}
		}
		open := 0
		for _, c := range mine {
			c.mu.Lock()
			done := c.status == "completed" || c.err != nil
			c.mu.Unlock()
			if !done {
				open++
			}
		}
		if open == 0 {
			return nil
		}
		r, err := doc.c.expect(ctx, "GET", "/v1/doctor/walk-in", nil, http.StatusOK)
		if err != nil {
			return fmt.Errorf("walk-in doctor %d: %w", doc.index, err)
		}
		var q struct {
			Waiting []struct {
				ConsultationID string `json:"consultation_id"`
			} `json:"waiting"`
			Called *struct {
				ConsultationID string `json:"consultation_id"`
			} `json:"called"`
			InSession *struct {
				ConsultationID string `json:"consultation_id"`
			} `json:"in_session"`
		}
		if err := r.decode(&q); err != nil {
			return err
		}
		switch {
		case q.InSession != nil:
			err = act(doc.c, "POST", "/v1/doctor/consultations/"+q.InSession.ConsultationID+"/end", nil, http.StatusOK)(ctx)
		case q.Called != nil:
			c := byID[q.Called.ConsultationID]
			if c == nil {
				return fmt.Errorf("walk-in doctor %d called %s, not one of the run's", doc.index, q.Called.ConsultationID)
			}
			err = act(d.guestClient(), "POST", c.guestPath("/walk-in/answer"), nil, http.StatusOK)(ctx)
		case len(q.Waiting) > 0:
			err = act(doc.c, "POST", "/v1/doctor/walk-in/call-next", nil, http.StatusOK)(ctx)
		}
		if err != nil {
			return fmt.Errorf("walk-in doctor %d: %w", doc.index, err)
		}
		// Refresh the statuses of mine that are not done.
		for _, c := range mine {
			c.mu.Lock()
			skip := c.id == "" || c.status == "completed" || c.err != nil
			c.mu.Unlock()
			if !skip && q.InSession != nil && q.InSession.ConsultationID == c.id {
				_, _ = d.status(ctx, c)
			}
		}
		if len(q.Waiting) == 0 && q.Called == nil && q.InSession == nil {
			for _, c := range mine {
				c.mu.Lock()
				skip := c.id == "" || c.status == "completed" || c.err != nil
				c.mu.Unlock()
				if !skip {
					_, _ = d.status(ctx, c)
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("walk-in doctor %d: %d not completed: %w", doc.index, open, ctx.Err())
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// newKey is a fresh Idempotency-Key.
func newKey() string { return uuid.NewString() }
