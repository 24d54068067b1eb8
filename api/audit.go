package api

import (
	"context"
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

const ctxAudit = "derma.audit"

type auditEntry struct {
	objectType string
	action     string
	patientID  uuid.NullUUID
	objectID   string
	onBehalfOf uuid.NullUUID
}

// audited marks a route as an access to patient data: after the handler the
// access is written to the append-only audit log with the NEN 7513 fields
// (when, who, on whose behalf, which patient, which object, what, from where,
// outcome), whether the access succeeded or not.
func (s *Server) audited(objectType, action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		e := &auditEntry{objectType: objectType, action: action}
		c.Set(ctxAudit, e)
		c.Next()
		p := currentPrincipal(c)
		ev := db.InsertAuditEventParams{
			ActorRole:  "anonymous",
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
		if p != nil {
			ev.ActorID = uuid.NullUUID{UUID: p.UserID, Valid: true}
			ev.ActorRole = p.Role
		}
		// The response is written; the audit write must not depend on the
		// client still listening.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
		defer cancel()
		if err := s.Store.InsertAuditEvent(ctx, ev); err != nil {
			logger(c).ErrorContext(ctx, "audit write failed", "err", err, "object_type", objectType, "action", action)
		}
	}
}

// auditSubject names the patient and object of an audited access.
func auditSubject(c *gin.Context, patientID uuid.UUID, objectID string) {
	if v, ok := c.Get(ctxAudit); ok {
		e := v.(*auditEntry)
		e.patientID = uuid.NullUUID{UUID: patientID, Valid: patientID != uuid.Nil}
		e.objectID = objectID
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
