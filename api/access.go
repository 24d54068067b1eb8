package api

import (
	"errors"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/live"
)

// Object-level access runs in two steps around authentication: findSubject
// loads the object of the path and names its patient in the audit entry
// (so a refused attempt still says whose data it aimed at), then authorize
// decides, after the login is known, whether this caller may reach it.
// Whoever may not gets 404, so ids of other people's data reveal nothing.

const (
	ctxSubject    = "derma.subject"
	ctxSubjectErr = "derma.subject_err"
)

// findSubject loads the consultation or invoice of the path. A missing
// object is not an error yet: authorize answers 404 for it.
func (s *Server) findSubject(sc scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		var err error
		switch sc {
		case scopeConsultation, scopeDoctorConsultation, scopeConsultationParticipant:
			err = s.findConsultation(c, c.Param("id"))
		case scopeDoctorInvoice:
			err = s.findInvoice(c)
		case scopeDoctorPatient, scopeAdminPatient:
			err = s.findRecordPatient(c)
		case scopeThread:
			err = s.findThread(c)
		}
		if err != nil && !errors.Is(db.Translate(err), db.ErrNotFound) {
			c.Set(ctxSubjectErr, err)
		}
		c.Next()
	}
}

func (s *Server) findConsultation(c *gin.Context, param string) error {
	id, err := uuid.Parse(param)
	if err != nil {
		return db.ErrNotFound
	}
	row, err := s.Store.GetConsultation(c, id)
	if err != nil {
		return err
	}
	auditPatient(c, row.PatientID)
	c.Set(ctxSubject, row)
	return nil
}

func (s *Server) findInvoice(c *gin.Context) error {
	name, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	id, err := uuid.Parse(name)
	if !ok || err != nil {
		return db.ErrNotFound
	}
	if e := auditEntryOf(c); e != nil {
		e.objectID = id.String()
	}
	inv, err := s.Store.GetInvoice(c, id)
	if err != nil {
		return err
	}
	c.Set(ctxInvoice, inv)
	return s.findConsultation(c, inv.ConsultationID.String())
}

const ctxInvoice = "derma.invoice"

// authorize lets the request through only for a caller who may reach the
// object findSubject loaded.
func (s *Server) authorize(sc scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		if v, ok := c.Get(ctxSubjectErr); ok {
			fail(c, v.(error))
			return
		}
		if sc == scopeDoctorPatient {
			s.authorizeRecordPatient(c)
			return
		}
		if sc == scopeAdminPatient {
			if _, ok := c.Get(ctxRecordPatient); !ok || currentPrincipal(c) == nil || currentPrincipal(c).Role != RoleAdmin {
				fail(c, errNotFound(subjectName(sc)))
				return
			}
			c.Next()
			return
		}
		v, ok := c.Get(ctxSubject)
		if !ok {
			fail(c, errNotFound(subjectName(sc)))
			return
		}
		if sc == scopeThread {
			s.authorizeThread(c, v.(db.MessageThread))
			return
		}
		row := v.(db.Consultation)
		p := currentPrincipal(c)
		var allowed bool
		switch sc {
		case scopeConsultationParticipant:
			allowed = s.reachParty(c, p, row)
		case scopeConsultation:
			allowed = p != nil && p.Role == RolePatient && row.PatientID.Valid && row.PatientID.UUID == p.UserID
			if !allowed && s.guestLinkValid(c, row.ID) {
				allowed = true
				if e := auditEntryOf(c); e != nil {
					e.guest = true
				}
			}
		case scopeDoctorConsultation:
			allowed = p != nil && p.Role == RoleDoctor && row.DoctorID == p.UserID
		case scopeDoctorInvoice:
			inv, _ := c.Get(ctxInvoice)
			allowed = p != nil && p.Role == RoleDoctor && inv.(db.Invoice).DoctorID == p.UserID
		}
		if !allowed {
			fail(c, errNotFound(subjectName(sc)))
			return
		}
		c.Set(ctxConsultation, row)
		c.Next()
	}
}

// reachParty decides scopeConsultationParticipant: the consultation's doctor,
// its logged-in patient, or a holder of its guest link; it records which
// side the caller is (partyRole).
func (s *Server) reachParty(c *gin.Context, p *principal, row db.Consultation) bool {
	switch {
	case p != nil && p.Role == RoleDoctor && row.DoctorID == p.UserID:
		c.Set(ctxPartyRole, live.RoleDoctor)
	case p != nil && p.Role == RolePatient && row.PatientID.Valid && row.PatientID.UUID == p.UserID:
		c.Set(ctxPartyRole, live.RolePatient)
	case s.guestLinkValid(c, row.ID):
		c.Set(ctxPartyRole, live.RolePatient)
		c.Set(ctxGuest, true)
		if e := auditEntryOf(c); e != nil {
			e.guest = true
		}
	default:
		return false
	}
	return true
}

const (
	ctxPartyRole = "derma.party_role"
	ctxGuest     = "derma.guest"
)

// partyRole is the side of the consultation the caller is on
// (live.RolePatient or live.RoleDoctor), after scopeConsultationParticipant.
func partyRole(c *gin.Context) string { return c.GetString(ctxPartyRole) }

// viaGuestLink reports whether the caller came with the guest link.
func viaGuestLink(c *gin.Context) bool { return c.GetBool(ctxGuest) }

// guestLinkValid reports whether the request carries the consultation's
// signed guest link (?access= or X-Access-Token).
func (s *Server) guestLinkValid(c *gin.Context, id uuid.UUID) bool {
	token := c.Query("access")
	if token == "" {
		token = c.GetHeader("X-Access-Token")
	}
	if token == "" {
		return false
	}
	subject, err := s.Links.Verify(token, guestLinkPurpose, s.Now())
	return err == nil && subject == id.String()
}

func subjectName(sc scope) string {
	switch sc {
	case scopeDoctorInvoice:
		return "This invoice"
	case scopeDoctorPatient, scopeAdminPatient:
		return "This patient"
	}
	if sc == scopeThread {
		return "This conversation"
	}
	return "This consultation"
}

const ctxConsultation = "derma.consultation"

func consultationOf(c *gin.Context) db.Consultation {
	return c.MustGet(ctxConsultation).(db.Consultation)
}

// findThread loads the message thread of the path and names its patient.
func (s *Server) findThread(c *gin.Context) error {
	id, err := uuid.Parse(c.Param("threadId"))
	if err != nil {
		return db.ErrNotFound
	}
	t, err := s.Store.GetThread(c, id)
	if err != nil {
		return err
	}
	auditSubject(c, t.PatientID, t.ID.String())
	c.Set(ctxSubject, t)
	return nil
}

// authorizeThread lets a thread's own patient and doctor through and
// records which side the caller is (partyRole).
func (s *Server) authorizeThread(c *gin.Context, t db.MessageThread) {
	p := currentPrincipal(c)
	switch {
	case p != nil && p.Role == RoleDoctor && p.UserID == t.DoctorID:
		c.Set(ctxPartyRole, live.RoleDoctor)
	case p != nil && p.Role == RolePatient && p.UserID == t.PatientID:
		c.Set(ctxPartyRole, live.RolePatient)
	default:
		fail(c, errNotFound(subjectName(scopeThread)))
		return
	}
	c.Set(ctxThread, t)
	c.Next()
}

const ctxThread = "derma.thread"

func threadOf(c *gin.Context) db.MessageThread {
	return c.MustGet(ctxThread).(db.MessageThread)
}
