package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/db"
	"derma2go/search"
)

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
	// DistanceKm is set when searching near a point.
	DistanceKm *float64 `json:"distance_km,omitempty"`
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

// listDoctors searches doctors in the index (typo-tolerant text, filters,
// sorts, facets, pages) and answers with their profiles from Postgres, in
// the index's order.
func (s *Server) listDoctors(c *gin.Context) {
	q, err := doctorQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	res, err := s.Search.SearchDoctors(c, q)
	var qerr *search.QueryError
	if errors.As(err, &qerr) {
		fail(c, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: queryParamOf(qerr.Field), Reason: qerr.Reason}}))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	ids := make([]uuid.UUID, 0, len(res.Hits))
	for _, h := range res.Hits {
		id, err := uuid.Parse(h.ID)
		if err != nil {
			fail(c, fmt.Errorf("search returned id %q: %w", h.ID, err))
			return
		}
		ids = append(ids, id)
	}
	views, err := s.doctorViewsOf(c, ids)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]DoctorView, 0, len(views))
	for i, h := range res.Hits {
		if v, ok := views[ids[i]]; ok {
			v.DistanceKm = h.DistanceKm
			items = append(items, v)
		}
	}
	page, perPage := q.Page, q.PerPage
	out := gin.H{"items": items, "page": SearchPage{Page: page, PerPage: perPage, Total: res.Total}}
	if q.Facets {
		out["facets"] = res.Facets
	}
	c.JSON(http.StatusOK, out)
}

// SearchPage describes one page of search results.
type SearchPage struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

// doctorQuery reads the search parameters of GET /doctors.
func doctorQuery(c *gin.Context) (search.DoctorQuery, error) {
	q := search.DoctorQuery{Page: 1, PerPage: 20}
	var fields []FieldProblem
	bad := func(field, reason string) { fields = append(fields, FieldProblem{Field: field, Reason: reason}) }
	intParam := func(name string, min, max int, dst *int) {
		if v := c.Query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < min || n > max {
				bad(name, fmt.Sprintf("must be an integer from %d to %d", min, max))
				return
			}
			*dst = n
		}
	}
	intParam("page", 1, 10_000, &q.Page)
	intParam("per_page", 1, 100, &q.PerPage)
	// limit is per_page under the name the other lists use; it wins.
	intParam("limit", 1, 100, &q.PerPage)
	q.Text = c.Query("q")
	if len(q.Text) > 200 {
		bad("q", "must be at most 200 characters")
	}
	q.Type = c.Query("type")
	if q.Type != "" && !search.IsConsultationType(q.Type) {
		bad("type", "must be one of: email_advice, video, walk_in, in_person")
	}
	if v := c.Query("max_price"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 10_000_000 {
			bad("max_price", "must be a price in cents ≥ 0")
		}
		q.MaxPriceCents = n
	}
	q.City = c.Query("city")
	q.Language = c.Query("language")
	if v := c.Query("min_rating"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 5 {
			bad("min_rating", "must be a number from 0 to 5")
		}
		q.MinRating = f
	}
	if v := c.Query("near"); v != "" {
		lat, lng, ok := strings.Cut(v, ",")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		ln, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
		if !ok || err1 != nil || err2 != nil {
			bad("near", "must be lat,lng in degrees")
		} else {
			q.Near = &search.GeoPoint{Lat: la, Lng: ln}
		}
	}
	if v := c.Query("radius_km"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1000 {
			bad("radius_km", "must be a distance from 0 to 1000 km")
		}
		q.RadiusKm = f
	}
	if v := c.Query("available_before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := time.Parse("2006-01-02", v)
			if derr != nil {
				bad("available_before", "must be a date (2026-12-01) or an RFC 3339 time")
			}
			t = d.AddDate(0, 0, 1) // a date means: by the end of that day
		}
		q.AvailableBefore = &t
	}
	q.Sort = c.Query("sort")
	q.Facets = c.Query("facets") == "true"
	if len(fields) > 0 {
		return q, newProblemFields(http.StatusBadRequest, fields)
	}
	if err := q.Validate(); err != nil {
		var qerr *search.QueryError
		if errors.As(err, &qerr) {
			return q, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: queryParamOf(qerr.Field), Reason: qerr.Reason}})
		}
		return q, err
	}
	return q, nil
}

// queryParamOf maps a search.QueryError field onto the query parameter.
func queryParamOf(field string) string {
	switch field {
	case "max_price_cents":
		return "max_price"
	case "near.lat", "near.lng":
		return "near"
	case "text":
		return "q"
	}
	return field
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
	// An unlisted doctor (not in the search, not bookable) has no public
	// profile yet; the doctor sees it at /v1/doctor/profile, admins in
	// their list.
	listed, err := care.DoctorListed(c, s.Store.Queries, id, s.Payouts.Enabled())
	if err != nil {
		fail(c, err)
		return
	}
	if !listed {
		fail(c, errNotFound("This doctor"))
		return
	}
	views, err := s.doctorViews(c, []db.Doctor{row})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, views[0])
}

// doctorViewsOf loads the profiles of ids; a doctor deleted meanwhile is
// simply absent from the map.
func (s *Server) doctorViewsOf(c *gin.Context, ids []uuid.UUID) (map[uuid.UUID]DoctorView, error) {
	rows, err := s.Store.GetDoctors(c, ids)
	if err != nil {
		return nil, err
	}
	views, err := s.doctorViews(c, rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]DoctorView, len(views))
	for _, v := range views {
		byID[v.ID] = v
	}
	return byID, nil
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

// shownDoctor is the doctor of the route's :id whose public parts of the
// practice (slots, reviews, walk-in state) may be shown to the caller: to
// anyone when the doctor is listed, else only to the doctor (the dashboard
// shows the slots their availability gives before they are listed) and to
// admins. Otherwise it has answered — the 404 of an unknown doctor — and
// reports false.
func (s *Server) shownDoctor(c *gin.Context) (uuid.UUID, bool) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, errNotFound("This doctor"))
		return uuid.Nil, false
	}
	if p := currentPrincipal(c); p != nil && (p.UserID == id || p.Role == RoleAdmin) {
		return id, true
	}
	listed, err := care.DoctorListed(c, s.Store.Queries, id, s.Payouts.Enabled())
	if err != nil {
		fail(c, err)
		return uuid.Nil, false
	}
	if !listed {
		fail(c, errNotFound("This doctor"))
		return uuid.Nil, false
	}
	return id, true
}
