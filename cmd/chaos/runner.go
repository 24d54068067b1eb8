package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"derma2go/cmd/chaos/mailcheck"
	"derma2go/devstack/mailsink"
)

// runner is one chaos run: setup, workload, monkey, settling and checks.
type runner struct {
	s       settings
	in      *infra
	apis    []*proc
	workers []*proc
	rng     *rand.Rand
	st      *stats

	consults []*consult
	doctors  map[string][]*doctor
	kills    []killRecord

	driveStart, driveEnd, settled time.Time
	// abandoned counts unpaid holds of creates whose answer was lost;
	// mails counts the caught emails.
	abandoned, mails int
	// retransmissions are the emails caught more than once under one
	// Message-ID, each accounted for by sent_emails (check).
	retransmissions []mailcheck.Retransmission
}

// killRecord is one kill of the monkey.
type killRecord struct {
	kind, target string
	at           time.Duration // since the workload started
	down         time.Duration // kill until the part serves again
	err          error
}

// perDoctor is how many consultations of each kind one doctor takes.
var perDoctor = map[string]int{kindEmailAdvice: 4, kindVideo: 2, kindInPerson: 2, kindWalkIn: 4, kindCancellation: 4}

func (r *runner) run(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, r.s.duration)
	defer cancel()
	setupStart := time.Now()
	if err := r.setup(ctx); err != nil {
		return false, err
	}
	fmt.Printf("chaos: %d doctors and the patients set up in %s\n", r.doctorCount(), time.Since(setupStart).Round(time.Second))

	r.driveStart = time.Now()
	monkeyDone := make(chan struct{})
	go func() {
		defer close(monkeyDone)
		if !r.s.noKills {
			r.monkey(ctx)
		}
	}()
	r.drive(ctx)
	r.driveEnd = time.Now()
	<-monkeyDone
	fmt.Printf("chaos: workload driven in %s; %d kills\n", r.driveEnd.Sub(r.driveStart).Round(time.Second), len(r.kills))
	r.settle(ctx)
	r.settled = time.Now()
	v := r.check(context.WithoutCancel(ctx))
	r.report(v)
	return len(v) == 0, nil
}

func (r *runner) doctorCount() int {
	n := 0
	for _, ds := range r.doctors {
		n += len(ds)
	}
	return n
}

// setup logs the run's doctors in and gives them hours and fees, registers
// the patients, and plans every consultation (doctor, slot, guest).
func (r *runner) setup(ctx context.Context) error {
	base := r.in.publicURL
	r.doctors = map[string][]*doctor{}
	next := 0
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, kind := range kinds {
		n := (r.s.perType + perDoctor[kind] - 1) / perDoctor[kind]
		for range n {
			d := &doctor{index: next}
			next++
			r.doctors[kind] = append(r.doctors[kind], d)
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				if err := r.setupDoctor(ctx, base, kind, d); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("setup of %d doctors failed, first: %w", len(errs), errs[0])
	}

	booked := 3 * r.s.perType // video, in person, cancellation
	// Three bookings per patient at most: an in-person visit is unpaid until
	// after it, and MAX_UNPAID_BOOKINGS (3) caps them.
	patients := make([]*client, (booked+2)/3)
	for i := range patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := r.registerPatient(ctx, base, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			patients[i] = c
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("registration of %d patients failed, first: %w", len(errs), errs[0])
	}

	p := 0
	for _, kind := range kinds {
		for i := range r.s.perType {
			d := r.doctors[kind][i/perDoctor[kind]]
			c := &consult{kind: kind, doctor: d, key: newKey()}
			switch kind {
			case kindEmailAdvice, kindWalkIn:
				c.guest = fmt.Sprintf("chaos-%s-%d-%d@example.test", kind, i, time.Now().UnixNano())
			case kindCancellation:
				c.patient = patients[p%len(patients)]
				p++
				c.slot = d.slots[i%perDoctor[kind]]
			default:
				c.patient = patients[p%len(patients)]
				p++
			}
			r.consults = append(r.consults, c)
		}
	}
	r.rng.Shuffle(len(r.consults), func(i, j int) { r.consults[i], r.consults[j] = r.consults[j], r.consults[i] })
	return nil
}

func (r *runner) setupDoctor(ctx context.Context, base, kind string, d *doctor) error {
	c, id, err := loginDoctor(ctx, base, r.st, d.index)
	if err != nil {
		return fmt.Errorf("doctor %d: %w", d.index, err)
	}
	d.c, d.id = c, id
	allDay := func(typ string) []map[string]any {
		var rules []map[string]any
		for day := range 7 {
			rule := map[string]any{"weekday": day, "start": "00:00", "end": "24:00"}
			if typ != "" {
				rule["type"] = typ
			}
			rules = append(rules, rule)
		}
		return rules
	}
	fee := func(typ string, cents, minutes int) error {
		_, err := c.expect(ctx, "PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
			{"type": typ, "amount_cents": cents, "duration_minutes": minutes}}}, http.StatusOK)
		return err
	}
	slotsFrom := func(typ string, from time.Time, n int) error {
		r, err := c.expect(ctx, "GET", "/v1/doctors/"+id+"/slots?type="+typ+"&from="+url.QueryEscape(from.UTC().Format(time.RFC3339)), nil, http.StatusOK)
		if err != nil {
			return err
		}
		var page struct {
			Items []struct {
				Start time.Time `json:"start"`
			} `json:"items"`
		}
		if err := r.decode(&page); err != nil {
			return err
		}
		if len(page.Items) < n {
			return fmt.Errorf("doctor %d: %d %s slots, want %d", d.index, len(page.Items), typ, n)
		}
		for _, s := range page.Items[:n] {
			d.slots = append(d.slots, s.Start)
		}
		return nil
	}
	switch kind {
	case kindEmailAdvice:
		err = fee("email_advice", feeAdvice, 15)
	case kindVideo, kindCancellation:
		if _, err = c.expect(ctx, "PUT", "/v1/doctor/availability", map[string]any{"rules": allDay("video")}, http.StatusOK); err != nil {
			break
		}
		if err = fee("video", feeVideo, 5); err != nil {
			break
		}
		// A slot within minutes is picked when the booking is made; a
		// cancellation's slot is 30 h ahead.
		if kind == kindCancellation {
			err = slotsFrom("video", time.Now().Add(30*time.Hour), perDoctor[kind])
		}
	case kindInPerson:
		if _, err = c.expect(ctx, "PUT", "/v1/doctor/availability", map[string]any{"rules": allDay("in_person")}, http.StatusOK); err != nil {
			break
		}
		err = fee("in_person", feeInPerson, 5)
	case kindWalkIn:
		if _, err = c.expect(ctx, "PUT", "/v1/doctor/walk-in/hours", map[string]any{"rules": allDay("")}, http.StatusOK); err != nil {
			break
		}
		err = fee("walk_in", feeWalkIn, 10)
	}
	if err != nil {
		return fmt.Errorf("doctor %d (%s): %w", d.index, kind, err)
	}
	return nil
}

var verifyLink = regexp.MustCompile(`https?://[^\s"<>]+/verify-email\?token=([A-Za-z0-9_%-]+)`)

// registerPatient registers a patient through the API, confirms the
// address with the link from the caught mail and logs in.
func (r *runner) registerPatient(ctx context.Context, base string, i int) (*client, error) {
	c := &client{base: base, source: newSource(), st: r.st}
	email := fmt.Sprintf("chaos-patient-%d-%d@example.test", i, time.Now().UnixNano())
	const password = "chaos-patient-password-1"
	if _, err := c.expect(ctx, "POST", "/v1/auth/register", map[string]any{"email": email, "password": password, "name": "Chaos Patiënt"}, http.StatusAccepted); err != nil {
		return nil, err
	}
	m, err := r.in.mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return slices.ContainsFunc(m.To, func(to string) bool { return to == email || to == "<"+email+">" }) && verifyLink.MatchString(m.Text)
	})
	if err != nil {
		return nil, fmt.Errorf("no confirmation mail to %s: %w", email, err)
	}
	token, err := url.QueryUnescape(verifyLink.FindStringSubmatch(m.Text)[1])
	if err != nil {
		return nil, err
	}
	if _, err := c.expect(ctx, "POST", "/v1/auth/email/verify", map[string]any{"token": token}, http.StatusNoContent); err != nil {
		return nil, err
	}
	if _, err := c.login(ctx, email, password, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// drive runs every consultation to its end: the creations are spread over
// the first part of the run so that consultations are in every state when
// the monkey strikes; the walk-in doctors see their queues meanwhile.
func (r *runner) drive(ctx context.Context) {
	d := &driver{in: r.in, st: r.st, base: r.in.publicURL}
	spread := r.s.duration * 2 / 5
	if r.s.smoke {
		spread = 15 * time.Second
	}
	gap := spread / time.Duration(max(1, len(r.consults)))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 48)
	byDoctor := map[*doctor][]*consult{}
	for _, c := range r.consults {
		if c.kind == kindWalkIn {
			byDoctor[c.doctor] = append(byDoctor[c.doctor], c)
		}
	}
	for doc, mine := range byDoctor {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.runWalkInDoctor(ctx, doc, mine); err != nil {
				for _, c := range mine {
					c.mu.Lock()
					if c.status != "completed" && c.err == nil {
						c.err = err
					}
					c.mu.Unlock()
				}
			}
		}()
	}
	for _, c := range r.consults {
		sleep(ctx, gap)
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var err error
			switch c.kind {
			case kindEmailAdvice:
				err = d.runEmailAdvice(ctx, c)
			case kindVideo:
				err = d.runVideo(ctx, c)
			case kindInPerson:
				err = d.runInPerson(ctx, c)
			case kindCancellation:
				err = d.runCancellation(ctx, c)
			case kindWalkIn:
				err = d.joinWalkIn(ctx, c)
			}
			c.mu.Lock()
			if err != nil && c.err == nil {
				c.err = err
			}
			if c.kind != kindWalkIn {
				c.ended = time.Now()
			}
			c.mu.Unlock()
		}()
	}
	wg.Wait()
}

// monkey kills every kind of part killsPerKind times, in random order at
// random moments of the first half of the run, and starts each again
// after a random pause; it records how long each part was down.
func (r *runner) monkey(ctx context.Context) {
	var plan []string
	for range r.s.killsPerKind {
		plan = append(plan, kindAPI, kindWorker, kindTemporal, kindPostgres)
	}
	r.rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	window := r.s.duration / 2
	if r.s.smoke {
		window = 40 * time.Second
	}
	var at []time.Duration
	for range plan {
		at = append(at, time.Duration(r.rng.Int64N(int64(window))))
	}
	sort.Slice(at, func(i, j int) bool { return at[i] < at[j] })
	for i, kind := range plan {
		if wait := time.Until(r.driveStart.Add(at[i])); wait > 0 {
			sleep(ctx, wait)
		}
		if ctx.Err() != nil {
			return
		}
		pause := time.Duration(200+r.rng.IntN(2800)) * time.Millisecond
		rec := killRecord{kind: kind, at: time.Since(r.driveStart)}
		killed := time.Now()
		switch kind {
		case kindAPI, kindWorker:
			group := r.apis
			if kind == kindWorker {
				group = r.workers
			}
			p := group[r.rng.IntN(len(group))]
			rec.target = p.name
			p.kill()
			sleep(ctx, pause)
			rec.err = p.start(ctx)
		case kindTemporal:
			rec.target = "temporal"
			r.in.temporal.kill()
			sleep(ctx, pause)
			rec.err = r.in.temporal.start(ctx)
		case kindPostgres:
			rec.target = "postgres"
			if rec.err = r.in.pg.Kill(); rec.err == nil {
				sleep(ctx, pause)
				rec.err = r.in.pg.Restart(ctx)
			}
		}
		rec.down = time.Since(killed)
		fmt.Printf("chaos: %6.1fs kill -9 %-9s down %5.1fs%s\n", rec.at.Seconds(), rec.target, rec.down.Seconds(), errSuffix(rec.err))
		r.kills = append(r.kills, rec)
	}
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " error: " + err.Error()
}
