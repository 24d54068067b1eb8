package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"derma2go/cmd/chaos/mailcheck"
	"derma2go/payments"
	"derma2go/workflows"
)

// terminal statuses: nothing more happens to the consultation.
var terminal = []string{"completed", "cancelled", "expired", "payment_failed", "declined", "no_show"}

// settle waits until the workflow of every consultation the run created
// has closed (the review request, sent after REVIEW_DELAY, is the last
// step of most), or the run's bound ends.
func (r *runner) settle(ctx context.Context) {
	for _, c := range r.consults {
		if c.id == "" {
			continue
		}
		for ctx.Err() == nil {
			st, err := r.workflowStatus(ctx, c.id)
			if err == nil && st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				break
			}
			sleep(ctx, 500*time.Millisecond)
		}
	}
}

func (r *runner) workflowStatus(ctx context.Context, id string) (enums.WorkflowExecutionStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := r.in.platform.Temporal.DescribeWorkflowExecution(ctx, workflows.ConsultationWorkflowID(id), "")
	if err != nil {
		return 0, err
	}
	return res.GetWorkflowExecutionInfo().GetStatus(), nil
}

// check counts every violation: consultations lost or stuck, duplicate
// charges, refunds, invoices, credit notes and emails, and the invariants
// in PostgreSQL.
func (r *runner) check(ctx context.Context) []string {
	var v []string
	add := func(format string, args ...any) { v = append(v, fmt.Sprintf(format, args...)) }
	known := map[string]*consult{}
	for _, c := range r.consults {
		if c.id == "" {
			add("%s for doctor %d never created: %v", c.kind, c.doctor.index, c.err)
			continue
		}
		known[c.id] = c
		var status string
		if err := r.in.platform.Store.Pool.QueryRow(ctx, "SELECT status FROM consultations WHERE id = $1", c.id).Scan(&status); err != nil {
			add("%s: lost (not in PostgreSQL: %v)", c.label(), err)
			continue
		}
		if status != wantFinal[c.kind] {
			add("%s: stuck in %s, want %s (driver: %v)", c.label(), status, wantFinal[c.kind], c.err)
		} else if c.err != nil {
			add("%s: reached %s but its driver failed: %v", c.label(), status, c.err)
		}
		st, err := r.workflowStatus(ctx, c.id)
		switch {
		case err != nil:
			add("%s: workflow: %v", c.label(), err)
		case st != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
			add("%s: workflow %s, want completed", c.label(), st)
		}
	}

	// Consultations the run did not get an answer for (an instance died
	// while creating them): each must have ended, or be an unpaid hold
	// whose workflow still runs towards its expiry.
	rows, err := r.in.platform.Store.Pool.Query(ctx, "SELECT id::text, status, consultation_type FROM consultations")
	if err != nil {
		add("list consultations: %v", err)
	} else {
		for rows.Next() {
			var id, status, typ string
			if err := rows.Scan(&id, &status, &typ); err != nil {
				add("scan: %v", err)
				break
			}
			if known[id] != nil || slices.Contains(terminal, status) {
				continue
			}
			st, err := r.workflowStatus(ctx, id)
			if status == "awaiting_payment" && err == nil && st == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				r.abandoned++
				continue
			}
			add("unknown %s consultation %s: stuck in %s (workflow %v %v)", typ, id, status, st, err)
		}
		rows.Close()
	}

	// Workflows still running: each must belong to a consultation that is
	// an unpaid hold towards its expiry (counted above); one without its
	// consultation in PostgreSQL is an orphan nobody will ever finish.
	if open, err := r.openWorkflows(ctx); err != nil {
		add("list open workflows: %v", err)
	} else {
		for _, wid := range open {
			id, ok := strings.CutPrefix(wid, "consultation/")
			if !ok || known[id] != nil {
				continue
			}
			var status string
			err := r.in.platform.Store.Pool.QueryRow(ctx, "SELECT status FROM consultations WHERE id = $1", id).Scan(&status)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				add("workflow %s still running for a consultation that is not in PostgreSQL", wid)
			case err != nil:
				add("consultation of workflow %s: %v", wid, err)
			case status != "awaiting_payment":
				add("workflow %s still running, its consultation %s", wid, status)
			}
		}
	}

	// Money, counted in the sandbox.
	paid := map[string]int{}
	refunds := map[string][]int64{}
	for _, p := range r.in.mollie.Payments() {
		var meta struct {
			ConsultationID string `json:"consultation_id"`
		}
		if json.Unmarshal(p.Metadata, &meta) != nil || meta.ConsultationID == "" {
			continue
		}
		if p.PaidAt != nil {
			paid[meta.ConsultationID]++
		}
		for _, rf := range p.Refunds {
			cents, err := payments.ParseCents(rf.Amount.Value)
			if err != nil {
				add("refund %s of %s: amount %q: %v", rf.ID, p.ID, rf.Amount.Value, err)
			}
			refunds[meta.ConsultationID] = append(refunds[meta.ConsultationID], cents)
		}
	}
	for id, n := range paid {
		if n > 1 {
			add("consultation %s charged %d times", id, n)
		}
	}
	for _, c := range known {
		wantRefunds := 0
		if c.kind == kindCancellation {
			wantRefunds = 1
		}
		if n := len(refunds[c.id]); n != wantRefunds {
			add("%s: %d refunds %v, want %d", c.label(), n, refunds[c.id], wantRefunds)
		}
		if paid[c.id] != 1 {
			add("%s: paid %d times in the sandbox, want once", c.label(), paid[c.id])
		}
	}
	for id, rs := range refunds {
		if known[id] == nil {
			add("refunds %v of consultation %s the run did not make", rs, id)
		}
	}
	if fee, err := r.adminFees(ctx); err != nil {
		add("admin fees: %v", err)
	} else {
		for _, c := range known {
			if c.kind == kindCancellation && len(refunds[c.id]) == 1 && refunds[c.id][0] != int64(feeVideo)-fee[c.doctor.id] {
				add("%s: refunded %d cents, want %d (price minus admin fee)", c.label(), refunds[c.id][0], int64(feeVideo)-fee[c.doctor.id])
			}
		}
	}

	// Invoices and credit notes in PostgreSQL.
	for id := range paid {
		var n int
		if err := r.in.platform.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM invoices WHERE consultation_id = $1", id).Scan(&n); err != nil {
			add("invoices of %s: %v", id, err)
		} else if n != 1 {
			add("paid consultation %s has %d invoices, want 1", id, n)
		}
	}
	for _, c := range known {
		var n int
		if err := r.in.platform.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM credit_notes WHERE consultation_id = $1", c.id).Scan(&n); err != nil {
			add("credit notes of %s: %v", c.id, err)
		} else if n != len(refunds[c.id]) {
			add("%s: %d credit notes for %d refunds", c.label(), n, len(refunds[c.id]))
		}
	}
	for _, table := range []string{"invoices", "credit_notes"} {
		rows, err := r.in.platform.Store.Pool.Query(ctx, `SELECT doctor_id::text, count(*), min(number), max(number), count(DISTINCT number)
			FROM `+table+` GROUP BY doctor_id`)
		if err != nil {
			add("%s numbers: %v", table, err)
			continue
		}
		for rows.Next() {
			var doctor string
			var n, lo, hi, distinct int
			if err := rows.Scan(&doctor, &n, &lo, &hi, &distinct); err != nil {
				add("scan: %v", err)
				break
			}
			if lo != 1 || hi != n || distinct != n {
				add("%s of doctor %s: %d numbered %d..%d (%d distinct), want 1..%d without gaps", table, doctor, n, lo, hi, distinct, n)
			}
		}
		rows.Close()
	}
	var overlaps int
	if err := r.in.platform.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM consultations a JOIN consultations b
		ON a.doctor_id = b.doctor_id AND a.id < b.id AND a.slot && b.slot
		WHERE a.status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed')
		  AND b.status NOT IN ('cancelled', 'expired', 'declined', 'payment_failed')`).Scan(&overlaps); err != nil {
		add("overlaps: %v", err)
	} else if overlaps > 0 {
		add("%d pairs of overlapping bookings", overlaps)
	}

	// Emails, counted in the sink: the same mail (subject) to the same
	// address about the same consultation (or, for an operator alert, of
	// the same incident) twice under two Message-IDs is a duplicate. Twice
	// under one Message-ID is a retransmission, which sent_emails must
	// account for: every copy a send the worker recorded (an at-least-once
	// email whose earlier outcome was unknown; at-most-once ones never go
	// out again).
	msgs := r.in.mail.Messages()
	r.mails = len(msgs)
	dups, again := mailcheck.Duplicates(msgs)
	for _, d := range dups {
		add("duplicate email: %s", d)
	}
	// A killed part is an outage, answered 502/503 (retried); a 500 is a
	// failure the API did not recognise as one.
	r.st.mu.Lock()
	for route, n := range r.st.counts["HTTP 500"] {
		add("HTTP 500 ×%d on %s: an outage answered as a server error (want 503)", n, route)
	}
	r.st.mu.Unlock()
	r.retransmissions = again
	for _, re := range again {
		var sends int
		err := r.in.platform.Store.Pool.QueryRow(ctx,
			"SELECT sends FROM sent_emails WHERE message_id = $1", re.MessageID).Scan(&sends)
		switch {
		case err != nil:
			add("email caught %dx with Message-ID %s, no send of it recorded: %v (%s)", re.Copies, re.MessageID, err, re.Key)
		case sends < re.Copies:
			add("email caught %dx with Message-ID %s, %d send(s) recorded (%s)", re.Copies, re.MessageID, sends, re.Key)
		}
	}
	return v
}

// openWorkflows lists the ids of the workflows still running.
func (r *runner) openWorkflows(ctx context.Context) ([]string, error) {
	var ids []string
	var token []byte
	for {
		res, err := r.in.platform.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "ExecutionStatus = 'Running'", NextPageToken: token})
		if err != nil {
			return nil, err
		}
		for _, e := range res.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if token = res.GetNextPageToken(); len(token) == 0 {
			return ids, nil
		}
	}
}

// adminFees is each doctor's admin fee (kept by a cancellation's refund).
func (r *runner) adminFees(ctx context.Context) (map[string]int64, error) {
	rows, err := r.in.platform.Store.Pool.Query(ctx, "SELECT user_id::text, admin_fee_cents FROM doctors")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var fee int64
		if err := rows.Scan(&id, &fee); err != nil {
			return nil, err
		}
		out[id] = fee
	}
	return out, rows.Err()
}

// report prints the figures of the run and its violations.
func (r *runner) report(violations []string) {
	fmt.Println()
	fmt.Println("== chaos report")
	fmt.Printf("seed %d, bound %s, workload %s, settled %s after the workload\n", r.s.seed, r.s.duration,
		r.driveEnd.Sub(r.driveStart).Round(time.Second), r.settled.Sub(r.driveEnd).Round(time.Second))
	byKind := map[string][]time.Duration{}
	for _, k := range r.kills {
		byKind[k.kind] = append(byKind[k.kind], k.down)
	}
	fmt.Println("kills (kind: count, down min/median/max):")
	for _, kind := range []string{kindAPI, kindWorker, kindTemporal, kindPostgres} {
		ds := byKind[kind]
		if len(ds) == 0 {
			fmt.Printf("  %-9s 0\n", kind)
			continue
		}
		slices.Sort(ds)
		fmt.Printf("  %-9s %d, %.1fs / %.1fs / %.1fs\n", kind, len(ds), ds[0].Seconds(), ds[len(ds)/2].Seconds(), ds[len(ds)-1].Seconds())
	}
	fmt.Println("consultations (type: in its final state / driven):")
	for _, kind := range kinds {
		n, ok := 0, 0
		for _, c := range r.consults {
			if c.kind != kind {
				continue
			}
			n++
			c.mu.Lock()
			if c.status == wantFinal[kind] && c.err == nil {
				ok++
			}
			c.mu.Unlock()
		}
		fmt.Printf("  %-13s %d/%d %s\n", kind, ok, n, wantFinal[kind])
	}
	if len(r.kills) > 0 {
		last := r.kills[len(r.kills)-1]
		lastUp := r.driveStart.Add(last.at + last.down)
		var lastEnd time.Time
		for _, c := range r.consults {
			if c.ended.After(lastEnd) {
				lastEnd = c.ended
			}
		}
		fmt.Printf("last part back up at %.1fs; last consultation driven to its end at %.1fs\n",
			lastUp.Sub(r.driveStart).Seconds(), lastEnd.Sub(r.driveStart).Seconds())
	}
	fmt.Printf("unpaid holds of lost create answers, expiring: %d; emails caught: %d\n", r.abandoned, r.mails)
	if rows, err := r.in.platform.Store.CountEmailDeliveries(context.Background()); err == nil {
		var parts []string
		for _, row := range rows {
			parts = append(parts, fmt.Sprintf("%s×%d %d", row.State, row.Sends, row.N))
		}
		fmt.Printf("email deliveries (state×sends count; sending = outcome unknown, not sent again): %s\n", strings.Join(parts, ", "))
	}
	fmt.Printf("retransmissions (one message caught again under its Message-ID after an unknown outcome, each a recorded resend): %d\n", len(r.retransmissions))
	for _, re := range r.retransmissions {
		fmt.Printf("  %dx %s (%s)\n", re.Copies, re.MessageID, re.Key)
	}
	r.st.mu.Lock()
	for what, routes := range r.st.counts {
		var parts []string
		for route, n := range routes {
			parts = append(parts, fmt.Sprintf("%s %d", route, n))
		}
		sort.Strings(parts)
		fmt.Printf("clients met %s: %s\n", what, strings.Join(parts, ", "))
	}
	r.st.mu.Unlock()
	fmt.Printf("violations: %d\n", len(violations))
	for _, v := range violations {
		fmt.Println("  " + v)
	}
	if len(violations) == 0 {
		fmt.Println("PASS")
	} else {
		fmt.Println("FAIL")
	}
}
