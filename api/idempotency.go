package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/secure"
	"derma2go/web"
)

// Idempotency-Key of POST /v1/consultations: a retried request with the same
// key from the same caller (user, or guest email) and the same body gets the
// consultation and checkout of the first; the same key with another body is
// a 422. Keys are kept in Postgres for idempotencyTTL.
const (
	idempotencyHeader = "Idempotency-Key"
	idempotencyTTL    = 24 * time.Hour
	// idempotencyStale is when a claim whose request never finished (its
	// process died) may be taken over.
	idempotencyStale  = 2 * time.Minute
	maxIdempotencyKey = 255
	ctxCreated        = "derma.created"
)

// idempotentCall is a claimed key for the request in flight.
type idempotentCall struct {
	scope, key string
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
			ExpiresAt: now, CreatedAt: now.Add(-idempotencyStale)}); err != nil {
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
	if !row.ConsultationID.Valid {
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
		err = s.Store.ReleaseIdempotencyKey(ctx, db.ReleaseIdempotencyKeyParams{Scope: call.scope, Key: call.key})
	}
	if err != nil {
		logger(c).ErrorContext(ctx, "idempotency key not recorded", "err", err)
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
