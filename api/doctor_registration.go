package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
)

// registrationRequest is the part of the doctor's profile that invoices
// and prescriptions print for insurers and pharmacies: the practice name,
// the BIG registration number (11 digits) and the AGB code (8 digits).
// Empty means not given yet.
type registrationRequest struct {
	PracticeName string `json:"practice_name" validate:"max=200"`
	BIGNumber    string `json:"big_number" validate:"max=11"`
	AGBCode      string `json:"agb_code" validate:"max=8"`
}

// check returns the problems of the registration fields.
func (r *registrationRequest) check() []FieldProblem {
	r.PracticeName = strings.TrimSpace(r.PracticeName)
	var fields []FieldProblem
	if r.BIGNumber != "" && !allDigits(r.BIGNumber, 11) {
		fields = append(fields, FieldProblem{Field: "big_number", Reason: "must be the 11 digits of the BIG register"})
	}
	if r.AGBCode != "" && !allDigits(r.AGBCode, 8) {
		fields = append(fields, FieldProblem{Field: "agb_code", Reason: "must be the 8 digits of the AGB code"})
	}
	return fields
}

// store writes the registration fields of doctor id.
func (r registrationRequest) store(ctx context.Context, q *db.Queries, id uuid.UUID) error {
	return q.SetDoctorRegistration(ctx, db.SetDoctorRegistrationParams{
		UserID: id, PracticeName: r.PracticeName, BigNumber: r.BIGNumber, AgbCode: r.AGBCode,
	})
}

// allDigits reports whether s is exactly n ASCII digits.
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DoctorProfileView is the doctor's own profile: the public view plus the
// registration fields.
type DoctorProfileView struct {
	DoctorView
	PracticeName string `json:"practice_name"`
	BIGNumber    string `json:"big_number"`
	AGBCode      string `json:"agb_code"`
}

func (s *Server) sendDoctorProfile(c *gin.Context, id uuid.UUID) {
	views, err := s.doctorViewsOf(c, []uuid.UUID{id})
	if err != nil {
		fail(c, err)
		return
	}
	v, ok := views[id]
	if !ok {
		fail(c, errNotFound("This doctor"))
		return
	}
	d, err := s.Store.GetDoctor(c, id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, DoctorProfileView{DoctorView: v, PracticeName: d.PracticeName, BIGNumber: d.BigNumber, AGBCode: d.AgbCode})
}
