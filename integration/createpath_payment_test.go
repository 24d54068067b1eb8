package integration

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"derma2go/activities"
	"derma2go/db"
	"derma2go/secure"
	"derma2go/workflows"
)

// statementCounter is a pgx tracer that keeps every statement its pool
// sends (BEGIN and COMMIT included): one round trip each.
type statementCounter struct {
	mu   sync.Mutex
	sent []string
}

func (s *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, strings.Join(strings.Fields(data.SQL), " "))
	return ctx
}

func (s *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements sent since the last take.
func (s *statementCounter) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sent
	s.sent = nil
	return out
}

// TestCreatePaymentTakesThreeRoundTrips: the create path's CreatePayment,
// which runs inside the first workflow task before the 201, sends three
// statements to PostgreSQL for a doctor with a connected Mollie account
// whose token is fresh — the consultation, the connection with its token,
// and the payment stored with its account, fee and the consultation's link
// in one statement — instead of ten (the connection read again under a
// lock in a transaction, and a transaction of three writes). The stored
// payment is complete, and a repeat finds it without calling Mollie.
func TestCreatePaymentTakesThreeRoundTrips(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	doctor := uuid.MustParse(doctorID(t, 198))

	cfg, err := pgxpool.ParseConfig(stack.Platform.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	counter := &statementCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := &db.Store{Queries: db.New(pool), Pool: pool}
	payouts := *stack.Platform.Payouts
	payouts.Store = store
	acts := &activities.Activities{Store: store, Fields: stack.Platform.Fields, Links: stack.Platform.Links,
		Payments: stack.Platform.Payments, Payouts: &payouts, PublicURL: stack.Platform.Config.PublicURL, Logger: testLogger()}

	email := secure.NormaliseLookup(newEmail("roundtrips"))
	enc, err := stack.Platform.Fields.EncryptString(db.FieldGuestEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	if _, err := stack.Platform.Store.CreateConsultation(ctx, db.CreateConsultationParams{
		ID: id, DoctorID: doctor, ConsultationType: "email_advice", AdviceForm: pgtype.Text{String: "short", Valid: true},
		Status: "awaiting_payment", Language: "en", AmountCents: 3900,
		GuestEmailEnc: enc, GuestEmailHash: stack.Platform.Fields.Lookup(db.FieldGuestEmail, email),
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := stack.Platform.Store.Pool.Exec(ctx, "DELETE FROM payments WHERE consultation_id = $1", id); err != nil {
			t.Error(err)
		}
		if _, err := stack.Platform.Store.Pool.Exec(ctx, "DELETE FROM consultations WHERE id = $1", id); err != nil {
			t.Error(err)
		}
	})
	conn, err := stack.Platform.Store.CurrentMollieConnection(ctx, doctor)
	if err != nil {
		t.Fatalf("doctor 198 has no connected account: %v", err)
	}

	in := workflows.CreatePaymentInput{ConsultationID: id.String(), AmountCents: 3900, Description: "Derma2Go round trips",
		Language: "en", IdempotencyKey: workflows.ConsultationWorkflowID(id.String()) + "/payment/roundtrips"}
	counter.take()
	created, err := acts.CreatePayment(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if sent := counter.take(); len(sent) != 3 {
		t.Errorf("CreatePayment sent %d statements, want 3:\n%s", len(sent), strings.Join(sent, "\n"))
	}
	if created.PaymentID == "" || !strings.HasPrefix(created.CheckoutURL, stack.MollieURL+"/checkout/") {
		t.Fatalf("created %+v", created)
	}

	p, err := stack.Platform.Store.GetPayment(ctx, created.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ConsultationID != id || p.AmountCents != 3900 || p.Status != "open" || p.CheckoutUrl != created.CheckoutURL ||
		p.ConnectionID != (uuid.NullUUID{UUID: conn.ID, Valid: true}) || p.ApplicationFeeCents != int32(min(payouts.FeeCents, 3900)) {
		t.Errorf("stored payment %+v, connection %s, fee %d", p, conn.ID, payouts.FeeCents)
	}
	row, err := stack.Platform.Store.GetConsultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if row.PaymentID.String != created.PaymentID {
		t.Errorf("consultation's payment %q, want %q", row.PaymentID.String, created.PaymentID)
	}

	again, err := acts.CreatePayment(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if again != created {
		t.Errorf("repeat %+v, want %+v", again, created)
	}
	if sent := counter.take(); len(sent) != 2 {
		t.Errorf("repeat sent %d statements, want 2 (consultation, payment):\n%s", len(sent), strings.Join(sent, "\n"))
	}
}
