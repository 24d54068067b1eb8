package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
)

func (s *Server) routeDoctors(v1 *gin.RouterGroup) {
	v1.GET("/doctors", s.listDoctors)
	v1.GET("/doctors/:id", s.getDoctor)
}

// DoctorView is a doctor's public profile.
type DoctorView struct {
	ID            uuid.UUID `json:"id"`
	Name          string    `json:"name"`
	Specialty     string    `json:"specialty"`
	Bio           string    `json:"bio"`
	FocusAreas    []string  `json:"focus_areas"`
	Languages     []string  `json:"languages"`
	City          string    `json:"city"`
	Address       string    `json:"address"`
	Location      GeoPoint  `json:"location"`
	TimeZone      string    `json:"time_zone"`
	PhotoURL      string    `json:"photo_url"`
	AdminFeeCents int32     `json:"admin_fee_cents"`
	AdviceSLADays int32     `json:"advice_sla_days"`
	Fees          []FeeView `json:"fees"`
	Rating        Rating    `json:"rating"`
}

// GeoPoint is a position in degrees.
type GeoPoint struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// FeeView is a doctor's price for one consultation type.
type FeeView struct {
	Type            string `json:"type"`
	AmountCents     int32  `json:"amount_cents"`
	Currency        string `json:"currency"`
	DurationMinutes int32  `json:"duration_minutes"`
}

// Rating is a doctor's average review score (0 when there are no reviews).
type Rating struct {
	Average float64 `json:"average"`
	Count   int32   `json:"count"`
}

// Page describes one page of a list.
type Page struct {
	Limit  int   `json:"limit"`
	Offset int   `json:"offset"`
	Total  int64 `json:"total"`
}

func (s *Server) listDoctors(c *gin.Context) {
	limit, offset, err := pageParams(c)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Store.ListDoctors(c, db.ListDoctorsParams{Limit: int32(limit), Offset: int32(offset)})
	if err != nil {
		fail(c, err)
		return
	}
	total, err := s.Store.CountDoctors(c)
	if err != nil {
		fail(c, err)
		return
	}
	views, err := s.doctorViews(c, rows)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": views, "page": Page{Limit: limit, Offset: offset, Total: total}})
}

func (s *Server) getDoctor(c *gin.Context) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, errNotFound("This doctor"))
		return
	}
	row, err := s.Store.GetDoctor(c, id)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This doctor"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	views, err := s.doctorViews(c, []db.Doctor{row})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, views[0])
}

// doctorViews joins doctors with their fees in one query.
func (s *Server) doctorViews(c *gin.Context, rows []db.Doctor) ([]DoctorView, error) {
	ids := make([]uuid.UUID, len(rows))
	for i, d := range rows {
		ids[i] = d.UserID
	}
	fees, err := s.Store.ListDoctorFees(c, ids)
	if err != nil {
		return nil, err
	}
	byDoctor := map[uuid.UUID][]FeeView{}
	for _, f := range fees {
		byDoctor[f.DoctorID] = append(byDoctor[f.DoctorID], FeeView{
			Type: f.ConsultationType, AmountCents: f.AmountCents, Currency: "EUR", DurationMinutes: f.DurationMinutes,
		})
	}
	views := make([]DoctorView, len(rows))
	for i, d := range rows {
		v := DoctorView{
			ID: d.UserID, Name: d.DisplayName, Specialty: d.Specialty, Bio: d.Bio, FocusAreas: d.FocusAreas,
			Languages: d.Languages, City: d.City, Address: d.Address, Location: GeoPoint{Lat: d.Latitude, Lng: d.Longitude},
			TimeZone: d.TimeZone, PhotoURL: d.PhotoUrl, AdminFeeCents: d.AdminFeeCents, AdviceSLADays: d.AdviceSlaDays,
			Fees: byDoctor[d.UserID], Rating: Rating{Count: d.RatingCount},
		}
		if v.Fees == nil {
			v.Fees = []FeeView{}
		}
		if d.RatingCount > 0 {
			v.Rating.Average = float64(d.RatingSum) / float64(d.RatingCount)
		}
		views[i] = v
	}
	return views, nil
}

// pageParams reads ?limit= (1–100, default 20) and ?offset= (≥ 0).
func pageParams(c *gin.Context) (limit, offset int, err error) {
	limit, offset = 20, 0
	var fields []FieldProblem
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fields = append(fields, FieldProblem{Field: "limit", Reason: "must be an integer from 1 to 100"})
		}
		limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			fields = append(fields, FieldProblem{Field: "offset", Reason: "must be an integer ≥ 0"})
		}
		offset = n
	}
	if len(fields) > 0 {
		return 0, 0, newProblemFields(http.StatusBadRequest, fields)
	}
	return limit, offset, nil
}

func newProblemFields(status int, fields []FieldProblem) error {
	p := newProblem(status, "invalid-parameter", "Invalid query parameter", "One or more query parameters are invalid.")
	p.fields = fields
	return p
}
