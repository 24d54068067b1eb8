package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"derma2go/accounts"
	"derma2go/emr"
	"derma2go/mail"
	"derma2go/privacy"
	"derma2go/secure"
	"derma2go/web"
)

// The patient's GDPR rights: the export of all their data (art. 15 and 20)
// and the erasure of their account (art. 17) as far as the WGBO allows.
// The rules are in privacy/; these handlers check the caller and answer.

// exportMyData answers everything the platform holds about the patient as
// one zip file: data.json (every table's rows, decrypted), the medical
// record as a FHIR R4 Bundle, and the photos and documents. It reads in one
// repeatable-read snapshot, so the parts agree.
//
// A patient who turned two-factor sign-in on gives a fresh code in the
// header secondFactorHeader (see stepUp).
func (s *Server) exportMyData(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if !s.stepUp(c, p, u, c.GetHeader(secondFactorHeader), "header "+secondFactorHeader) {
		return
	}
	var zip []byte
	err = pgx.BeginTxFunc(c, s.Store.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		r, err := emr.Load(c, s.Store.WithTx(tx), s.Fields, p.UserID, uuid.Nil, s.Now())
		if err != nil {
			return err
		}
		bundle, err := fhirBundle(r, false)
		if err != nil {
			return err
		}
		e, err := privacy.BuildExport(c, tx, s.Fields, p.UserID.String(), bundle, s.Now())
		if err != nil {
			return err
		}
		zip, err = e.Zip()
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="derma2go-export-`+s.Now().UTC().Format("2006-01-02")+`.zip"`)
	c.Data(http.StatusOK, "application/zip", zip)
}

// ErasurePlanView tells the patient what an erasure would do now.
type ErasurePlanView struct {
	// Erasable is false while a consultation is still running.
	Erasable bool `json:"erasable"`
	// RecordKeptUntil is when the retained medical record is removed; null
	// when there is none and everything goes at once.
	RecordKeptUntil *string `json:"record_kept_until"`
	// RetentionYears is the WGBO retention of a record after its last entry.
	RetentionYears int `json:"retention_years"`
	// Active are the consultations to finish or cancel first.
	Active []ErasureBlockerView `json:"active_consultations"`
	// TwoFactor: the erasure (and the export) ask a fresh second-factor code.
	TwoFactor bool `json:"two_factor"`
	// PrivacyVersion and PrivacyAcceptedAt are the privacy statement the
	// patient consented to, and when; null for accounts from before consent
	// was recorded.
	PrivacyVersion    *string    `json:"privacy_version"`
	PrivacyAcceptedAt *time.Time `json:"privacy_accepted_at"`
}

// ErasureBlockerView is a consultation that blocks the erasure.
type ErasureBlockerView struct {
	ID     uuid.UUID `json:"id"`
	Type   string    `json:"type"`
	Status string    `json:"status"`
}

// ErasedView is the answer to an erasure.
type ErasedView struct {
	Erased          bool    `json:"erased"`
	RecordKeptUntil *string `json:"record_kept_until"`
}

// secondFactorHeader carries the fresh second-factor code of a request
// without a body (the export).
const secondFactorHeader = "X-Second-Factor-Code"

type erasureRequest struct {
	Password string `json:"password" validate:"required,max=128"`
	// Code is a fresh authenticator code or a recovery code, asked when the
	// patient turned two-factor sign-in on.
	Code string `json:"code" validate:"omitempty,max=32"`
}

func (s *Server) retention() privacy.Retention {
	r := s.Retention
	if r.RecordYears == 0 {
		r.RecordYears = 20
	}
	return r
}

func dateOnly(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.UTC().Format(time.DateOnly)
	return &d
}

// erasurePlan answers what erasing the account now would do.
func (s *Server) erasurePlan(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	plan, err := privacy.Preview(c, s.Store.Queries, p.UserID, s.retention())
	if err != nil {
		fail(c, err)
		return
	}
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	v := ErasurePlanView{Erasable: len(plan.Active) == 0, RecordKeptUntil: dateOnly(plan.RecordUntil),
		RetentionYears: s.retention().RecordYears, Active: []ErasureBlockerView{}, TwoFactor: u.TotpEnabledAt != nil}
	if u.PrivacyVersion.Valid {
		v.PrivacyVersion = &u.PrivacyVersion.String
	}
	if u.PrivacyAcceptedAt != nil {
		at := u.PrivacyAcceptedAt.UTC()
		v.PrivacyAcceptedAt = &at
	}
	for _, a := range plan.Active {
		v.Active = append(v.Active, ErasureBlockerView{ID: a.ID, Type: a.Type, Status: string(a.Status)})
	}
	c.JSON(http.StatusOK, v)
}

var (
	textErasurePassword = problemText{"Password incorrect",
		"Your password is not right; your account was not erased."}

	textErasureActive = problemText{"Consultations still running",
		"You still have a consultation in progress. Finish or cancel it (the usual cancellation rules apply), then erase your account."}

	textErasureDone = problemText{"Not erasable",
		"This account cannot be erased."}
)

// erase erases the caller's account after checking their password (and
// second factor when enrolled): see privacy.Erase for what goes and what
// stays. The confirmation goes to the address before it is removed.
func (s *Server) erase(c *gin.Context) {
	var req erasureRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	lang := requestLanguage(c, "")
	if !s.rateLimited(c, passwordChangePerAccount, "erasure:"+p.UserID.String()) {
		return
	}
	u, err := s.Store.GetUser(c, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := secure.CheckPassword(req.Password, u.PasswordHash); err != nil {
		fail(c, localProblem(c, lang, http.StatusForbidden, "password-incorrect", textErasurePassword))
		return
	}
	if !s.stepUp(c, p, u, req.Code, "code") {
		return
	}
	who, err := accounts.Decrypt(s.Fields, u)
	if err != nil {
		fail(c, err)
		return
	}
	done, err := privacy.Erase(c, s.Store, s.Fields, p.UserID, s.retention())
	switch {
	case errors.Is(err, privacy.ErrActiveConsultations):
		fail(c, localProblem(c, lang, http.StatusConflict, "consultations-running", textErasureActive))
		return
	case errors.Is(err, privacy.ErrNotErasable):
		fail(c, localProblem(c, lang, http.StatusConflict, "not-erasable", textErasureDone))
		return
	case err != nil:
		fail(c, err)
		return
	}
	s.clearSessionCookies(c)
	until := dateOnly(done.RecordUntil)
	s.mailErasure(c, u.Language, who, until)
	c.JSON(http.StatusOK, ErasedView{Erased: true, RecordKeptUntil: until})
}

// mailErasure confirms the erasure to the address it removed. The erasure
// stands whether or not the mail goes out; a failure is logged.
func (s *Server) mailErasure(c *gin.Context, lang string, who accounts.Decrypted, until *string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 20*time.Second)
	defer cancel()
	data := mail.AccountErasedData{PatientName: who.Name, ContactURL: web.Links{Base: s.PublicURL}.Contact()}
	if until != nil {
		data.RecordUntil = *until
	}
	msg, err := mail.Render(lang, mail.TemplateAccountErased, data)
	if err == nil {
		msg.To = []string{who.Email}
		err = s.Mail.Send(ctx, msg)
	}
	if err != nil {
		logger(c).ErrorContext(ctx, "erasure mail not sent", "err", err)
	}
}
