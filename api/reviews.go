package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
)

// ReviewView is a published review. Reviews are anonymous: they show the
// consultation type, never the patient.
type ReviewView struct {
	ID               uuid.UUID `json:"id"`
	Rating           int16     `json:"rating"`
	Text             string    `json:"text"`
	ConsultationType string    `json:"consultation_type"`
	CreatedAt        time.Time `json:"created_at"`
}

func (s *Server) doctorReviews(c *gin.Context) {
	id, ok := s.shownDoctor(c)
	if !ok {
		return
	}
	limit, offset, err := pageParams(c)
	if err != nil {
		fail(c, err)
		return
	}
	doctor, err := s.Store.GetDoctor(c, id)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This doctor"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Store.ListDoctorReviews(c, db.ListDoctorReviewsParams{DoctorID: id, Limit: int32(limit), Offset: int32(offset)})
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ReviewView, 0, len(rows))
	for _, r := range rows {
		items = append(items, ReviewView{ID: r.ID, Rating: r.Rating, Text: r.Body, ConsultationType: r.ConsultationType, CreatedAt: r.CreatedAt.UTC()})
	}
	rating := Rating{Count: doctor.RatingCount}
	if doctor.RatingCount > 0 {
		rating.Average = float64(doctor.RatingSum) / float64(doctor.RatingCount)
	}
	c.JSON(http.StatusOK, gin.H{"rating": rating, "items": items, "page": Page{Limit: limit, Offset: offset, Total: int64(doctor.RatingCount)}})
}

type reviewRequest struct {
	Rating int    `json:"rating" validate:"required,gte=1,lte=5"`
	Text   string `json:"text" validate:"max=2000"`
}

// createReview takes one review per completed consultation from its patient
// and updates the doctor's rating in the same transaction.
func (s *Server) createReview(c *gin.Context) {
	row := consultationOf(c)
	var req reviewRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if domain.Status(row.Status) != domain.StatusCompleted {
		fail(c, errConflict("Only a completed consultation can be reviewed."))
		return
	}
	var review db.Review
	err := s.Store.Tx(c, func(q *db.Queries) error {
		var err error
		review, err = q.CreateReview(c, db.CreateReviewParams{
			ID: uuid.New(), ConsultationID: row.ID, DoctorID: row.DoctorID, PatientID: row.PatientID,
			Rating: int16(req.Rating), Body: strings.TrimSpace(req.Text),
		})
		if err != nil {
			return err
		}
		return q.AddDoctorRating(c, db.AddDoctorRatingParams{Rating: int32(req.Rating), DoctorID: row.DoctorID})
	})
	if errors.Is(err, db.ErrConflict) {
		fail(c, errConflict("This consultation has a review already."))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ReviewView{ID: review.ID, Rating: review.Rating, Text: review.Body,
		ConsultationType: row.ConsultationType, CreatedAt: review.CreatedAt.UTC()})
}

func (s *Server) favouriteDoctor(c *gin.Context) (uuid.UUID, bool) {
	id, err := uuid.Parse(c.Param("doctorId"))
	if err != nil {
		fail(c, errNotFound("This doctor"))
		return uuid.Nil, false
	}
	if _, err := s.Store.GetDoctor(c, id); errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This doctor"))
		return uuid.Nil, false
	} else if err != nil {
		fail(c, err)
		return uuid.Nil, false
	}
	return id, true
}

func (s *Server) addFavourite(c *gin.Context) {
	id, ok := s.favouriteDoctor(c)
	if !ok {
		return
	}
	if err := s.Store.AddFavourite(c, db.AddFavouriteParams{UserID: currentPrincipal(c).UserID, DoctorID: id}); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) removeFavourite(c *gin.Context) {
	id, err := uuid.Parse(c.Param("doctorId"))
	if err != nil {
		fail(c, errNotFound("This doctor"))
		return
	}
	if err := s.Store.RemoveFavourite(c, db.RemoveFavouriteParams{UserID: currentPrincipal(c).UserID, DoctorID: id}); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listFavourites(c *gin.Context) {
	ids, err := s.Store.ListFavourites(c, currentPrincipal(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	byID, err := s.doctorViewsOf(c, ids)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]DoctorView, 0, len(ids))
	for _, id := range ids {
		if v, ok := byID[id]; ok {
			items = append(items, v)
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
