package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
)

type feesRequest struct {
	Fees []feeInput `json:"fees" validate:"required,min=1,max=4,dive"`
}

type feeInput struct {
	Type            string `json:"type" validate:"required,oneof=email_advice video walk_in in_person"`
	AmountCents     int32  `json:"amount_cents" validate:"gte=0,lte=100000"`
	DurationMinutes int32  `json:"duration_minutes" validate:"required,gte=5,lte=240"`
}

// doctorFees returns the logged-in doctor's fees.
func (s *Server) doctorFees(c *gin.Context) {
	views, err := s.feeViews(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"fees": views})
}

// putDoctorFees sets fees per consultation type (types not named keep theirs).
// The search index follows through the outbox.
func (s *Server) putDoctorFees(c *gin.Context) {
	var req feesRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	seen := map[string]bool{}
	for i, f := range req.Fees {
		if seen[f.Type] {
			fail(c, errValidation(FieldProblem{Field: fmt.Sprintf("fees[%d].type", i), Reason: "is listed twice"}))
			return
		}
		seen[f.Type] = true
	}
	doctor := currentPrincipal(c).UserID
	err := s.Store.Tx(c, func(q *db.Queries) error {
		for _, f := range req.Fees {
			if err := q.UpsertDoctorFee(c, db.UpsertDoctorFeeParams{
				DoctorID: doctor, ConsultationType: f.Type, AmountCents: f.AmountCents, DurationMinutes: f.DurationMinutes,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.doctorFees(c)
}

func (s *Server) feeViews(c *gin.Context) ([]FeeView, error) {
	fees, err := s.Store.ListDoctorFees(c, []uuid.UUID{currentPrincipal(c).UserID})
	if err != nil {
		return nil, err
	}
	out := make([]FeeView, 0, len(fees))
	for _, f := range fees {
		out = append(out, FeeView{Type: f.ConsultationType, AmountCents: f.AmountCents, Currency: "EUR", DurationMinutes: f.DurationMinutes})
	}
	return out, nil
}
