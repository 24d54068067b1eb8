package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/care"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/mail"
	"derma2go/secure"
	"derma2go/web"
)

// Doctor onboarding: an admin invites a doctor, who sets a password through
// the emailed link (the password-reset token machinery, with a longer
// life), enrols the second factor at the first login and works through the
// getting-started checklist (domain.Checklist) before patients can find and
// book them.

// inviteLifetime is how long an invitation's set-password link works.
const inviteLifetime = 7 * 24 * time.Hour

var textEmailTaken = problemText{"Address in use",
	"An account with this email address exists already."}

type inviteDoctorRequest struct {
	Name      string `json:"name" validate:"required,min=2,max=200"`
	Email     string `json:"email" validate:"required,email,max=254"`
	BIGNumber string `json:"big_number" validate:"required,len=11"`
	City      string `json:"city" validate:"required,min=2,max=100"`
	Language  string `json:"language" validate:"omitempty,oneof=nl en"`
}

// AdminDoctorView is one doctor in the admins' list.
type AdminDoctorView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	City      string     `json:"city"`
	BIGNumber string     `json:"big_number"`
	InvitedAt *time.Time `json:"invited_at,omitempty"`
	// SecondFactor: the doctor has signed in and enrolled the second factor.
	SecondFactor bool `json:"second_factor"`
	// Listed: every required item of the checklist is done, so patients
	// find and book the doctor.
	Listed bool `json:"listed"`
}

// inviteDoctor creates a doctor's account with an unknown password and
// mails the link that sets it.
func (s *Server) inviteDoctor(c *gin.Context) {
	var req inviteDoctorRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	req.Name, req.City = strings.TrimSpace(req.Name), strings.TrimSpace(req.City)
	var fields []FieldProblem
	if !allDigits(req.BIGNumber, 11) {
		fields = append(fields, FieldProblem{Field: "big_number", Reason: "must be the 11 digits of the BIG register"})
	}
	if len(req.Name) < 2 {
		fields = append(fields, FieldProblem{Field: "name", Reason: "is empty"})
	}
	if len(req.City) < 2 {
		fields = append(fields, FieldProblem{Field: "city", Reason: "is empty"})
	}
	if len(fields) > 0 {
		fail(c, errValidation(fields...))
		return
	}
	if req.Language == "" {
		req.Language = "nl"
	}
	// Nobody knows this password: the doctor sets their own with the link.
	secret, _, err := secure.NewToken()
	if err != nil {
		fail(c, err)
		return
	}
	hash, err := secure.HashPassword(secret, secure.DefaultArgon2)
	if err != nil {
		fail(c, err)
		return
	}
	params, err := accounts.NewUser(s.Fields, RoleDoctor, req.Email, req.Name, hash, req.Language)
	if err != nil {
		fail(c, err)
		return
	}
	token, tokenHash, err := secure.NewToken()
	if err != nil {
		fail(c, err)
		return
	}
	admin, now := currentPrincipal(c).UserID, s.Now()
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if _, err := q.CreateUser(c, params); err != nil {
			return err
		}
		if err := q.InviteDoctor(c, db.InviteDoctorParams{
			UserID: params.ID, DisplayName: req.Name, City: req.City, BigNumber: req.BIGNumber,
			Languages: []string{req.Language}, InvitedBy: uuid.NullUUID{UUID: admin, Valid: true}, InvitedAt: now,
		}); err != nil {
			return err
		}
		return q.CreatePasswordReset(c, db.CreatePasswordResetParams{
			TokenHash: tokenHash, UserID: params.ID, ExpiresAt: now.Add(inviteLifetime),
		})
	})
	if errors.Is(err, db.ErrConflict) {
		fail(c, walkInProblem(c, requestLanguage(c, ""), http.StatusConflict, "email-taken", textEmailTaken))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	auditSubject(c, uuid.Nil, params.ID.String())
	msg, err := mail.Render(req.Language, mail.TemplateDoctorInvitation, mail.DoctorInvitationData{
		DoctorName: req.Name, WelcomeURL: web.Links{Base: s.PublicURL}.DoctorWelcome(token),
		ExpiresDays: int(inviteLifetime / (24 * time.Hour)),
	})
	if err != nil {
		fail(c, err)
		return
	}
	msg.To = []string{secure.NormaliseLookup(req.Email)}
	s.sendLater(c, msg, "user_id", params.ID)
	c.JSON(http.StatusCreated, AdminDoctorView{
		ID: params.ID.String(), Name: req.Name, Email: secure.NormaliseLookup(req.Email), City: req.City,
		BIGNumber: req.BIGNumber, InvitedAt: &now,
	})
}

// adminDoctors lists the doctors a page at a time (?limit=, ?offset=, as
// every paged list), the invited ones first, with whether they signed in
// and whether patients can find them, and the total to page through.
func (s *Server) adminDoctors(c *gin.Context) {
	limit, offset, err := pageParams(c)
	if err != nil {
		fail(c, err)
		return
	}
	total, err := s.Store.CountDoctors(c)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Store.AdminListDoctors(c, db.AdminListDoctorsParams{Limit: int32(limit), Offset: int32(offset)})
	if err != nil {
		fail(c, err)
		return
	}
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.UserID
	}
	setups, err := care.DoctorSetups(c, s.Store.Queries, ids, s.Payouts.Enabled())
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]AdminDoctorView, 0, len(rows))
	for _, r := range rows {
		email, err := s.Fields.DecryptString(db.FieldUserEmail, r.EmailEnc)
		if err != nil {
			fail(c, err)
			return
		}
		setup, ok := setups[r.UserID]
		items = append(items, AdminDoctorView{
			ID: r.UserID.String(), Name: r.DisplayName, Email: email, City: r.City, BIGNumber: r.BigNumber,
			InvitedAt: r.InvitedAt, SecondFactor: r.SecondFactor, Listed: ok && domain.Listed(domain.Checklist(setup)),
		})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "page": Page{Limit: limit, Offset: offset, Total: total}})
}

// ChecklistItemView is one step of the doctor's getting-started checklist.
type ChecklistItemView struct {
	ID       string `json:"id"`
	Done     bool   `json:"done"`
	Required bool   `json:"required"`
	// Page is the dashboard page that does this step.
	Page string `json:"page"`
}

// ChecklistView is the doctor's checklist and whether patients can find
// and book them.
type ChecklistView struct {
	Items   []ChecklistItemView `json:"items"`
	Listed  bool                `json:"listed"`
	Missing []string            `json:"missing"`
}

// doctorChecklist answers the logged-in doctor's checklist, computed from
// the record at each request.
func (s *Server) doctorChecklist(c *gin.Context) {
	items, err := care.DoctorChecklist(c, s.Store.Queries, currentPrincipal(c).UserID, s.Payouts.Enabled())
	if err != nil {
		fail(c, err)
		return
	}
	view := ChecklistView{Items: make([]ChecklistItemView, 0, len(items)), Missing: []string{}, Listed: domain.Listed(items)}
	for _, it := range items {
		view.Items = append(view.Items, ChecklistItemView{ID: string(it.ID), Done: it.Done, Required: it.Required, Page: it.Page})
	}
	for _, id := range domain.Missing(items) {
		view.Missing = append(view.Missing, string(id))
	}
	slices.Sort(view.Missing)
	c.JSON(http.StatusOK, view)
}
