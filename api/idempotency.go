package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/secure"
	"derma2go/web"
)

// Idempotency-Key of POST /v1/consultations: a retried request with the same
// key from the same caller (user, or guest email) and the same body gets the
// consultation and checkout of the first; the same key with another body is
// a 422. Keys are kept in Postgres for idempotencyTTL.
//
// The key records the consultation its request creates in the transaction
// that inserts it. A request that then fails with an outcome it cannot know
// (the workflow engine did not answer in time: the workflow may run) keeps
// the consultation and leaves the key to its retry, which resumes that
// consultation — starting its workflow again is idempotent — instead of
// creating a second one.
const (
	idempotencyHeader = "Idempotency-Key"
	idempotencyTTL    = 24 * time.Hour
	// idempotencyMargin is how long after its handler's deadline a claim
	// whose request never finished (its process died) may be taken over;
	// see idempotencyStale.
	idempotencyMargin = 15 * time.Second
	maxIdempotencyKey = 255
	ctxCreated        = "derma.created"
	ctxIdempotency    = "derma.idempotency"
)

// idempotencyStale is the age past which a claim still in progress is
// taken over: its request's handler, with everything it does under the
// request's context (the insert, the key's attachment, the workflow
// start), ends at HandlerTimeout, so a claim older than that and a margin
// belongs to a process that died (an API instance killed, or PostgreSQL
// restarted under it before the key was released). It was a fixed two
// minutes, which kept the retries of a killed instance's creates at 409
// for that long.
func (s *Server) idempotencyStale() time.Duration {
	return s.HandlerTimeout + idempotencyMargin
}

// idempotentCall is a claimed key for the request in flight; resume is the
// consultation an earlier attempt with the key created and did not answer.
type idempotentCall struct {
	scope, key string
	resume     uuid.NullUUID
}

// claimIdempotency looks at the request's Idempotency-Key. It returns nil,
// nil without a key (or without a caller to scope it to: the request fails
// its own validation then); a stored answer to replay; or a claim that
// finishIdempotency completes or releases.
func (s *Server) claimIdempotency(c *gin.Context, p *principal, req createConsultationRequest) (*idempotentCall, *ConsultationCreated, error) {
	key := c.GetHeader(idempotencyHeader)
	if key == "" {
		return nil, nil, nil
	}
	if len(key) > maxIdempotencyKey || !printableASCII(key) {
		return nil, nil, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: idempotencyHeader,
			Reason: fmt.Sprintf("must be 1 to %d printable ASCII characters", maxIdempotencyKey)}})
	}
	var scope string
	switch {
	case p != nil:
		scope = "user:" + p.UserID.String()
	case req.GuestEmail != "":
		scope = "guest:" + hex.EncodeToString(s.Fields.Lookup(db.FieldGuestEmail, secure.NormaliseLookup(req.GuestEmail)))
	default:
		return nil, nil, nil
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, nil, fmt.Errorf("idempotency: %w", err)
	}
	hash := sha256.Sum256(body)
	now := s.Now().UTC()
	var row db.IdempotencyKey
	claimed := false
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if _, err := q.DeleteExpiredIdempotencyKeys(c, now); err != nil {
			return err
		}
		if err := q.ReleaseStaleIdempotencyKey(c, db.ReleaseStaleIdempotencyKeyParams{Scope: scope, Key: key,
			ExpiresAt: now, CreatedAt: now.Add(-s.idempotencyStale())}); err != nil {
			return err
		}
		n, err := q.ClaimIdempotencyKey(c, db.ClaimIdempotencyKeyParams{Scope: scope, Key: key, RequestHash: hash[:],
			CreatedAt: now, ExpiresAt: now.Add(idempotencyTTL)})
		if err != nil {
			return err
		}
		if claimed = n == 1; claimed {
			return nil
		}
		row, err = q.GetIdempotencyKey(c, db.GetIdempotencyKeyParams{Scope: scope, Key: key})
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("idempotency: %w", err)
	}
	if claimed {
		return &idempotentCall{scope: scope, key: key}, nil, nil
	}
	if string(row.RequestHash) != string(hash[:]) {
		return nil, nil, newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency key reused",
			"This Idempotency-Key was used for a different request; use a new key for a new request.")
	}
	if row.ResponseStatus == "" {
		if row.ConsultationID.Valid && !row.CreatedAt.After(now.Add(-s.idempotencyStale())) {
			n, err := s.Store.TakeOverIdempotencyKey(c, db.TakeOverIdempotencyKeyParams{Scope: scope, Key: key,
				Now: now, Stale: now.Add(-s.idempotencyStale())})
			if err != nil {
				return nil, nil, fmt.Errorf("idempotency: %w", err)
			}
			if n == 1 {
				return &idempotentCall{scope: scope, key: key, resume: row.ConsultationID}, nil, nil
			}
		}
		c.Header("Retry-After", "1")
		return nil, nil, newProblem(http.StatusConflict, "idempotency-key-in-use", "Request in progress",
			"A request with this Idempotency-Key is still being processed; retry in a moment.")
	}
	out := &ConsultationCreated{ID: row.ConsultationID.UUID, Status: row.ResponseStatus, CheckoutURL: row.CheckoutUrl}
	if p == nil {
		out.AccessToken = s.Links.Sign(guestLinkPurpose, out.ID.String(), s.Now().Add(guestLinkLifetime))
		out.AccessLink = web.Links{Base: s.PublicURL}.Consultation(out.ID.String(), out.AccessToken)
	}
	return nil, out, nil
}

// finishIdempotency records the consultation the request created under its
// key, or releases the key when the request failed, so a retry runs anew.
func (s *Server) finishIdempotency(c *gin.Context, call *idempotentCall) {
	if call == nil {
		return
	}
	ctx := context.WithoutCancel(c.Request.Context())
	v, ok := c.Get(ctxCreated)
	created, isCreated := v.(ConsultationCreated)
	var err error
	if ok && isCreated {
		err = s.Store.CompleteIdempotencyKey(ctx, db.CompleteIdempotencyKeyParams{Scope: call.scope, Key: call.key,
			ConsultationID: uuid.NullUUID{UUID: created.ID, Valid: true}, ResponseStatus: created.Status, CheckoutUrl: created.CheckoutURL})
	} else {
		// Without a consultation the key is free again; with one kept (see
		// keepForRetry) it is left to the retry.
		err = s.Store.ReleaseIdempotencyKey(ctx, db.ReleaseIdempotencyKeyParams{Scope: call.scope, Key: call.key})
		if err == nil {
			err = s.Store.AbandonIdempotencyKey(ctx, db.AbandonIdempotencyKeyParams{Scope: call.scope, Key: call.key})
		}
	}
	if err != nil {
		logger(c).ErrorContext(ctx, "idempotency key not recorded", "err", err)
	}
}

// attachIdempotency records, in the transaction q that inserts it, the
// consultation id the request's key is creating.
func attachIdempotency(c *gin.Context, q *db.Queries, id uuid.UUID) error {
	v, _ := c.Get(ctxIdempotency)
	if call, ok := v.(*idempotentCall); ok && call != nil {
		return q.AttachIdempotencyKey(c, db.AttachIdempotencyKeyParams{Scope: call.scope, Key: call.key,
			ConsultationID: uuid.NullUUID{UUID: id, Valid: true}})
	}
	return nil
}

// keepForRetry reports whether a consultation whose workflow failed to start
// with err is kept for the retry of its Idempotency-Key: the engine did not
// answer, so the workflow may run, and the retry resumes it. Without a key
// (no retry will name it) or after a definite refusal it is deleted.
func keepForRetry(c *gin.Context, err error) bool {
	v, _ := c.Get(ctxIdempotency)
	call, ok := v.(*idempotentCall)
	return ok && call != nil && dependencyDown(err)
}

// resumeCreate answers the retry of a create whose first attempt made
// consultation id and lost its answer: the workflow is started again (it
// joins the one running, if the first start reached the engine) with the
// input the first attempt gave, rebuilt from the stored row. It reports
// false when the consultation is gone (its attempt failed for good), so
// that the request creates anew.
func (s *Server) resumeCreate(c *gin.Context, p *principal, id uuid.UUID) bool {
	row, err := s.Store.GetConsultation(c, id)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return false
	} else if err != nil {
		fail(c, err)
		return true
	}
	doctor, err := s.Store.GetDoctor(c, row.DoctorID)
	if err != nil {
		fail(c, err)
		return true
	}
	var checkout string
	switch domain.ConsultationType(row.ConsultationType) {
	case domain.TypeVideo, domain.TypeInPerson:
		checkout, err = s.Engine.StartAppointment(c, AppointmentStart{
			ConsultationID: id, DoctorID: row.DoctorID, Type: row.ConsultationType, AmountCents: int64(row.AmountCents),
			AdminFeeCents: int64(row.AdminFeeCents), Start: row.Slot.Lower.Time, End: row.Slot.Upper.Time,
			TimeZone: doctor.TimeZone, Language: row.Language,
		})
	case domain.TypeWalkIn:
		if row.WalkinOpens == nil || row.WalkinCloses == nil {
			fail(c, fmt.Errorf("resume walk-in %s: no session stored", id))
			return true
		}
		checkout, err = s.Engine.StartWalkIn(c, WalkInStart{ConsultationID: id, DoctorID: row.DoctorID,
			AmountCents: int64(row.AmountCents), Opens: *row.WalkinOpens, Closes: *row.WalkinCloses,
			TimeZone: doctor.TimeZone, Language: row.Language})
	default:
		checkout, err = s.Engine.StartEmailAdvice(c, EmailAdviceStart{
			ConsultationID: id, DoctorID: row.DoctorID, AmountCents: int64(row.AmountCents), FormKind: row.AdviceForm.String,
			SLADays: int(doctor.AdviceSlaDays), TimeZone: doctor.TimeZone, Language: row.Language,
		})
	}
	if err != nil {
		fail(c, fmt.Errorf("resume consultation %s: %w", id, err))
		return true
	}
	status := statusAwaitingPayment
	if domain.ConsultationType(row.ConsultationType) == domain.TypeInPerson {
		status = string(domain.StatusScheduled)
	}
	out := ConsultationCreated{ID: id, Status: status, CheckoutURL: checkout}
	if p == nil {
		out.AccessToken = s.Links.Sign(guestLinkPurpose, id.String(), s.Now().Add(guestLinkLifetime))
		out.AccessLink = web.Links{Base: s.PublicURL}.Consultation(id.String(), out.AccessToken)
	}
	c.Set(ctxCreated, out)
	c.JSON(http.StatusCreated, out)
	return true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
