package api

import (
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"derma2go/db"
)

type profileRequest struct {
	Specialty     string   `json:"specialty" validate:"required,max=100"`
	Bio           string   `json:"bio" validate:"max=4000"`
	FocusAreas    []string `json:"focus_areas" validate:"max=20,dive,min=1,max=60"`
	Languages     []string `json:"languages" validate:"required,min=1,max=10,dive,len=2"`
	City          string   `json:"city" validate:"required,max=100"`
	Address       string   `json:"address" validate:"max=200"`
	Location      GeoPoint `json:"location"`
	TimeZone      string   `json:"time_zone" validate:"required,max=64"`
	PhotoURL      string   `json:"photo_url" validate:"omitempty,url,max=500"`
	AdminFeeCents int32    `json:"admin_fee_cents" validate:"gte=0,lte=100000"`
	AdviceSLADays int32    `json:"advice_sla_days" validate:"required,oneof=1 2"`
	registrationRequest
}

// doctorProfile returns the logged-in doctor's profile: the public one plus
// the registration fields.
func (s *Server) doctorProfile(c *gin.Context) {
	s.sendDoctorProfile(c, currentPrincipal(c).UserID)
}

// putDoctorProfile replaces the doctor's profile; the search index follows
// through the outbox.
func (s *Server) putDoctorProfile(c *gin.Context) {
	var req profileRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	var fields []FieldProblem
	if _, err := time.LoadLocation(req.TimeZone); err != nil || !strings.Contains(req.TimeZone, "/") {
		fields = append(fields, FieldProblem{Field: "time_zone", Reason: "must be an IANA time zone such as Europe/Amsterdam"})
	}
	if req.Location.Lat < -90 || req.Location.Lat > 90 || req.Location.Lng < -180 || req.Location.Lng > 180 ||
		(req.Location.Lat == 0 && req.Location.Lng == 0) {
		fields = append(fields, FieldProblem{Field: "location", Reason: "must be the practice's lat/lng in degrees"})
	}
	if req.PhotoURL != "" {
		if u, err := url.Parse(req.PhotoURL); err != nil || u.Scheme != "https" {
			fields = append(fields, FieldProblem{Field: "photo_url", Reason: "must be an https URL"})
		}
	}
	fields = append(fields, req.registrationRequest.check()...)
	if len(fields) > 0 {
		fail(c, errValidation(fields...))
		return
	}
	if req.FocusAreas == nil {
		req.FocusAreas = []string{}
	}
	id := currentPrincipal(c).UserID
	err := s.Store.Tx(c, func(q *db.Queries) error {
		if _, err := q.UpdateDoctorProfile(c, db.UpdateDoctorProfileParams{
			UserID: id, Specialty: req.Specialty, Bio: req.Bio, FocusAreas: req.FocusAreas, Languages: req.Languages,
			City: req.City, Address: req.Address, Latitude: req.Location.Lat, Longitude: req.Location.Lng, TimeZone: req.TimeZone,
			PhotoUrl: req.PhotoURL, AdminFeeCents: req.AdminFeeCents, AdviceSlaDays: req.AdviceSLADays,
		}); err != nil {
			return err
		}
		return req.registrationRequest.store(c, q, id)
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.sendDoctorProfile(c, id)
}
