package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/billing"
	"derma2go/db"
)

// creditNoteDocuments lists a consultation's credit notes as documents,
// served by getDocument.
func (s *Server) creditNoteDocuments(c *gin.Context, consultationID uuid.UUID) ([]DocumentView, error) {
	notes, err := s.Store.ListConsultationCreditNotes(c, consultationID)
	if err != nil {
		return nil, err
	}
	items := make([]DocumentView, 0, len(notes))
	for _, cn := range notes {
		items = append(items, DocumentView{ID: cn.ID, Kind: "credit_note", CreatedAt: cn.IssuedAt.UTC().Format(timeLayout),
			URL: "/v1/consultations/" + consultationID.String() + "/documents/" + cn.ID.String()})
	}
	return items, nil
}

// sendCreditNote answers a document request for a credit note of the
// consultation, or 404.
func (s *Server) sendCreditNote(c *gin.Context, consultationID, id uuid.UUID) {
	cn, err := s.Store.GetConsultationCreditNote(c, db.GetConsultationCreditNoteParams{ID: id, ConsultationID: consultationID})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This document"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	pdf, err := billing.CreditNotePDF(c, s.Store.Queries, s.Fields, cn)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="credit-note-`+billing.CreditNumber(cn)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}
