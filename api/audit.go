package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
)

// Audit actions of NEN 7513.
const (
	actionCreate = "create"
	actionRead   = "read"
	actionUpdate = "update"
	actionDelete = "delete"
	actionExport = "export"
	actionSearch = "search"
)

// Actor roles written for callers without a login.
const (
	actorAnonymous = "anonymous"
	actorGuest     = "guest"
)

const ctxAudit = "derma.audit"

type auditEntry struct {
	objectType string
	action     string
	scope      scope
	patientID  uuid.NullUUID
	objectID   string
	onBehalfOf uuid.NullUUID
	// guest: the caller came with a consultation's signed link.
	guest bool
	// listed are the patients a list read showed, each with its objects.
	listed []auditListing
	// written: the entry went to the log before the handler returned
	// (auditNow, for a stream that stays open).
	written bool
}

type auditListing struct {
	patient uuid.NullUUID
	objects []string
}

// audited opens the audit entry of a route that touches patient data. It
// runs first in the route's chain, so the access check, the PIN check and
// authentication refusals are written too. After the handler the entry is
// written to the append-only audit log with the NEN 7513 fields: when, who
// (actor and role), on whose behalf, which patient, which object, what
// action, from where, and the outcome (the HTTP status).
//
// A list read writes one row per patient it showed, naming that patient's
// objects; a list that showed nobody writes one row without a patient.
func (s *Server) audited(r routeSpec) gin.HandlerFunc {
	return func(c *gin.Context) {
		e := &auditEntry{objectType: r.audit.object, action: r.audit.action, scope: r.scope}
		if n := len(c.Params); n > 0 {
			e.objectID = truncate(c.Params[n-1].Value, 128)
		}
		c.Set(ctxAudit, e)
		c.Next()
		if !e.written {
			s.writeAudit(c, e)
		}
	}
}

// auditNow writes the request's audit entry at once, with the status
// already sent, instead of when the handler returns: an event stream that
// stays open for hours is logged when it opens, once.
func (s *Server) auditNow(c *gin.Context) {
	if e := auditEntryOf(c); e != nil && !e.written {
		e.written = true
		s.writeAudit(c, e)
	}
}

func (s *Server) writeAudit(c *gin.Context, e *auditEntry) {
	p := currentPrincipal(c)
	base := db.InsertAuditEventParams{
		ActorRole:  actorAnonymous,
		OnBehalfOf: e.onBehalfOf,
		PatientID:  e.patientID,
		ObjectType: e.objectType,
		ObjectID:   e.objectID,
		Action:     e.action,
		Outcome:    int32(c.Writer.Status()),
		Route:      c.Request.Method + " " + c.FullPath(),
		RequestID:  requestID(c),
		ClientIp:   c.ClientIP(),
		UserAgent:  truncate(c.Request.UserAgent(), 256),
	}
	switch {
	case p != nil:
		base.ActorID = uuid.NullUUID{UUID: p.UserID, Valid: true}
		base.ActorRole = p.Role
		if e.scope == scopeSelf && !base.PatientID.Valid {
			base.PatientID = base.ActorID
		}
	case e.guest:
		base.ActorRole = actorGuest
	}
	rows := []db.InsertAuditEventParams{base}
	if len(e.listed) > 0 {
		rows = rows[:0]
		for _, l := range e.listed {
			ev := base
			ev.PatientID, ev.ObjectID = l.patient, strings.Join(l.objects, ",")
			rows = append(rows, ev)
		}
	}
	// The response is written; the audit write must not depend on the
	// client still listening.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	err := s.audits.Write(ctx, rows)
	if err != nil {
		logger(c).ErrorContext(ctx, "audit write failed", "err", err, "object_type", e.objectType, "action", e.action)
	}
}

func auditEntryOf(c *gin.Context) *auditEntry {
	if v, ok := c.Get(ctxAudit); ok {
		return v.(*auditEntry)
	}
	return nil
}

// auditSubject names the patient and object of an audited access.
func auditSubject(c *gin.Context, patientID uuid.UUID, objectID string) {
	if e := auditEntryOf(c); e != nil {
		e.patientID = uuid.NullUUID{UUID: patientID, Valid: patientID != uuid.Nil}
		e.objectID = objectID
	}
}

// auditPatient names the patient of an audited access, keeping the object.
func auditPatient(c *gin.Context, patientID uuid.NullUUID) {
	if e := auditEntryOf(c); e != nil {
		e.patientID = patientID
	}
}

// auditListed records that a list read showed objectID of patientID (an
// invalid patientID is a guest, whose object stands alone).
func auditListed(c *gin.Context, patientID uuid.NullUUID, objectID string) {
	e := auditEntryOf(c)
	if e == nil {
		return
	}
	if patientID.Valid {
		for i := range e.listed {
			if e.listed[i].patient == patientID {
				e.listed[i].objects = append(e.listed[i].objects, objectID)
				return
			}
		}
	}
	e.listed = append(e.listed, auditListing{patient: patientID, objects: []string{objectID}})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// auditInvoices records the patients of the invoices a list read showed.
func (s *Server) auditInvoices(c *gin.Context, invoices []db.Invoice) error {
	if auditEntryOf(c) == nil || len(invoices) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, 0, len(invoices))
	for _, inv := range invoices {
		ids = append(ids, inv.ConsultationID)
	}
	rows, err := s.Store.ListConsultationPatients(c, ids)
	if err != nil {
		return fmt.Errorf("audit: patients of invoices: %w", err)
	}
	patients := make(map[uuid.UUID]uuid.NullUUID, len(rows))
	for _, r := range rows {
		patients[r.ID] = r.PatientID
	}
	for _, inv := range invoices {
		auditListed(c, patients[inv.ConsultationID], inv.ID.String())
	}
	return nil
}
